package dev.tutor.runtime.gil;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A simulated CPython reference count: the field {@code Py_INCREF} bumps on every object, and the
 * reason the GIL exists. An increment is a read followed by a write, so two threads incrementing at
 * once can both read 1 and both write 2: one update is lost, and later the object is freed while
 * still in use.
 *
 * <p>{@link #read()} and {@link #write(int)} expose the two halves so a lesson can interleave them by
 * hand and show the lost update step by step; {@link #race} runs real threads with or without a GIL.
 * Deliberately not thread-safe: that is the point.
 */
public final class RefCount {

    /**
     * Volatile so that every read and write really happens, one per increment, as in CPython: a plain
     * field would let the JIT fold a thread's whole loop into one load and one store, and the demo would
     * show a whole thread's work lost at once instead of the per-increment race. Volatile makes each
     * access visible; it does not make read-then-write atomic, so updates are still lost.
     */
    private volatile int count;

    /** Creates a count that starts at {@code initial}. */
    public RefCount(int initial) {
        this.count = initial;
    }

    /** Returns the current count. */
    public int get() {
        return count;
    }

    /** The first half of an increment: load the count into a "register". */
    public int read() {
        return count;
    }

    /** The second half: store the incremented "register" back. */
    public void write(int value) {
        count = value;
    }

    /**
     * Increments the way compiled C does, load, add, store, with a pause between load and store that
     * widens the window another thread can slip into, as it may on a real multi-core machine.
     */
    public void increment() {
        int loaded = read();
        Thread.onSpinWait();
        write(loaded + 1);
    }

    /** What a {@link #race} produced. */
    public record RaceResult(long expected, long actual) {
        /** How many increments vanished. */
        public long lostUpdates() {
            return expected - actual;
        }
    }

    /**
     * Starts {@code threads} threads that each increment one shared count {@code incrementsEach}
     * times, calling {@link Gil#check()} between increments as Python's eval loop would. With the
     * GIL, switches happen only between increments, so none is lost; with a free-threaded
     * {@link Gil} they run truly at once and updates are usually lost. Waits at most 60 s.
     */
    public static RaceResult race(Gil gil, int threads, int incrementsEach) throws InterruptedException {
        RefCount shared = new RefCount(0);
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(threads);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(() -> {
                try {
                    start.await();
                    gil.run(() -> {
                        for (int i = 0; i < incrementsEach; i++) {
                            gil.check();
                            shared.increment();
                        }
                    });
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            }, "refcount-" + t);
            worker.setDaemon(true);
            workers.add(worker);
            worker.start();
        }
        start.countDown();
        if (!done.await(60, TimeUnit.SECONDS)) {
            workers.forEach(Thread::interrupt);
            throw new IllegalStateException("The refcount race did not finish within 60 s.");
        }
        for (Thread worker : workers) {
            worker.join(); // done counted down: each is finishing; join makes their writes visible here
        }
        return new RaceResult((long) threads * incrementsEach, shared.get());
    }
}
