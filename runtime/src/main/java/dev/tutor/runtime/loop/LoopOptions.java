package dev.tutor.runtime.loop;

import dev.tutor.runtime.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * The settings an {@link EventLoop} is created with: its clock, its slow-callback threshold and its log.
 *
 * <p>Immutable; change a copy with the {@code with…} methods:
 * {@code LoopOptions.defaults().withSlowCallbackDuration(Duration.ofMillis(50))}.
 *
 * @param clock the clock timers run on; a {@code FakeClock} in tests
 * @param slowCallbackDuration a callback running at least this long is reported as slow (asyncio's
 *     {@code loop.slow_callback_duration}, 100 ms by default); {@code null} turns the check off
 * @param log where slow callbacks and errors are reported
 */
public record LoopOptions(Clock clock, Duration slowCallbackDuration, LoopLog log) {

    /** asyncio's default threshold for a slow callback, 0.1 s. */
    public static final Duration DEFAULT_SLOW_CALLBACK = Duration.ofMillis(100);

    public LoopOptions {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(log, "log");
        if (slowCallbackDuration != null && slowCallbackDuration.isNegative()) {
            throw new IllegalArgumentException("slowCallbackDuration < 0: " + slowCallbackDuration);
        }
    }

    /** The real clock, a 100 ms slow-callback threshold and a log on standard error. */
    public static LoopOptions defaults() {
        return new LoopOptions(Clock.system(), DEFAULT_SLOW_CALLBACK, LoopLog.stderr());
    }

    /** Returns a copy that runs timers on {@code newClock}. */
    public LoopOptions withClock(Clock newClock) {
        return new LoopOptions(newClock, slowCallbackDuration, log);
    }

    /** Returns a copy with another slow-callback threshold; {@code null} turns the check off. */
    public LoopOptions withSlowCallbackDuration(Duration threshold) {
        return new LoopOptions(clock, threshold, log);
    }

    /** Returns a copy that reports to {@code newLog}. */
    public LoopOptions withLog(LoopLog newLog) {
        return new LoopOptions(clock, slowCallbackDuration, newLog);
    }
}
