package dev.tutor.exercises.threads;

/**
 * A {@link Counter} built for many threads that add often and read rarely:
 * {@link java.util.concurrent.atomic.LongAdder} spreads the count over several cells, so that threads
 * adding at the same moment seldom touch the same memory, and adds the cells up when asked.
 *
 * <p>Exercise: replace the plain field with a {@code LongAdder}.
 */
public final class AdderCounter implements Counter {
    // TODO: keep the count in a java.util.concurrent.atomic.LongAdder instead.
    private long count;

    @Override
    public void increment() {
        // TODO: add one to the adder.
        count++;
    }

    @Override
    public long get() {
        // TODO: return the adder's total.
        return count;
    }
}
