package dev.tutor.app.workspace.watch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Turns the noisy stream of "something happened to this file" into one report per real save.
 *
 * <p>Each touch of a file restarts its quiet period; when the period ends without another touch, the file's
 * content is hashed and reported only if it differs from the content last reported (or seen at start). This
 * coalesces the several events one editor save makes, drops a touch that changed nothing, and drops the second
 * sighting of one save by both native events and polling.
 *
 * <p>Called only on the watcher's thread: the pending timers and the hashes need no lock.
 */
final class SaveDebouncer {

    private final ScheduledExecutorService loop;
    private final long quietNanos;
    private final SaveListener listener;
    private final Map<Path, ScheduledFuture<?>> pending = new HashMap<>();
    private final Map<Path, byte[]> lastContent = new HashMap<>();

    /** Creates a debouncer that schedules on {@code loop} and treats the {@code known} files' current content as seen. */
    SaveDebouncer(ScheduledExecutorService loop, Duration quiet, Collection<Path> known, SaveListener listener) {
        this.loop = loop;
        this.quietNanos = quiet.toNanos();
        this.listener = listener;
        for (Path file : known) {
            byte[] hash = hash(file);
            if (hash != null) {
                lastContent.put(file, hash);
            }
        }
    }

    /** Notes that {@code file} may have changed; it is looked at once it has been quiet for the debounce time. */
    void touched(Path file) {
        ScheduledFuture<?> previous = pending.put(file, loop.schedule(() -> settle(file), quietNanos,
                TimeUnit.NANOSECONDS));
        if (previous != null) {
            previous.cancel(false);
        }
    }

    private void settle(Path file) {
        pending.remove(file);
        byte[] hash = hash(file);
        if (hash == null) {
            return; // deleted or renamed away: nothing to grade, and a later rename back is a touch of its own
        }
        byte[] previous = lastContent.put(file, hash);
        if (previous != null && Arrays.equals(previous, hash)) {
            return;
        }
        try {
            listener.saved(file);
        } catch (RuntimeException e) {
            listener.problem("The save of " + file + " could not be handled (" + e + "); watching goes on.");
        }
    }

    /** Returns the SHA-256 of {@code file}'s content, or {@code null} if it is not a readable regular file now. */
    private static byte[] hash(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
        } catch (IOException e) {
            return null;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java platform has SHA-256", e);
        }
    }
}
