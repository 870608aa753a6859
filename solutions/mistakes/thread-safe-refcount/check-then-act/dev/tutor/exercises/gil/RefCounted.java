package dev.tutor.exercises.gil;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Known mistake: the count is atomic, but incref() checks a separate "freed" flag and then acts on the
 * count, and decref() sets that flag only after the deallocator has run. An incref() that arrives while
 * the object is being freed passes the check and brings the object back from the dead.
 */
public final class RefCounted {

    private final Runnable deallocator;
    private final AtomicInteger count = new AtomicInteger(1);
    private volatile boolean freed;

    public RefCounted(Runnable deallocator) {
        this.deallocator = Objects.requireNonNull(deallocator, "deallocator");
    }

    public void incref() {
        if (freed) {
            throw new IllegalStateException("incref() on a freed object");
        }
        count.incrementAndGet();
    }

    public void decref() {
        if (freed) {
            throw new IllegalStateException("decref() on a freed object");
        }
        if (count.decrementAndGet() == 0) {
            deallocator.run();
            freed = true;
        }
    }

    public int count() {
        return count.get();
    }
}
