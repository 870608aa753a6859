package dev.tutor.runtime.gil;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The GIL on the real clock: properties that hold however the OS schedules the threads. */
@Timeout(30)
class GilOnRealThreadsTest {

    @Test
    void twoCpuBoundThreadsTakeTurnsAndBothFinish() throws InterruptedException {
        Gil gil = Gil.create();
        GilRecorder log = new GilRecorder();
        gil.addListener(log);
        CountDownLatch bothStarted = new CountDownLatch(2);
        CountDownLatch done = new CountDownLatch(2);
        // Bounded by a count of switches, and by time as a safety net on a very busy machine.
        long hardEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (String name : new String[] {"cpu-1", "cpu-2"}) {
            Thread worker = new Thread(() -> {
                bothStarted.countDown();
                try {
                    bothStarted.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    return;
                }
                gil.run(() -> {
                    while (gil.stats().switches() < 4 && System.nanoTime() < hardEnd) gil.check();
                });
                done.countDown();
            }, name);
            worker.setDaemon(true);
            worker.start();
        }
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        GilStats stats = gil.stats();
        assertThat(stats.switches()).as(log.lines().toString()).isGreaterThanOrEqualTo(2);
        assertThat(stats.forcedSwitches()).isPositive();
        assertThat(stats.badness()).isPositive();
        assertThat(log.events()).anyMatch(e -> e.kind() == GilEvent.Kind.DROP_REQUESTED);
    }

    @Test
    void theGilPreventsLostReferenceCountUpdates() throws InterruptedException {
        RefCount.RaceResult result = RefCount.race(Gil.create(), 2, 200_000);
        assertThat(result.lostUpdates()).isZero();
        assertThat(result.actual()).isEqualTo(400_000);
    }

    @Test
    void withoutTheGilIncrementsCanBeLost() throws InterruptedException {
        Gil none = Gil.create(GilOptions.defaults().freeThreaded());
        // Whether updates are lost depends on the machine and the moment; the count can never grow.
        RefCount.RaceResult result = RefCount.race(none, 2, 200_000);
        assertThat(result.actual()).isBetween(1L, 400_000L);
        assertThat(result.lostUpdates()).isNotNegative();
    }

    @Test
    void aHandInterleavedIncrementLosesAnUpdate() {
        RefCount count = new RefCount(1);
        int seenByA = count.read(); // thread A loads 1
        int seenByB = count.read(); // thread B loads 1 before A stores
        count.write(seenByA + 1);   // A stores 2
        count.write(seenByB + 1);   // B stores 2: A's increment is gone
        assertThat(count.get()).isEqualTo(2);
    }

    @Test
    void threadsDoingBlockingIoOverlapUnderTheGil() throws Exception {
        Gil gil = Gil.create();
        int threads = 4;
        CountDownLatch allInside = new CountDownLatch(threads);
        java.util.concurrent.atomic.AtomicInteger overlapped = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            for (int t = 0; t < threads; t++) {
                pool.submit(() -> {
                    gil.acquire();
                    try {
                        return gil.blockingIo(() -> {
                            // All threads are inside their "I/O" at once only if each let the GIL go.
                            allInside.countDown();
                            if (allInside.await(5, TimeUnit.SECONDS)) overlapped.incrementAndGet();
                            return null;
                        });
                    } finally {
                        gil.release();
                    }
                });
            }
            pool.shutdown();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            pool.shutdownNow();
        }
        assertThat(overlapped.get()).isEqualTo(threads);
    }

    @Test
    void workloadsReportElapsedTimeAndCounters() throws InterruptedException {
        Workloads.Result result = Workloads.cpuBound(Gil.create(), 2, 200_000);
        assertThat(result.elapsed()).isPositive();
        assertThat(result.stats().checks()).isGreaterThanOrEqualTo(2);
    }
}
