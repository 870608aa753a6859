package dev.tutor.runtime.loop;

import java.util.PriorityQueue;

/**
 * The loop's timers, earliest first, with ties in the order they were scheduled: asyncio's
 * {@code _scheduled} heap, plus its rule for getting rid of cancelled timers cheaply.
 *
 * <p>Cancelling a timer only marks it; it stays in the heap until it reaches the head (then it is
 * dropped) or until more than half of a large heap is cancelled (then the heap is rebuilt without
 * them). That keeps {@code cancel()} O(1) while a program that cancels many far-off timers, such as
 * time-outs that never fire, does not grow the heap for ever. Called only on the loop thread.
 */
final class TimerHeap {

    /** Rebuild the heap only when it holds at least this many timers… */
    private static final int MIN_TIMERS_FOR_REBUILD = 100;
    /** …and more than this fraction of them are cancelled; otherwise drop cancelled ones at the head. */
    private static final double CANCELLED_FRACTION_FOR_REBUILD = 0.5;

    private final PriorityQueue<LoopHandle> heap = new PriorityQueue<>();
    private long sequence;
    private int cancelled;
    private boolean lastDropRebuilt;

    /** Adds a timer due at {@code when}. */
    LoopHandle schedule(Runnable callback, String name, long when) {
        LoopHandle timer = new LoopHandle(callback, name, when, sequence++, this);
        timer.inHeap = true;
        heap.add(timer);
        return timer;
    }

    /** Called by a timer still in the heap when it is cancelled. */
    void cancelledOne() {
        cancelled++;
    }

    /** Phase 1 of a turn: drops cancelled timers and returns how many; see {@link #lastDropRebuilt()}. */
    int dropCancelled() {
        int dropped = 0;
        lastDropRebuilt = heap.size() >= MIN_TIMERS_FOR_REBUILD
                && cancelled > heap.size() * CANCELLED_FRACTION_FOR_REBUILD;
        if (lastDropRebuilt) {
            dropped = cancelled;
            heap.removeIf(timer -> {
                if (timer.isCancelled()) {
                    timer.inHeap = false;
                    return true;
                }
                return false;
            });
            cancelled = 0;
        } else {
            while (!heap.isEmpty() && heap.peek().isCancelled()) {
                heap.poll().inHeap = false;
                cancelled--;
                dropped++;
            }
        }
        return dropped;
    }

    /** True if the last {@link #dropCancelled()} rebuilt the whole heap. */
    boolean lastDropRebuilt() {
        return lastDropRebuilt;
    }

    /** Phase 4 helper: removes and returns the next timer due at or before {@code now}, or null. */
    LoopHandle pollDue(long now) {
        while (!heap.isEmpty() && heap.peek().when() <= now) {
            LoopHandle due = heap.poll();
            due.inHeap = false;
            if (!due.isCancelled()) {
                return due;
            }
            cancelled--;
        }
        return null;
    }

    /** Returns the earliest due time, or -1 when there is no timer. */
    long nextDeadline() {
        return heap.isEmpty() ? -1 : heap.peek().when();
    }

    boolean isEmpty() {
        return heap.isEmpty();
    }

    int size() {
        return heap.size();
    }

    void clear() {
        heap.clear();
        cancelled = 0;
    }
}
