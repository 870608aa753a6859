package dev.tutor.exercises.threads;

/**
 * A {@link Counter} that keeps a plain {@code long} and lets only one thread at a time touch it, by
 * taking a lock.
 *
 * <p>Exercise: as given, two threads that call {@link #increment} together can both read the same
 * value and both write back the same sum, and one update is lost. Make that impossible with Java's
 * built-in lock, {@code synchronized}, and let {@link #get} take the same lock as {@link #increment}: a
 * thread that reads the count without it is not guaranteed to see other threads' increments.
 */
public final class SynchronizedCounter implements Counter {
    private long count;

    @Override
    public void increment() {
        // TODO: only one thread at a time may run this line.
        count++;
    }

    @Override
    public long get() {
        // TODO: read the count under the same lock as increment().
        return count;
    }
}
