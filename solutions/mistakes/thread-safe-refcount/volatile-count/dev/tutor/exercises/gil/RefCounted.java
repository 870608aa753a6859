package dev.tutor.exercises.gil;

import java.util.Objects;

/** Known mistake: a volatile int makes each read and write visible, but count++ is still three steps. */
public final class RefCounted {

    private final Runnable deallocator;
    private volatile int count = 1;

    public RefCounted(Runnable deallocator) {
        this.deallocator = Objects.requireNonNull(deallocator, "deallocator");
    }

    public void incref() {
        if (count == 0) {
            throw new IllegalStateException("incref() on a freed object");
        }
        count++;
    }

    public void decref() {
        if (count == 0) {
            throw new IllegalStateException("decref() on a freed object");
        }
        count--;
        if (count == 0) {
            deallocator.run();
        }
    }

    public int count() {
        return count;
    }
}
