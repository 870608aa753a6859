package dev.tutor.exercises.gil;

import java.util.Objects;

/**
 * An object whose life is governed by a reference count, the way every CPython object's is: each new
 * reference adds one ({@code Py_INCREF}), each dropped reference takes one away ({@code Py_DECREF}), and
 * when the count reaches zero the object is freed.
 *
 * <p>CPython can use a plain {@code int} for this only because the GIL lets one thread at a time touch
 * it. Java has no GIL: here several threads call {@link #incref()} and {@link #decref()} at once, and the
 * count must still come out right, and the object must be freed exactly once.
 *
 * <p>The contract the tests check:
 * <ul>
 *   <li>a new object holds one reference;</li>
 *   <li>{@link #decref()} that takes the count to zero runs the deallocator, once, after the count is 0
 *       (the deallocator sees {@code count() == 0}); if the deallocator throws, {@code decref()} passes the
 *       exception on and the object stays freed;</li>
 *   <li>once the count has reached zero the object is dead: {@link #incref()} and {@link #decref()} throw
 *       {@link IllegalStateException} (a use after free) and change nothing;</li>
 *   <li>all of this holds when any number of threads call the methods at the same time.</li>
 * </ul>
 *
 * <p>Exercise: complete {@link #incref()}, {@link #decref()} and {@link #count()}. You may change the
 * fields as you like; keep the constructor's signature.
 */
public final class RefCounted {

    private final Runnable deallocator;
    // TODO: a count that stays right when several threads change it at once.
    private int count = 1;

    /** Creates an object with one reference; {@code deallocator} runs when the last one is dropped. */
    public RefCounted(Runnable deallocator) {
        this.deallocator = Objects.requireNonNull(deallocator, "deallocator");
    }

    /** Adds a reference. Throws {@link IllegalStateException} if the object has already been freed. */
    public void incref() {
        // TODO: refuse a freed object, and add one so that no other thread's update is lost.
        count++;
    }

    /**
     * Drops a reference, and frees the object (runs the deallocator) when that was the last one.
     * Throws {@link IllegalStateException} if the object has already been freed.
     */
    public void decref() {
        // TODO: refuse a freed object, take one away, and run the deallocator when the count reaches zero.
        count--;
    }

    /** Returns the number of references now: 0 once the object has been freed. */
    public int count() {
        return count;
    }
}
