package dev.tutor.app.workspace.watch;

import java.time.Duration;
import java.util.Objects;

/**
 * The settings of a {@link SaveWatcher}.
 *
 * @param debounce how long a file must stay quiet before its save is reported; long enough to cover the burst of
 *     writes and renames one editor save makes, short enough to stay inside the save-to-verdict budget
 * @param pollInterval how often the polling safety net compares modification times and sizes
 * @param pollingOnly whether to skip native file events (the {@code --poll} option), for file systems where they
 *     never arrive, such as WSL2's {@code /mnt}, some VMs and network mounts
 */
public record WatchOptions(Duration debounce, Duration pollInterval, boolean pollingOnly) {

    /** 30 ms covers an IDE's write-and-rename (about a millisecond here) with room to spare; 30–50 ms is the design range. */
    public static final Duration DEFAULT_DEBOUNCE = Duration.ofMillis(30);

    /** Once a second: cheap on a workspace of a few dozen files, and still a usable fallback on its own. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);

    /** Rejects durations that would make the watcher spin or never fire. */
    public WatchOptions {
        Objects.requireNonNull(debounce, "debounce");
        Objects.requireNonNull(pollInterval, "pollInterval");
        if (debounce.isNegative()) {
            throw new IllegalArgumentException("debounce < 0: " + debounce);
        }
        if (pollInterval.compareTo(Duration.ofMillis(1)) < 0) {
            throw new IllegalArgumentException("pollInterval < 1 ms: " + pollInterval);
        }
    }

    /** Returns native events with a 1 s polling fallback and the default debounce (30 ms). */
    public static WatchOptions defaults() {
        return new WatchOptions(DEFAULT_DEBOUNCE, DEFAULT_POLL_INTERVAL, false);
    }

    /** Returns these options with another debounce. */
    public WatchOptions withDebounce(Duration value) {
        return new WatchOptions(value, pollInterval, pollingOnly);
    }

    /** Returns these options with another polling interval. */
    public WatchOptions withPollInterval(Duration value) {
        return new WatchOptions(debounce, value, pollingOnly);
    }

    /** Returns these options with native events switched off ({@code true}) or on. */
    public WatchOptions withPollingOnly(boolean value) {
        return new WatchOptions(debounce, pollInterval, value);
    }
}
