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

    /** The count: every {@link #increment} that finished before this call is in it. */
    long get();
}
