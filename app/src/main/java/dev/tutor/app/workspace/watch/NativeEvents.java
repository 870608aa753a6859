package dev.tutor.app.workspace.watch;

import io.methvin.watcher.DirectoryChangeEvent;
import io.methvin.watcher.DirectoryChangeListener;
import io.methvin.watcher.DirectoryWatcher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import org.slf4j.helpers.NOPLogger;

/**
 * The operating system's file events for a source tree, through directory-watcher.
 *
 * <p>directory-watcher rather than the JDK's {@code WatchService} alone: on macOS the JDK only polls (every 2 to
 * 10 s), while directory-watcher uses FSEvents there; on Linux it uses the JDK's inotify service and registers new
 * folders as they appear, reporting the files already inside them. Its own content hashing is off because
 * {@link SaveDebouncer} hashes once per save, after the burst, instead of once per event.
 *
 * <p>Events arrive on the thread of {@code executor}; each is handed on at once, never processed there.
 */
final class NativeEvents implements AutoCloseable {

    private final DirectoryWatcher watcher;
    private volatile boolean closed;

    private NativeEvents(Path root, Consumer<Path> touched, Runnable rescan) throws IOException {
        this.watcher = DirectoryWatcher.builder()
                .path(root)
                .fileHashing(false)
                // A logger of our own keeps slf4j from printing its "no binding" notice over the screen.
                .logger(NOPLogger.NOP_LOGGER)
                .listener(new DirectoryChangeListener() {
                    @Override
                    public void onEvent(DirectoryChangeEvent event) {
                        switch (event.eventType()) {
                            // A deletion is a touch too: the debouncer then finds the file gone and forgets
                            // its content, so that the file put back as it was is a save of its own.
                            case CREATE, MODIFY, DELETE -> {
                                if (!event.isDirectory() && SourceFiles.isSource(root, event.path())) {
                                    touched.accept(event.path());
                                }
                            }
                            // Events were lost: look at every file rather than guess which.
                            case OVERFLOW -> rescan.run();
                        }
                    }

                    @Override
                    public boolean isWatching() {
                        return !closed;
                    }

                    @Override
                    public void onException(Exception e) {
                        // Typically a folder that vanished while being registered; a scan catches up on it.
                        if (!closed) {
                            rescan.run();
                        }
                    }
                })
                .build();
    }

    /**
     * Registers every folder under {@code root} (before returning, so that a save right after is seen) and delivers
     * events on {@code executor}.
     */
    static NativeEvents start(Path root, ExecutorService executor, Consumer<Path> touched, Runnable rescan)
            throws IOException {
        NativeEvents events = new NativeEvents(root, touched, rescan);
        // watchAsync registers the folders on this thread and reports a failure (such as the inotify limit) as an
        // already failed future rather than by throwing.
        CompletableFuture<Void> running = events.watcher.watchAsync(executor);
        if (running.isCompletedExceptionally()) {
            events.closeQuietly();
            Throwable cause = running.exceptionNow();
            if (cause instanceof UncheckedIOException unchecked) {
                cause = unchecked.getCause();
            }
            throw new IOException(cause.getMessage() == null ? cause.toString() : cause.getMessage(), cause);
        }
        return events;
    }

    /** Stops the events; the delivering thread leaves its loop as the underlying watch service closes. */
    @Override
    public void close() {
        closed = true;
        closeQuietly();
    }

    private void closeQuietly() {
        try {
            watcher.close();
        } catch (IOException e) {
            // Closing an inotify descriptor that is already gone: nothing left to release.
        }
    }
}
