package dev.tutor.runtime.gil;

import dev.tutor.runtime.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How to create a {@link Gil}: its clock, its switch interval and whether it exists at all.
 *
 * @param clock the clock for switch intervals and event times; a {@code FakeClock} in tests
 * @param switchInterval how long a waiting thread lets the holder run before asking it to drop the GIL
 *     (CPython's {@code sys.setswitchinterval}, 5 ms by default)
 * @param enabled false for a free-threaded build (PEP 703): every operation is then a no-op
 */
public record GilOptions(Clock clock, Duration switchInterval, boolean enabled) {

    /** CPython's default switch interval: {@code DEFAULT_INTERVAL 5000} µs in {@code Python/ceval_gil.c}. */
    public static final Duration DEFAULT_SWITCH_INTERVAL = Duration.ofMillis(5);

    public GilOptions {
        Objects.requireNonNull(clock, "clock");
        Gil.requirePositive(switchInterval);
    }

    /** The real clock, 5 ms, GIL on. */
    public static GilOptions defaults() {
        return new GilOptions(Clock.system(), DEFAULT_SWITCH_INTERVAL, true);
    }

    /** Returns a copy on {@code newClock}. */
    public GilOptions withClock(Clock newClock) {
        return new GilOptions(newClock, switchInterval, enabled);
    }

    /** Returns a copy with another switch interval. */
    public GilOptions withSwitchInterval(Duration interval) {
        return new GilOptions(clock, interval, enabled);
    }

    /** Returns a copy without a GIL, like Python's free-threaded build. */
    public GilOptions freeThreaded() {
        return new GilOptions(clock, switchInterval, false);
    }
}
