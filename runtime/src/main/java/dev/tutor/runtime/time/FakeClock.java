package dev.tutor.runtime.time;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;

/**
 * A clock that only moves when a test tells it to, so timing behaviour (timers, switch intervals,
 * slow-callback warnings) can be checked exactly and without waiting.
 *
 * <p>Thread-safe: any thread may read it, and {@link #advance} may be called from any thread. Each
 * advance runs the hooks registered with {@link #onAdvance}, which is how a thread blocked in
 * {@link #awaitUntil} learns that its deadline may have passed.
 */
public final class FakeClock implements Clock {

    /**
     * How long a waiter sleeps in real time before re-checking anyway. Only a safety net: a missed
     * signal costs a little time instead of hanging a test forever.
     */
    private static final long SAFETY_RECHECK_MILLIS = 200;

    private final AtomicLong now;
    private final List<Runnable> hooks = new CopyOnWriteArrayList<>();

    /** Creates a fake clock that reads zero. */
    public FakeClock() {
        this(0);
    }

    /** Creates a fake clock that reads {@code startNanos}. */
    public FakeClock(long startNanos) {
        this.now = new AtomicLong(startNanos);
    }

    @Override
    public long nanoTime() {
        return now.get();
    }

    /** Moves the clock forward by {@code step} and wakes everything waiting on it. */
    public void advance(Duration step) {
        advanceNanos(step.toNanos());
    }

    /** Moves the clock forward by {@code nanos} (zero or more) and wakes everything waiting on it. */
    public void advanceNanos(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("A clock cannot go backwards: advanceNanos(" + nanos + ")");
        }
        now.addAndGet(nanos);
        for (Runnable hook : hooks) {
            hook.run();
        }
    }

    /** Moves the clock forward by {@code millis} milliseconds; shorthand for tests. */
    public void advanceMillis(long millis) {
        advanceNanos(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    @Override
    public void awaitUntil(Condition condition, long deadlineNanos) throws InterruptedException {
        if (nanoTime() < deadlineNanos) {
            // Not awaitNanos(deadline - now): that would let real time, not this clock, end the wait.
            condition.await(SAFETY_RECHECK_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public AutoCloseable onAdvance(Runnable hook) {
        hooks.add(hook);
        return () -> hooks.remove(hook);
    }

    @Override
    public String toString() {
        return "fake clock at " + nanoTime() + " ns";
    }
}
