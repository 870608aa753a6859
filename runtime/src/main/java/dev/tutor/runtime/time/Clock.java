package dev.tutor.runtime.time;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;

/**
 * A clock that tells the time in nanoseconds, so the event loop's timers and the simulated GIL can run
 * on real time in a demo and on a {@link FakeClock} in a test.
 *
 * <p>Why an interface and not {@link System#nanoTime()}: a test that wants to see "the timer fired after
 * 5 ms" should not have to wait 5 ms and hope; it moves a fake clock forward instead, and the result is
 * the same on a busy CI machine as on a laptop.
 *
 * <p>Contract: {@link #nanoTime()} never goes backwards and may be called from any thread. Only
 * differences between two readings mean something; the starting value is arbitrary.
 */
public interface Clock {

    /** Returns the current time in nanoseconds; only differences between readings matter. */
    long nanoTime();

    /**
     * Waits on {@code condition} until it is signalled or this clock reaches {@code deadlineNanos}.
     * The caller holds the condition's lock and re-checks its own state afterwards (wake-ups may be
     * spurious). The real clock waits real time; a fake clock waits until it is moved on or signalled.
     */
    default void awaitUntil(Condition condition, long deadlineNanos) throws InterruptedException {
        long left = deadlineNanos - nanoTime();
        if (left > 0) {
            condition.awaitNanos(left);
        }
    }

    /**
     * Registers {@code hook} to run each time this clock jumps forward. The real clock moves on its own
     * and never calls it; {@link FakeClock} does, so code waiting with {@link #awaitUntil} re-checks the
     * time. Returns a handle that unregisters the hook.
     */
    default AutoCloseable onAdvance(Runnable hook) {
        return () -> { };
    }

    /** Returns the clock of the machine, {@link System#nanoTime()}. */
    static Clock system() {
        return SystemClock.INSTANCE;
    }

    /** Converts nanoseconds to milliseconds as a decimal, for messages and traces. */
    static double millis(long nanos) {
        return nanos / (double) TimeUnit.MILLISECONDS.toNanos(1);
    }
}
