package dev.tutor.exercises.threads;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Counter} with no lock at all: the count lives in an object whose increment is a single
 * indivisible step, {@link AtomicLong}.
 */
public final class AtomicCounter implements Counter {
    private final AtomicLong count = new AtomicLong();

    @Override
    public void increment() {
        count.set(count.get() + 1);   // mistake: two atomic calls are not one atomic step
    }

    @Override
    public long get() {
        return count.get();
    }
}
