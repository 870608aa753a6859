package dev.tutor.exercises.gil;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/** Known mistake: an atomic count that frees at zero but lets a freed object be used again. */
public final class RefCounted {

    private final Runnable deallocator;
    private final AtomicInteger count = new AtomicInteger(1);

    public RefCounted(Runnable deallocator) {
        this.deallocator = Objects.requireNonNull(deallocator, "deallocator");
    }

    public void incref() {
        count.incrementAndGet();
    }

    public void decref() {
        if (count.decrementAndGet() == 0) {
            deallocator.run();
        }
    }

    public int count() {
        return count.get();
    }
}
