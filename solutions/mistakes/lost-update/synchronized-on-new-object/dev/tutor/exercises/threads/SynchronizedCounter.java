package dev.tutor.exercises.threads;

/**
 * A {@link Counter} that keeps a plain {@code long} and lets only one thread at a time touch it, by
 * taking a lock.
 *
 * <p>Both methods lock the same object, this counter, so an increment can never run while another
 * increment or a read is half done.
 */
public final class SynchronizedCounter implements Counter {
    private long count;

    @Override
    public void increment() {
        synchronized (new Object()) {   // mistake: a fresh lock on every call keeps no other thread out
            count++;
        }
    }

    @Override
    public long get() {
        synchronized (new Object()) {
            return count;
        }
    }
}
