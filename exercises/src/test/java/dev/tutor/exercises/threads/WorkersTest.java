package dev.tutor.exercises.threads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tutor.exercises.threads.Workers.Result;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Grades {@link Workers}. The tests run in the order of the exercise: threads that exist and carry
 * their names (hint 1), threads that run at the same time and are all waited for (hint 2), and a count
 * of the live ones (hint 3), so the first failure names the first thing to fix.
 *
 * <p>Each test carries {@code @Tag("hint:N")}: when it fails, the tutor offers hint N of the exercise's
 * entry in the course manifest.
 *
 * <p>Nothing here sleeps to synchronise: workers meet at a barrier or a latch, and every wait has a
 * time-out, so a wrong answer fails with a message instead of hanging.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class WorkersTest {

    /** How long a worker waits at the barrier for the others; starting a thread takes well under 1 ms. */
    private static final long MEETING_SECONDS = 2;

    @Test
    @Order(1)
    @Tag("hint:1")
    void runsEachInputOnItsOwnNamedThread() throws InterruptedException {
        String caller = Thread.currentThread().getName();
        Map<Integer, Thread> ranOn = new ConcurrentHashMap<>();
        List<Integer> inputs = List.of(2, 3, 4);

        List<Result> results = Workers.runAll("square-", inputs, x -> {
            ranOn.put(x, Thread.currentThread());
            return (long) x * x;
        });

        assertNotNull(results, "runAll returned null; return the list the workers added their Results to.");
        for (int i = 0; i < inputs.size(); i++) {
            int index = i;
            int input = inputs.get(i);
            String expectedName = "square-" + (i + 1);
            Thread thread = ranOn.get(input);
            if (thread == null) {
                fail("The work for input " + input + " never ran. Create one Thread per input whose task calls"
                        + " work.applyAsLong(input), and call start() on it: a Thread that is only created"
                        + " does nothing.");
            }
            if (thread.getName().equals(caller)) {
                fail("The work for input " + input + " ran on the calling thread \"" + caller + "\", not on a"
                        + " worker. Thread.run() calls the task right here, on the caller; Thread.start()"
                        + " starts a new thread that calls it.");
            }
            assertFalse(thread.isVirtual(), () -> "The work for input " + input + " ran on a virtual thread;"
                    + " this exercise is about platform threads, the kind the OS schedules:"
                    + " new Thread(task, name).");
            assertEquals(expectedName, thread.getName(), () -> "The work for input " + input
                    + " ran on a thread named \"" + thread.getName() + "\"; the thread for inputs.get(" + index
                    + ") should be named namePrefix + " + (index + 1) + ", \"" + expectedName + "\"."
                    + " Pass the name to the constructor: new Thread(task, name).");
        }
        List<Result> expected = List.of(new Result("square-1", 2, 4), new Result("square-2", 3, 9),
                new Result("square-3", 4, 16));
        assertEquals(expected, sorted(results), () -> "For the inputs 2, 3 and 4 and the work x -> x * x,"
                + " runAll should return " + expected + " (in any order), but returned " + results + "."
                + " Each worker adds one Result: its own thread's name, its input and what the work returned.");
    }

    @Test
    @Order(2)
    @Tag("hint:2")
    void runsAllWorkersAtTheSameTime() throws InterruptedException {
        int workers = 4;
        CyclicBarrier allRunning = new CyclicBarrier(workers);
        AtomicInteger started = new AtomicInteger();
        AtomicReference<String> gaveUp = new AtomicReference<>();
        List<Integer> inputs = List.of(1, 2, 3, 4);

        Thread testThread = Thread.currentThread();
        List<Result> results = Workers.runAll("together-", inputs, x -> {
            if (Thread.currentThread() == testThread) {
                gaveUp.compareAndSet(null, "The work ran on the calling thread, not on a worker:"
                        + " runsEachInputOnItsOwnNamedThread says why.");
                return -1;
            }
            started.incrementAndGet();
            try {
                allRunning.await(MEETING_SECONDS, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                gaveUp.compareAndSet(null, Thread.currentThread().getName() + " waited " + MEETING_SECONDS
                        + " s for all " + workers + " workers to be running at once, but only "
                        + started.get() + " of them had started by then.");
                return -1;
            } catch (BrokenBarrierException e) {
                return -1;   // another worker gave up first and said why
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
            return x;
        });

        if (gaveUp.get() != null && gaveUp.get().startsWith("The work ran on the calling thread")) {
            fail(gaveUp.get());
        }
        if (gaveUp.get() != null) {
            fail(gaveUp.get() + " Joining before starting the next makes them run one after another:"
                    + " join() waits until that one thread has finished. Start all " + workers
                    + " threads first, then join all " + workers + ".");
        }
        assertNotNull(results, "runAll returned null; return the list the workers added their Results to.");
        assertEquals(workers, results.size(), () -> "All " + workers + " workers met at the barrier, yet runAll"
                + " returned " + results.size() + " results: " + results + ". Every worker must add its"
                + " Result before runAll returns, so join every thread first.");
    }

    @Test
    @Order(3)
    @Tag("hint:2")
    void returnsOnlyWhenEveryWorkerHasFinished() throws InterruptedException {
        int workers = 3;
        AtomicInteger finished = new AtomicInteger();

        List<Result> results = Workers.runAll("slow-", List.of(1, 2, 3), x -> {
            try {
                Thread.sleep(20);   // a little work to do, so that a caller who does not wait is caught
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            finished.incrementAndGet();
            return x;
        });

        int done = finished.get();
        int returned = results == null ? 0 : results.size();
        assertTrue(done == workers && returned == workers, () -> "runAll returned when " + done + " of "
                + workers + " workers had finished, with " + returned + " results. start() returns at once,"
                + " while the new thread is still working; call join() on every thread before returning.");
    }

    @Test
    @Order(4)
    @Tag("hint:3")
    void countsTheLiveWorkersByName() throws InterruptedException {
        int workers = 3;
        CountDownLatch allRunning = new CountDownLatch(workers);
        CountDownLatch mayFinish = new CountDownLatch(1);
        AtomicReference<Throwable> callerFailed = new AtomicReference<>();
        AtomicBoolean ranOnCaller = new AtomicBoolean();
        Thread caller = new Thread(() -> {
            try {
                Workers.runAll("counted-", List.of(1, 2, 3), x -> {
                    if (Thread.currentThread().getName().equals("runAll-caller")) {
                        ranOnCaller.set(true);
                        allRunning.countDown();
                        return x;
                    }
                    allRunning.countDown();
                    try {
                        mayFinish.await(MEETING_SECONDS + 1, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return x;
                });
            } catch (Throwable t) {
                callerFailed.set(t);
            }
        }, "runAll-caller");
        caller.start();
        int alive;
        int strangers;
        int activeCount;
        try {
            assertTrue(allRunning.await(MEETING_SECONDS, TimeUnit.SECONDS), () -> "After " + MEETING_SECONDS
                    + " s only " + (workers - allRunning.getCount()) + " of the " + workers + " workers had started,"
                    + " so there was nothing to count; runsEachInputOnItsOwnNamedThread and"
                    + " runsAllWorkersAtTheSameTime say why.");
            if (ranOnCaller.get()) {
                fail("The work ran on the thread that called runAll, not on a worker:"
                        + " runsEachInputOnItsOwnNamedThread says why.");
            }
            alive = Workers.countAlive("counted-");
            strangers = Workers.countAlive("nobody-");
            activeCount = Thread.activeCount();
        } finally {
            mayFinish.countDown();
            caller.join(TimeUnit.SECONDS.toMillis(MEETING_SECONDS));
        }
        assertEquals(workers, alive, () -> "While exactly " + workers + " threads named counted-1 to counted-3"
                + " were alive, countAlive(\"counted-\") returned " + alive + "." + aboutActiveCount(alive, activeCount)
                + " Go through Thread.getAllStackTraces().keySet() and count the threads that are alive and"
                + " whose name starts with the prefix.");
        assertEquals(0, strangers, () -> "No thread's name starts with \"nobody-\", yet countAlive(\"nobody-\")"
                + " returned " + strangers + "." + aboutActiveCount(strangers, activeCount)
                + " Count only the threads whose getName() starts with the prefix.");
        assertFalse(caller.isAlive(), () -> "runAll did not return within " + MEETING_SECONDS
                + " s after its workers were let go.");
        assertEquals(null, callerFailed.get(), () -> "runAll threw " + callerFailed.get());
        int afterwards = Workers.countAlive("counted-");
        assertEquals(0, afterwards, () -> "After runAll returned, countAlive(\"counted-\") still found "
                + afterwards + " live workers. A thread that has finished its task is no longer alive:"
                + " check Thread.isAlive(), and join every worker before runAll returns.");
    }

    private static String aboutActiveCount(int counted, int activeCount) {
        if (counted != activeCount) {
            return "";
        }
        return " That is what Thread.activeCount() returns here too: it estimates the live threads of the"
                + " caller's thread group, whatever their names, the test's own threads among them, and it"
                + " leaves out the JVM's system threads altogether.";
    }

    private static List<Result> sorted(List<Result> results) {
        List<Result> copy = new ArrayList<>(results);
        copy.sort(Comparator.comparingInt(Result::input));
        return copy;
    }
}
