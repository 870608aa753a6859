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
 * <p>A few milliseconds into the quiet period the file is looked at once already, and new content is announced as
 * {@link SaveListener#changing}, so that a grading's compile can begin while the debounce still runs: most editors
 * write a save in one burst well under a millisecond long.
 *
 * <p>Called only on the watcher's thread: the pending timers and the hashes need no lock.
 */
final class SaveDebouncer {

    private final ScheduledExecutorService loop;
    private final long quietNanos;
    /** How long after its last touch a file is first looked at, for {@link SaveListener#changing}. */
    static final long GLANCE_NANOS = 3_000_000;

    private final SaveListener listener;
    private final Map<Path, ScheduledFuture<?>> pending = new HashMap<>();
    private final Map<Path, ScheduledFuture<?>> glances = new HashMap<>();
    private final Map<Path, byte[]> lastContent = new HashMap<>();
    /** What each file held when it was last announced as changing, so that a burst announces each text once. */
    private final Map<Path, byte[]> lastAnnounced = new HashMap<>();

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
        if (GLANCE_NANOS < quietNanos) {
            ScheduledFuture<?> previousGlance = glances.put(file, loop.schedule(() -> glance(file), GLANCE_NANOS,
                    TimeUnit.NANOSECONDS));
            if (previousGlance != null) {
                previousGlance.cancel(false);
            }
        }
    }

    private void glance(Path file) {
        glances.remove(file);
        byte[] hash = hash(file);
        if (hash == null || Arrays.equals(hash, lastContent.get(file)) || Arrays.equals(hash, lastAnnounced.get(file))) {
            return;
        }
        lastAnnounced.put(file, hash);
        try {
            listener.changing(file);
        } catch (RuntimeException e) {
            // Only a hint: the save itself is still reported, and graded, when the file settles.
        }
    }

    private void settle(Path file) {
        pending.remove(file);
        lastAnnounced.remove(file);
        byte[] hash = hash(file);
        if (hash == null) {
            // Deleted or renamed away: nothing to grade. Forgetting its content makes the file's return a save
            // even when it comes back as it was, so that whoever was told it is missing hears that it is back.
            lastContent.remove(file);
            return;
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
