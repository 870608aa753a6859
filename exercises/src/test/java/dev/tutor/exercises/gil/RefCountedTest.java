package dev.tutor.exercises.gil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Grades {@link RefCounted}: first the rules on one thread (hint 1), then many threads changing the
 * count at once (hint 2), then freeing exactly once while threads race for the last reference (hint 3).
 *
 * <p>Each test carries {@code @Tag("hint:N")}: when it fails, the tutor offers hint N of the exercise.
 * The threaded tests start their threads together on a {@link CyclicBarrier}. The counting test does not
 * stop after a fixed number of calls but once every thread has seen the others make progress while it
 * was counting itself, so the threads really overlapped even on a busy machine where they can only take
 * turns on one core. Lost updates are still a matter of luck, so the manifest repeats the whole class
 * ten times: a racy count that survives one run does not survive ten.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RefCountedTest {

    private static final int THREADS = 4;
    /** incref() calls between two looks at the other threads' progress. */
    private static final int CHUNK = 500;
    /** How often each thread must see the others' progress change while it counts. */
    private static final int INTERLEAVINGS = 3;
    /** Objects whose last references the threads drop together, one object per round. */
    private static final int ROUNDS = 100;

    @Test
    @Order(1)
    @Tag("hint:1")
    void freesTheObjectWhenTheLastReferenceIsDropped() {
        AtomicInteger frees = new AtomicInteger();
        RefCounted object = new RefCounted(frees::incrementAndGet);
        assertEquals(1, object.count(), "A new object holds one reference, its creator's, so count() starts at 1.");

        object.incref();
        assertEquals(2, object.count(), "After one incref() the object has two references.");
        object.decref();
        assertEquals(1, object.count(), "After incref() and decref() the count is back at 1.");
        assertEquals(0, frees.get(), () -> "The deallocator ran " + frees.get() + " time(s) while the object"
                + " still had a reference: free it only when the count reaches zero.");

        object.decref();
        assertEquals(0, object.count(), "The last decref() takes the count to 0.");
        assertEquals(1, frees.get(), () -> "The last decref() took the count to 0, so the deallocator must run"
                + " once, but it ran " + frees.get() + " time(s). In CPython, Py_DECREF frees the object the"
                + " moment its count reaches zero; decref() must do the same: deallocator.run().");
    }

    @Test
    @Order(2)
    @Tag("hint:1")
    void refusesToTouchAFreedObject() {
        AtomicInteger frees = new AtomicInteger();
        RefCounted object = new RefCounted(frees::incrementAndGet);
        object.decref();

        assertThrows(IllegalStateException.class, object::decref,
                "decref() on an object whose count is already 0 is a use after free, the bug that crashes"
                        + " an interpreter: throw IllegalStateException instead of counting below zero.");
        assertThrows(IllegalStateException.class, object::incref,
                "incref() on a freed object would bring it back from the dead while its memory is being"
                        + " reused: throw IllegalStateException.");
        assertEquals(0, object.count(), () -> "A refused incref() or decref() must change nothing, but the"
                + " count of the freed object is now " + object.count() + ".");
        assertEquals(1, frees.get(), () -> "The object must be freed exactly once; the deallocator ran "
                + frees.get() + " times.");
    }

    @Test
    @Order(3)
    @Tag("hint:2")
    void keepsEveryIncrementWhenFourThreadsCountAtOnce() throws Exception {
        AtomicInteger frees = new AtomicInteger();
        RefCounted object = new RefCounted(frees::incrementAndGet);
        Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
        // The test thread joins the barrier too: it starts the threads together and waits for them to end.
        CyclicBarrier phase = new CyclicBarrier(THREADS + 1);
        AtomicLongArray progress = new AtomicLongArray(THREADS);
        AtomicInteger satisfied = new AtomicInteger();
        long[] made = new long[THREADS];
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int me = t;
            workers.add(Thread.ofPlatform().name("counter-" + t).daemon().start(() -> {
                try {
                    phase.await(5, TimeUnit.SECONDS);
                    try {
                        made[me] = increfUntilInterleaved(object, me, progress, satisfied);
                    } catch (RuntimeException e) {
                        errors.add(e);
                        satisfied.addAndGet(THREADS); // stops the others too
                    }
                    phase.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
                    // the test thread's own await fails and reports it
                }
            }));
        }
        phase.await(5, TimeUnit.SECONDS);
        phase.await(5, TimeUnit.SECONDS);
        long increfs = 0;
        for (long m : made) {
            increfs += m;
        }
        long expected = 1 + increfs;
        int afterIncrefs = object.count();
        assertTrue(errors.isEmpty(), () -> "While " + THREADS + " threads called incref() at once, one got "
                + errors.peek() + ". The object was never freed, so no incref() may fail.");
        if (afterIncrefs != expected) {
            fail(THREADS + " threads called incref() " + increfs + " times in all on an object with 1"
                    + " reference, so the count must be " + expected + ", but it is " + afterIncrefs + ": "
                    + (expected - afterIncrefs) + " increments were lost. count++ is three steps, read, add,"
                    + " write; two threads that read the same value both write value + 1, and one update"
                    + " vanishes. volatile does not help: it makes each read and write visible, not the three"
                    + " steps one. Use an AtomicInteger (or synchronized) so each change is a single step.");
        }
        for (Thread worker : workers) {
            worker.join(5_000);
        }
        // Dropping them on this one thread: decrements racing each other are the next test's subject.
        for (long i = 0; i < increfs; i++) {
            object.decref();
        }
        assertEquals(1, object.count(), () -> "Every reference the threads took was dropped again, so the"
                + " count must be back at 1, but it is " + object.count() + ".");
        assertEquals(0, frees.get(), () -> "The object still has its first reference, yet the deallocator ran "
                + frees.get() + " time(s).");
    }

    /**
     * Calls incref() in chunks until every thread has seen the others make progress several times
     * while it was itself running, whether they ran at once on several cores or took turns on one. A
     * racy count then has had many chances to lose an update, however busy the machine is. Returns how
     * many times this thread called incref().
     */
    private static long increfUntilInterleaved(RefCounted object, int me, AtomicLongArray progress,
            AtomicInteger satisfied) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        long mine = 0;
        long othersSeen = -1;
        int interleavings = 0;
        boolean counted = false;
        while (true) {
            for (int i = 0; i < CHUNK; i++) {
                object.incref();
            }
            mine += CHUNK;
            progress.set(me, mine);
            long others = 0;
            for (int t = 0; t < progress.length(); t++) {
                others += t == me ? 0 : progress.get(t);
            }
            if (others != othersSeen) {
                interleavings += othersSeen < 0 ? 0 : 1;
                othersSeen = others;
            }
            if (!counted && interleavings >= INTERLEAVINGS) {
                counted = true;
                satisfied.incrementAndGet();
            }
            if (satisfied.get() >= progress.length() || System.nanoTime() > deadline) {
                return mine;
            }
        }
    }

    @Test
    @Order(4)
    @Tag("hint:3")
    void freesExactlyOnceWhenThreadsDropTheLastReferencesTogether() throws Exception {
        // ROUNDS objects with THREADS references each; in every round the same THREADS threads meet at
        // the barrier and each drops one reference of that round's object at the same moment.
        AtomicInteger[] frees = new AtomicInteger[ROUNDS];
        RefCounted[] objects = new RefCounted[ROUNDS];
        for (int r = 0; r < ROUNDS; r++) {
            AtomicInteger counter = new AtomicInteger();
            frees[r] = counter;
            objects[r] = new RefCounted(counter::incrementAndGet);
            for (int t = 1; t < THREADS; t++) {
                objects[r].incref();
            }
        }
        CyclicBarrier together = new CyclicBarrier(THREADS);
        Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            workers.add(Thread.ofPlatform().name("releaser-" + t).daemon().start(() -> {
                for (int r = 0; r < ROUNDS; r++) {
                    try {
                        together.await(5, TimeUnit.SECONDS);
                        objects[r].decref();
                    } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
                        errors.add(e);
                        return;
                    } catch (RuntimeException e) {
                        errors.add(e);
                        together.reset();
                        return;
                    }
                }
            }));
        }
        for (Thread worker : workers) {
            worker.join(8_000);
        }
        for (int r = 0; r < ROUNDS; r++) {
            int round = r + 1;
            int freed = frees[r].get();
            if (freed > 1) {
                fail("Round " + round + ": " + THREADS + " threads each dropped one of the object's " + THREADS
                        + " references at the same moment, and the deallocator ran " + freed + " times"
                        + " instead of once. Decide whether to free from the value your own decref() produced"
                        + " (decrementAndGet() returns it, or compareAndSet from 1 to 0), not by reading the"
                        + " count again afterwards: by then another thread may have changed it too.");
            }
        }
        assertTrue(errors.isEmpty(), () -> THREADS + " threads each dropped one reference of an object with "
                + THREADS + " references, all at the same moment, and one of them got " + errors.peek()
                + ". No reference was dropped twice, so no decref() may fail.");
        for (int r = 0; r < ROUNDS; r++) {
            int round = r + 1;
            assertEquals(1, frees[r].get(), () -> "Round " + round + ": every reference was dropped, but the"
                    + " deallocator ran " + frees[round - 1].get() + " times instead of once.");
            assertEquals(0, objects[r].count(), () -> "Round " + round + ": every reference was dropped, but"
                    + " count() is " + objects[round - 1].count() + ".");
        }
    }

    @Test
    @Order(5)
    @Tag("hint:3")
    void refusesIncrefOnceTheCountHasReachedZero() {
        // The deallocator stands for a second thread that still holds a stale pointer and calls incref()
        // while the object is being freed. It runs on the freeing thread, so this test needs no timing.
        AtomicInteger frees = new AtomicInteger();
        List<String> seen = new ArrayList<>();
        RefCounted[] holder = new RefCounted[1];
        holder[0] = new RefCounted(() -> {
            frees.incrementAndGet();
            try {
                holder[0].incref();
                seen.add("incref() succeeded and the count became " + holder[0].count());
            } catch (IllegalStateException expected) {
                seen.add("refused");
            }
        });
        holder[0].decref();

        assertEquals(List.of("refused"), seen, () -> "decref() took the count to 0 and started the"
                + " deallocator; an incref() that came in while it ran must be refused, but " + seen.get(0)
                + ". The object was brought back from the dead while its memory was being freed. Check the"
                + " count itself and change it in the same atomic step (a compareAndSet loop, or a"
                + " synchronized block), not a separate 'freed' flag that is set only after the deallocator"
                + " has finished.");
        assertEquals(1, frees.get(), "The object must be freed exactly once.");
    }
}
