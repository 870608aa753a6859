package dev.tutor.exercises.threads;

import java.util.concurrent.atomic.LongAdder;

/**
 * A {@link Counter} built for many threads that add often and read rarely: {@link LongAdder} spreads the
 * count over several cells, so that threads adding at the same moment seldom touch the same memory, and
 * adds the cells up when asked.
 */
public final class AdderCounter implements Counter {
    private final LongAdder count = new LongAdder();

    @Override
    public void increment() {
        count.increment();
    }

    @Override
    public long get() {
        return count.sum();
    }
}
