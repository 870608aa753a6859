package dev.tutor.runtime.loop;

/**
 * The one implementation of {@link Handle} and {@link TimerHandle}: a callback, an optional name, and
 * for timers the due time plus a sequence number that keeps timers due at the same moment in the order
 * they were scheduled.
 */
final class LoopHandle implements TimerHandle, Comparable<LoopHandle> {

    private final Runnable callback;
    private String name;
    private final long when;
    private final long sequence;
    private final TimerHeap heap;
    private boolean cancelled;
    /** True while this timer sits in the timer heap; lets cancel() keep the heap's count right. */
    boolean inHeap;

    /** A callback to run as soon as possible, or on I/O readiness. */
    LoopHandle(Runnable callback, String name) {
        this(callback, name, 0, 0, null);
    }

    /** A timer due at {@code when}; {@code sequence} breaks ties. */
    LoopHandle(Runnable callback, String name, long when, long sequence, TimerHeap heap) {
        this.callback = callback;
        this.name = name;
        this.when = when;
        this.sequence = sequence;
        this.heap = heap;
    }

    void run() {
        callback.run();
    }

    @Override
    public void cancel() {
        if (cancelled) {
            return;
        }
        cancelled = true;
        if (inHeap) {
            heap.cancelledOne();
        }
    }

    @Override
    public boolean isCancelled() {
        return cancelled;
    }

    @Override
    public String name() {
        if (name == null) {
            // Computed lazily so that a loop nobody watches never builds a string.
            name = Names.of(callback);
        }
        return name;
    }

    @Override
    public long when() {
        return when;
    }

    @Override
    public int compareTo(LoopHandle other) {
        int byTime = Long.compare(when, other.when);
        return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
    }

    @Override
    public String toString() {
        return (cancelled ? "<cancelled " : "<") + name() + ">";
    }
}
