package dev.tutor.exercises.threads;

/**
 * A count that many threads may add to at the same time without losing a single update.
 *
 * <p>Exercise: nothing to change here. {@link SynchronizedCounter}, {@link AtomicCounter} and
 * {@link AdderCounter} implement it, each in its own way.
 */
public interface Counter {

    /** Adds one to the count. Safe to call from any number of threads at once. */
    void increment();

    /**
     * The count: every {@link #increment} that finished before this call is in it, whichever thread made
     * it. Reading leaves the count as it is, and each counter has a count of its own.
     *
     * <p>The count is a {@code long}, exact up to {@link Long#MAX_VALUE}: kept in an {@code int}, it would
     * wrap around to a negative number after {@link Integer#MAX_VALUE} (2,147,483,647) increments.
     */
    long get();
}
