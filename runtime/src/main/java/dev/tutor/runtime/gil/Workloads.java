package dev.tutor.runtime.gil;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ready-made "Python threads" for GIL demos: CPU-bound ones that gain nothing from a second thread
 * under the GIL (and about double on two cores without it), and I/O-bound ones that overlap anyway.
 *
 * <p>Each method starts its threads, waits for them (at most 60 s) and reports the wall time with the
 * GIL's counters. Call from any thread except one that holds {@code gil}.
 */
public final class Workloads {

    /** How long a workload may take before it is abandoned. */
    private static final long LIMIT_SECONDS = 60;

    private Workloads() {
    }

    /** What a workload took: wall-clock time and the GIL's counters afterwards. */
    public record Result(Duration elapsed, GilStats stats) {
    }

    /**
     * Runs {@code threads} threads, each doing {@code stepsEach} small arithmetic steps with a
     * {@link Gil#check()} between steps, like a pure-Python loop.
     */
    public static Result cpuBound(Gil gil, int threads, long stepsEach) throws InterruptedException {
        return runThreads(threads, "cpu", () -> gil.run(() -> {
            long x = 1;
            for (long i = 0; i < stepsEach; i++) {
                gil.check();
                x = x * 6364136223846793005L + 1442695040888963407L; // one "bytecode" of work
            }
            if (x == 42) System.out.print(""); // keeps the JIT from deleting the loop
        }), gil);
    }

    /**
     * Runs {@code threads} threads, each making {@code calls} blocking calls of {@code each} (a sleep
     * standing for a network wait) through {@link Gil#blockingIo}, so the GIL is free meanwhile.
     */
    public static Result ioBound(Gil gil, int threads, int calls, Duration each) throws InterruptedException {
        return runThreads(threads, "io", () -> {
            gil.acquire();
            try {
                for (int i = 0; i < calls; i++) {
                    gil.check();
                    gil.blockingIo(() -> {
                        Thread.sleep(each);
                        return null;
                    });
                }
            } finally {
                gil.release();
            }
        }, gil);
    }

    private interface Body {
        void run() throws Exception;
    }

    private static Result runThreads(int count, String prefix, Body body, Gil gil) throws InterruptedException {
        CountDownLatch ready = new CountDownLatch(count);
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(count);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < count; t++) {
            Thread thread = new Thread(() -> {
                ready.countDown();
                try {
                    go.await();
                    body.run();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                } finally {
                    done.countDown();
                }
            }, prefix + "-" + (t + 1));
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
        ready.await(LIMIT_SECONDS, TimeUnit.SECONDS);
        long start = System.nanoTime();
        go.countDown();
        if (!done.await(LIMIT_SECONDS, TimeUnit.SECONDS)) {
            threads.forEach(Thread::interrupt);
            throw new IllegalStateException("The workload did not finish within " + LIMIT_SECONDS + " s.");
        }
        return new Result(Duration.ofNanos(System.nanoTime() - start), gil.stats());
    }
}
