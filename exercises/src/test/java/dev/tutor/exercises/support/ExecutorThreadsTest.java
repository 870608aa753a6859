package dev.tutor.exercises.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.Test;

/** Pins what {@link ExecutorThreads} finds: every live thread of one executor, and nothing of another. */
class ExecutorThreadsTest {

    @Test
    void listsEveryLiveVirtualThreadOfTheExecutorAKnownOneCameFrom() throws Exception {
        assertNull(ExecutorThreads.unavailable());
        Semaphore none = new Semaphore(0);
        CountDownLatch started = new CountDownLatch(5);
        LinkedBlockingQueue<Thread> seen = new LinkedBlockingQueue<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
                ExecutorService other = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 5; i++) {
                threads.submit(() -> {
                    seen.add(Thread.currentThread());
                    started.countDown();
                    none.acquire();           // waits, as a page waits for its turn
                    return null;
                });
            }
            other.submit(() -> {
                none.acquire();
                return null;
            });
            started.await();
            List<Thread> mine = new ArrayList<>(seen);
            Set<Thread> found = new HashSet<>(ExecutorThreads.startedAlongside(mine.get(0)));
            assertEquals(new HashSet<>(mine), found);
            threads.shutdownNow();
            other.shutdownNow();
        }
    }

    @Test
    void findsNothingForAThreadStartedByNoExecutor() throws Exception {
        Thread plain = Thread.ofVirtual().start(() -> { });
        plain.join();
        assertTrue(ExecutorThreads.startedAlongside(plain).isEmpty());
        assertTrue(ExecutorThreads.startedAlongside(Thread.currentThread()).isEmpty());
    }
}
