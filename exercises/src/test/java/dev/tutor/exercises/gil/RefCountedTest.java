package dev.tutor.exercises.gil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tutor.exercises.support.GuardedFields;
import dev.tutor.exercises.support.Interleavings;
import dev.tutor.exercises.support.Seeded;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Grades {@link RefCounted}: first the contract on one thread, over random sequences of calls (hint 1);
 * then no lock left held after a deallocator throws, the count read under the lock that guards its
 * changes, and two threads changing the count at once (hint 2); then threads racing for the last
 * reference (hint 3).
 *
 * <p>Each test carries {@code @Tag("hint:N")}: when it fails, the tutor offers hint N of the exercise.
 * The races are not left to luck: Lincheck takes over the scheduler and tries the interleavings of the
 * two threads one by one, so a window of a few nanoseconds is found on every run, and the failure shows
 * the schedule that opened it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
// Exploring schedules is CPU work: on a loaded two-core machine one scenario took 24 s. The tutor grades
// with its own limit and ignores this one; it is the IDE's and the build's net for a deadlock.
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@ExtendWith(Seeded.class)
class RefCountedTest {
    /** Interleavings to try per race: far more than these small scenarios have. */
    private static final int SCHEDULES = 100;

    /** One test object and how often its deallocator ran. */
    private record Counted(RefCounted object, AtomicInteger frees) {
        static Counted create() {
            AtomicInteger frees = new AtomicInteger();
            return new Counted(new RefCounted(() -> frees.incrementAndGet()), frees);
        }
    }

    @Test
    @Order(1)
    @Tag("hint:1")
    void followsTheContractOverRandomSequencesOfCalls(Random random) {
        for (int sequence = 0; sequence < 200; sequence++) {
            Counted counted = Counted.create();
            RefCounted object = counted.object();
            int expected = 1;
            List<String> calls = new ArrayList<>();
            calls.add("new RefCounted(...)");
            int length = 1 + random.nextInt(12);
            for (int step = 0; step < length; step++) {
                boolean inc = expected > 0 && random.nextInt(3) == 0;
                String call = inc ? "incref()" : "decref()";
                calls.add(call);
                String history = String.join(", ", calls);
                Throwable thrown = null;
                try {
                    if (inc) {
                        object.incref();
                    } else {
                        object.decref();
                    }
                } catch (RuntimeException e) {
                    thrown = e;
                }
                if (expected == 0) {
                    if (!(thrown instanceof IllegalStateException)) {
                        fail("After " + history + " the object had been freed before the last call, so " + call
                                + " is a use after free and must throw IllegalStateException, but it "
                                + (thrown == null ? "returned normally" : "threw " + thrown) + ".");
                    }
                } else {
                    if (thrown != null) {
                        fail("After " + history + " the object still had " + expected + " reference(s) before the"
                                + " last call, so " + call + " must succeed, but it threw " + thrown + ".");
                    }
                    expected += inc ? 1 : -1;
                }
                int count = object.count();
                if (count != expected) {
                    fail("After " + history + " count() must be " + expected + ", but it is " + count + "."
                            + (expected == 0 && count < 0 ? " A freed object stays at 0: a refused call changes"
                            + " nothing." : ""));
                }
                int freesNow = counted.frees().get();
                int freesExpected = expected == 0 ? 1 : 0;
                if (freesNow != freesExpected) {
                    fail("After " + history + " the deallocator has run " + freesNow + " time(s); it must run "
                            + (freesExpected == 1 ? "exactly once, when the count reached 0" : "only when the count"
                            + " reaches 0, and the count is " + expected) + ".");
                }
            }
        }
    }

    @Test
    @Order(3)
    @Tag("hint:3")
    void theDeallocatorRunsOnceTheCountIsZeroAndAThrowingOneLeavesTheObjectFreed() {
        int[] seenInside = {-1};
        RefCounted[] holder = new RefCounted[1];
        holder[0] = new RefCounted(() -> seenInside[0] = holder[0].count());
        holder[0].decref();
        assertEquals(0, seenInside[0], () -> "The deallocator read count() == " + seenInside[0] + " while it ran."
                + " It runs once the count has reached 0, not while the object is still alive.");

        AtomicInteger runs = new AtomicInteger();
        RefCounted failing = new RefCounted(() -> {
            runs.incrementAndGet();
            throw new IllegalArgumentException("deallocator failed");
        });
        try {
            failing.decref();
            fail("The deallocator threw IllegalArgumentException, and decref() must pass it on, but it returned.");
        } catch (IllegalArgumentException expected) {
            // passed on, as the contract says
        }
        int count = failing.count();
        Throwable second = null;
        try {
            failing.decref();
        } catch (RuntimeException e) {
            second = e;
        }
        Throwable again = second;
        assertEquals(0, count, () -> "After a decref() whose deallocator threw, count() is " + count + ": the object"
                + " must stay freed, at 0.");
        if (!(again instanceof IllegalStateException) || runs.get() != 1) {
            fail("After a decref() whose deallocator threw, another decref() must be refused with"
                    + " IllegalStateException and free nothing, but it " + (again == null ? "returned normally"
                    : "threw " + again) + " and the deallocator has run " + runs.get() + " time(s).");
        }
    }

    @Test
    @Order(2)
    @Tag("hint:3")
    void refusesAnIncrefThatArrivesWhileTheObjectIsBeingFreed() {
        // The deallocator stands for a second thread that still holds a stale pointer and calls incref()
        // while the object is being freed. It runs on the freeing thread, so this test needs no scheduling.
        AtomicInteger frees = new AtomicInteger();
        List<String> seen = new ArrayList<>();
        RefCounted[] holder = new RefCounted[1];
        int[] countWhenFreed = new int[1];
        holder[0] = new RefCounted(() -> {
            frees.incrementAndGet();
            countWhenFreed[0] = holder[0].count();
            try {
                holder[0].incref();
                seen.add("incref() succeeded and the count became " + holder[0].count());
            } catch (IllegalStateException expected) {
                seen.add("refused");
            }
        });
        holder[0].decref();

        // A deallocator started before the count reached 0 explains the incref() that got through: say that.
        assertEquals(List.of("refused"), seen, () -> (countWhenFreed[0] != 0
                ? "The deallocator ran while count() was " + countWhenFreed[0] + "; it runs after the count is 0."
                + " An incref() that came in while it ran must be refused, but " + seen.get(0) + ": with the count"
                + " not yet 0, nothing told it the object was being freed. Take the count to 0 first, then free."
                : "decref() took the count to 0 and started the deallocator; an incref() that came in while it ran"
                + " must be refused, but " + seen.get(0) + ".") + " The object came back from the dead while its"
                + " memory was being freed.");
        assertEquals(1, frees.get(), "The object must be freed exactly once.");
    }

    @Test
    @Order(4)
    @Tag("hint:2")
    void aDeallocatorThatThrowsLeavesNoLockHeldForOtherThreads() throws Exception {
        RefCounted failing = new RefCounted(() -> {
            throw new IllegalArgumentException("deallocator failed");
        });
        try {
            failing.decref();
        } catch (IllegalArgumentException expected) {
            // passed on, as the contract says; the test before this one checks that
        }
        String how = "This thread's decref() freed the object and its deallocator threw IllegalArgumentException;"
                + " then another thread called ";
        Object count = onAnotherThread(how, "count()", failing::count);
        if (!Integer.valueOf(0).equals(count)) {
            fail(how + "count(), which must return 0, but it " + outcome(count) + ".");
        }
        for (String call : List.of("incref()", "decref()")) {
            Object got = onAnotherThread(how, call, () -> {
                if (call.equals("incref()")) {
                    failing.incref();
                } else {
                    failing.decref();
                }
                return "returned normally";
            });
            if (!(got instanceof IllegalStateException)) {
                fail(how + call + ", which must be refused with IllegalStateException (a use after free), but it "
                        + outcome(got) + ".");
            }
        }
    }

    /**
     * Runs {@code call} on a thread of its own and returns its result, or what it threw. A thread that waits for
     * a lock this thread holds fails the test at once: this thread is here, and will never let it go.
     */
    private static Object onAnotherThread(String how, String name, Callable<Object> call) throws Exception {
        FutureTask<Object> task = new FutureTask<>(call);
        Thread other = new Thread(task, "other");
        other.setDaemon(true); // one stuck for ever must not keep the JVM alive
        other.start();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long me = Thread.currentThread().threadId();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!other.join(Duration.ofMillis(2))) {
            ThreadInfo info = threads.getThreadInfo(other.threadId());
            if (info != null && info.getLockOwnerId() == me) {
                fail(how + name + ", which waits for " + info.getLockName() + ", a lock still held by the thread"
                        + " whose deallocator threw. That thread has moved on and will never release it, so every"
                        + " other thread waits for ever. Release a lock however its block is left: synchronized"
                        + " does that by itself, and a Lock needs lock.unlock() in a finally block.");
            }
            if (System.nanoTime() > deadline) {
                fail(how + name + ", which had not returned 5 s later (it was " + other.getState() + "). It must"
                        + " return at once: nothing may stay locked after a deallocator throws.");
            }
        }
        try {
            return task.get();
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    private static String outcome(Object got) {
        return got instanceof Throwable thrown ? "threw " + thrown : got instanceof String said ? said
                : "returned " + got;
    }

    @Test
    @Order(5)
    @Tag("hint:2")
    void readsTheCountUnderTheLockThatGuardsItsChanges() {
        List<GuardedFields.Finding> found = GuardedFields.of(RefCounted.class);
        if (!found.isEmpty()) {
            GuardedFields.Finding first = found.get(0);
            fail("The field " + first.field() + " is changed holding a lock, in " + String.join(", ",
                    first.guarded()) + ", but " + String.join(", ", first.unguarded()) + " without one. A read"
                    + " without the lock has no happens-before edge to the changes: another thread may go on"
                    + " seeing an old count, in a loop even for ever, and the object may look alive after it was"
                    + " freed. Take the same lock there too (make count() synchronized as well), or keep the count"
                    + " in an AtomicInteger.");
        }
    }

    @Test
    @Order(6)
    @Tag("hint:2")
    void twoThreadsIncreasingTheCountLoseNoUpdate() {
        Interleavings.explore(SCHEDULES, () -> Counted.create(), counted -> {
            RefCounted object = counted.object();
            Runnable twice = () -> {
                object.incref();
                object.incref();
            };
            Interleavings.runTogether("A call in this scenario", twice, twice);
            int count = object.count();
            if (count != 5) {
                fail("A new object (1 reference) got two incref() calls from each of two threads at once; count()"
                        + " must then be 5, but it is " + count + "."
                        + (count < 5 ? " " + (5 - count) + " increment(s) were lost: two threads read the same count"
                        + " and both wrote it back plus one." : " That is more than were made."));
            }
        });
    }

    @Test
    @Order(7)
    @Tag("hint:2")
    void twoThreadsDecreasingTheCountLoseNoUpdate() {
        Interleavings.explore(SCHEDULES, () -> Counted.create(), counted -> {
            RefCounted object = counted.object();
            object.incref();
            object.incref();
            Interleavings.runTogether("A call in this scenario", object::decref, object::decref);
            int count = object.count();
            if (count != 1 || counted.frees().get() != 0) {
                fail("An object with 3 references got one decref() from each of two threads at once; count() must"
                        + " then be 1 with the object alive, but it is " + count + " and the deallocator ran "
                        + counted.frees().get() + " time(s).");
            }
        });
    }

    @Test
    @Order(8)
    @Tag("hint:3")
    void twoThreadsDroppingTheLastTwoReferencesFreeOnce() {
        Interleavings.explore(SCHEDULES, () -> Counted.create(), counted -> {
            RefCounted object = counted.object();
            object.incref();
            Interleavings.runTogether("A call in this scenario", object::decref, object::decref);
            int frees = counted.frees().get();
            if (frees != 1 || object.count() != 0) {
                fail("An object with 2 references got one decref() from each of two threads at once: the count"
                        + " must end at 0 and the deallocator run once, but count() is " + object.count()
                        + " and the deallocator ran " + frees + " time(s)."
                        + (frees > 1 ? " Both threads decided to free: decide from the value your own change"
                        + " produced, not from a second read of the count." : ""));
            }
        });
    }

    @Test
    @Order(9)
    @Tag("hint:3")
    void anIncrefRacingTheLastDecrefEitherWinsOrIsRefused() {
        Interleavings.explore(SCHEDULES, () -> Counted.create(), counted -> {
            RefCounted object = counted.object();
            boolean[] increfRefused = new boolean[1];
            Interleavings.runTogether("A call in this scenario", object::decref, () -> {
                try {
                    object.incref();
                } catch (IllegalStateException refused) {
                    increfRefused[0] = true;
                }
            });
            int count = object.count();
            int frees = counted.frees().get();
            boolean either = increfRefused[0] ? count == 0 && frees == 1 : count == 1 && frees == 0;
            if (!either) {
                fail("One thread dropped the only reference while another called incref(). Either the incref()"
                        + " came first (count 1, not freed) or the decref() did (freed once, incref() refused with"
                        + " IllegalStateException, count 0). Here incref() was "
                        + (increfRefused[0] ? "refused" : "accepted") + ", count() is " + count
                        + " and the deallocator ran " + frees + " time(s)."
                        + (!increfRefused[0] && frees > 0 ? " The object came back to life after it was freed."
                        : ""));
            }
        });
    }

    @Test
    @Order(10)
    @Tag("hint:3")
    void twoThreadsTouchingAFreedObjectAreBothRefusedAndFreeNothing() {
        Interleavings.explore(SCHEDULES, () -> Counted.create(), counted -> {
            RefCounted object = counted.object();
            object.decref();
            boolean[] refused = new boolean[2];
            Interleavings.runTogether("A call in this scenario",
                    () -> refused[0] = refusedByFreedObject(object::incref),
                    () -> refused[1] = refusedByFreedObject(object::decref));
            int count = object.count();
            int frees = counted.frees().get();
            if (!refused[0] || !refused[1] || count != 0 || frees != 1) {
                fail("A freed object got an incref() and a decref() from two threads at once. Both must be refused"
                        + " with IllegalStateException, the count must stay 0 and nothing more be freed; here incref()"
                        + " was " + (refused[0] ? "refused" : "accepted") + ", decref() was "
                        + (refused[1] ? "refused" : "accepted") + ", count() is " + count + " and the deallocator has"
                        + " run " + frees + " time(s) in all.");
            }
        });
    }

    private static boolean refusedByFreedObject(Runnable call) {
        try {
            call.run();
            return false;
        } catch (IllegalStateException refused) {
            return true;
        }
    }
}
