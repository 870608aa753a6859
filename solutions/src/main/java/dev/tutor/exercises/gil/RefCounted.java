package dev.tutor.exercises.gil;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An object whose life is governed by a reference count, the way every CPython object's is: each new
 * reference adds one ({@code Py_INCREF}), each dropped reference takes one away ({@code Py_DECREF}), and
 * when the count reaches zero the object is freed.
 *
 * <p>CPython can use a plain {@code int} for this only because the GIL lets one thread at a time touch
 * it. Java has no GIL: here several threads call {@link #incref()} and {@link #decref()} at once, and the
 * count must still come out right, and the object must be freed exactly once.
 *
 * <p>Each change is one compare-and-set on an {@link AtomicInteger}: read the count, decide, and write
 * the new value only if no other thread changed it in between; otherwise read again and retry. The
 * decision (is the object still alive?) and the change are therefore one atomic step, and exactly one
 * thread sees its own {@code decref()} take the count from 1 to 0: that thread, and only that one,
 * runs the deallocator.
 */
public final class RefCounted {

    private final Runnable deallocator;
    private final AtomicInteger count = new AtomicInteger(1);

    /** Creates an object with one reference; {@code deallocator} runs when the last one is dropped. */
    public RefCounted(Runnable deallocator) {
        this.deallocator = Objects.requireNonNull(deallocator, "deallocator");
    }

    /** Adds a reference. Throws {@link IllegalStateException} if the object has already been freed. */
    public void incref() {
        while (true) {
            int seen = count.get();
            if (seen == 0) {
                throw new IllegalStateException("incref() on a freed object: use after free");
            }
            if (count.compareAndSet(seen, seen + 1)) {
                return;
            }
        }
    }

    /**
     * Drops a reference, and frees the object (runs the deallocator) when that was the last one.
     * Throws {@link IllegalStateException} if the object has already been freed.
     */
    public void decref() {
        while (true) {
            int seen = count.get();
            if (seen == 0) {
                throw new IllegalStateException("decref() on a freed object: use after free");
            }
            if (count.compareAndSet(seen, seen - 1)) {
                if (seen == 1) {
                    deallocator.run(); // only the thread that took the count from 1 to 0 gets here
                }
                return;
            }
        }
    }

    /** Returns the number of references now: 0 once the object has been freed. */
    public int count() {
        return count.get();
    }
}
