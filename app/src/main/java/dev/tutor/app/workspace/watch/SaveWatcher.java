package dev.tutor.app.workspace.watch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Notices each time the learner saves a Java file under a source folder, once per save, whatever the editor.
 *
 * <p>It exists so that the tutor can grade on save. Two sources feed it: native file events (fast where they
 * work) and a slow polling scan that always runs behind them (so a save is still seen where events never arrive,
 * such as WSL2's {@code /mnt}). Both only say "this file may have changed"; a {@link SaveDebouncer} on the
 * watcher's one thread waits for the burst of an editor's save to end and reports the file if its content is new.
 * Temporary names of editors that save through a rename are never reported, only the final {@code .java} path.
 *
 * <p>Threads: the watcher owns one daemon thread ({@code tutor-watch}) that runs the debounce, the scans and the
 * {@link SaveListener} calls, and, with native events, one ({@code tutor-watch-events}) that receives them. The
 * caller closes it; {@link #close()} stops both and may be called more than once, from any thread.
 */
public final class SaveWatcher implements AutoCloseable {

    /** How long close waits for the threads to end; a listener call still running is all that can delay it. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);

    private final Path root;
    private final WatchOptions options;
    private final WatchMode mode;
    private final ScheduledThreadPoolExecutor loop;
    private final ExecutorService eventThread;
    private final NativeEvents nativeEvents;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Thread loopThread;

    private SaveWatcher(Path root, WatchOptions options, SaveListener listener) throws IOException {
        this.root = root;
        this.options = options;
        this.loop = new ScheduledThreadPoolExecutor(1, task -> loopThread = daemon("tutor-watch").newThread(task));
        loop.setRemoveOnCancelPolicy(true); // every keystroke-save cancels a timer; don't let them pile up
        loop.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);

        // Stamp before hashing: a save that lands in between then shows up as a changed stamp on the first scan.
        Map<Path, PollingScanner.Stamp> baseline = PollingScanner.stamps(root);
        SaveDebouncer debouncer = new SaveDebouncer(loop, options.debounce(), baseline.keySet(), listener);
        PollingScanner scanner = new PollingScanner(root, baseline, debouncer::touched);

        NativeEvents started = null;
        ExecutorService events = null;
        if (!options.pollingOnly()) {
            events = Executors.newSingleThreadExecutor(daemon("tutor-watch-events"));
            try {
                started = NativeEvents.start(root, events,
                        file -> onLoop(() -> debouncer.touched(file)), () -> onLoop(scanner::scan));
            } catch (IOException | RuntimeException | LinkageError e) {
                // LinkageError: on macOS the FSEvents binding loads a native library through JNA, which can fail.
                events.shutdownNow();
                events = null;
                String why = e.getMessage() == null ? e.toString() : e.getMessage();
                listener.problem("Native file events are not available for " + root + " (" + why
                        + "); watching by polling every " + format(options.pollInterval()) + " instead.");
            }
        }
        this.nativeEvents = started;
        this.eventThread = events;
        this.mode = started == null ? WatchMode.POLLING_ONLY : WatchMode.NATIVE_WITH_POLLING_FALLBACK;
        long every = options.pollInterval().toNanos();
        loop.scheduleWithFixedDelay(scanner::scan, every, every, TimeUnit.NANOSECONDS);
    }

    /**
     * Starts watching {@code sourceRoot} and everything below it, reporting saves to {@code listener}.
     *
     * <p>When this returns, the watcher is listening: a save made right after is reported. Files that exist now
     * count as seen, so only later changes are reported. If native events cannot start, it polls instead, says so
     * through {@link SaveListener#problem(String)}, and {@link #mode()} tells which.
     *
     * @throws IOException if {@code sourceRoot} is not a folder
     */
    public static SaveWatcher start(Path sourceRoot, WatchOptions options, SaveListener listener) throws IOException {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(listener, "listener");
        Path root = sourceRoot.toAbsolutePath().normalize();
        if (!Files.isDirectory(root)) {
            throw new IOException("Cannot watch " + root + ": there is no such folder.");
        }
        return new SaveWatcher(root, options, listener);
    }

    /** Returns the folder being watched, absolute and normalised. */
    public Path root() {
        return root;
    }

    /** Returns how saves are noticed. */
    public WatchMode mode() {
        return mode;
    }

    /** Returns a phrase for the status line, such as "watching with native file events + 1 s polling fallback". */
    public String describeMode() {
        String every = format(options.pollInterval());
        return switch (mode) {
            case NATIVE_WITH_POLLING_FALLBACK -> "watching with native file events + " + every + " polling fallback";
            case POLLING_ONLY -> "watching by polling every " + every;
        };
    }

    /**
     * Stops watching. After it returns no thread of the watcher runs and the listener is not called again, unless
     * it is called from the listener itself, which then finishes its own call. Calling it again does nothing.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (nativeEvents != null) {
            nativeEvents.close();
            eventThread.shutdownNow();
        }
        loop.shutdownNow();
        try {
            long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
            if (eventThread != null) {
                eventThread.awaitTermination(CLOSE_WAIT.toNanos(), TimeUnit.NANOSECONDS);
            }
            if (Thread.currentThread() != loopThread) { // the listener closing its own watcher must not wait for itself
                loop.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs {@code task} on the watcher's thread; after close there is nothing left to run it for. */
    private void onLoop(Runnable task) {
        try {
            loop.execute(task);
        } catch (RejectedExecutionException closing) {
            // The watcher is closing; the event no longer matters.
        }
    }

    private static ThreadFactory daemon(String name) {
        return task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true); // Ctrl-C must not wait for a watcher the caller forgot to close
            return thread;
        };
    }

    /** Formats {@code d} for people: "1 s", "1.5 s" or "250 ms". */
    static String format(Duration d) {
        long millis = d.toMillis();
        if (millis < 1000) {
            return millis + " ms";
        }
        return millis % 1000 == 0 ? millis / 1000 + " s" : String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
    }
}
