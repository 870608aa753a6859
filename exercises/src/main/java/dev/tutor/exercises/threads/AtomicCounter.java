package dev.tutor.exercises.threads;

/**
 * A {@link Counter} with no lock at all: the count lives in an object whose increment is a single
 * indivisible step, {@link java.util.concurrent.atomic.AtomicLong}.
 *
 * <p>Exercise: replace the plain field, whose {@code ++} loses updates when threads collide, with an
 * {@code AtomicLong}.
 */
public final class AtomicCounter implements Counter {
    // TODO: keep the count in a java.util.concurrent.atomic.AtomicLong instead.
    private long count;

    @Override
    public void increment() {
        // TODO: add one in a single step.
        count++;
    }

    @Override
    public long get() {
        return count;
    }
}
