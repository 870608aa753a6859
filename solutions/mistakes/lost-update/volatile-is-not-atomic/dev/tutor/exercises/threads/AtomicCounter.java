package dev.tutor.exercises.threads;

/**
 * A {@link Counter} with no lock at all: the count lives in an object whose increment is a single
 * indivisible step, {@link AtomicLong}.
 */
public final class AtomicCounter implements Counter {
    private volatile long count;   // mistake: volatile makes reads and writes visible, not count++ atomic

    @Override
    public void increment() {
        count++;
    }

    @Override
    public long get() {
        return count;
    }
}
