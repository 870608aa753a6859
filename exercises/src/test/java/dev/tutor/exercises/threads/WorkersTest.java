package dev.tutor.exercises.threads;

import static org.junit.jupiter.api.Assertions.fail;

import dev.tutor.exercises.support.Seeded;
import dev.tutor.exercises.support.WorkerCode;
import dev.tutor.exercises.threads.Workers.Result;
import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntToLongFunction;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Grades {@link Workers}. The tests run in the order of the exercise: one platform thread per input, named
 * for the input's place in the list, adding to a list that allows several at once (hint 1); every worker
 * started before runAll waits for any, runAll waiting in join() with no time limit and returning only when
 * every worker has finished, with none left alive, and throwing InterruptedException when interrupted (hint
 * 2); and a count of the live threads by name, the calling thread's own included (hint 3). The first failure names the first thing to fix.
 *
 * <p>Each test carries {@code @Tag("hint:N")}: when it fails, the tutor offers hint N of the exercise.
 * Inputs, names and counts come from a seeded generator; every seed also meets the edge cases (a repeated
 * input, inputs that are not 1, 2, 3, one input, none).
 *
 * <p>The work the tests hand to runAll holds each worker until the test lets it go, and the test watches
 * what the thread that called runAll is doing: waiting, and for which thread, or returned. A thread's
 * state has no event to wait for, so the tests look at it every 0.1 ms; each check ends as soon as the
 * outcome is known, and none sleeps for a fixed time.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 20, unit = TimeUnit.SECONDS)
@ExtendWith(Seeded.class)
class WorkersTest {
    /**
     * How long a step may take before the test stops waiting for it. A right answer takes microseconds;
     * only an answer that hangs or spins reaches it.
     */
    private static final long PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(3);
    /**
     * How long runAll may wait with a time limit other than a join's, all its workers held, before the test
     * stops watching: a wait that gives a worker up shows within it, and a right answer that waits with a time
     * limit it never reaches (awaitTermination on a pool) is let go after it. A timed join fails at once.
     */
    private static final long TIMED_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(2500);

    // ---- hint 1: one named platform thread per input ----

    @Test
    @Order(1)
    @Tag("hint:1")
    void runsEachInputOnAPlatformThreadNamedForItsPlace(Random random) throws InterruptedException {
        List<List<Integer>> cases = new ArrayList<>();
        cases.add(inputsWithARepeat(random, 3 + random.nextInt(5)));
        int same = 2 + random.nextInt(40);
        cases.add(List.of(same, same, same));
        cases.add(List.of(random.nextInt(100) - 50));
        cases.add(List.of());
        for (int index = 0; index < cases.size(); index++) {
            List<Integer> inputs = cases.get(index);
            String prefix = prefix(random, "w" + (index + 1));
            long times = 2 + random.nextInt(9);
            long plus = random.nextInt(1000);
            IntToLongFunction compute = x -> x * times + plus;
            Thread caller = Thread.currentThread();
            ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
            CountDownLatch allCalled = new CountDownLatch(inputs.size());

            List<Result> results = Workers.runAll(prefix, inputs, x -> {
                calls.add(new Call(Thread.currentThread(), x));
                allCalled.countDown();
                return compute.applyAsLong(x);
            });

            boolean allFinished = allCalled.getCount() == 0 && calls.stream().noneMatch(c -> c.thread().isAlive());
            String call = "runAll(\"" + prefix + "\", " + inputs + ", x -> x * " + times + " + " + plus + ")";
            if (results == null) {
                fail(call + " returned null; return the list the workers added their Results to.");
            }
            // An answer that returns before its workers finish is hint 2's; here only wait for the work to run,
            // as long as a thread of this run is alive to run it.
            long deadline = System.nanoTime() + PATIENCE_NANOS;
            while (allCalled.getCount() > 0 && !livePlatformThreads(prefix).isEmpty()
                    && System.nanoTime() < deadline) {
                pause();
            }
            if (allCalled.getCount() > 0) {
                fail(call + " ran the work for " + calls.size() + " of the " + inputs.size() + " inputs. Create one"
                        + " Thread per input, whose task calls work.applyAsLong(input), and call start() on each: a"
                        + " Thread that is only created does nothing.");
            }
            for (Call run : calls) {
                if (run.thread() == caller) {
                    fail(call + ": the work for input " + run.input() + " ran on the thread that called runAll, \""
                            + caller.getName() + "\", not on a worker. Thread.run() calls the task right there, on"
                            + " the caller; Thread.start() starts a new thread that calls it.");
                }
                if (run.thread().isVirtual()) {
                    fail(call + ": the work for input " + run.input() + " ran on a virtual thread, \""
                            + run.thread().getName() + "\". runAll promises a new platform thread per input, the"
                            + " kind the operating system schedules and Thread.getAllStackTraces() lists:"
                            + " new Thread(task, name).");
                }
            }
            List<String> expectedRuns = new ArrayList<>();
            for (int i = 0; i < inputs.size(); i++) {
                expectedRuns.add(prefix + (i + 1) + " (input " + inputs.get(i) + ")");
            }
            List<String> seenRuns = new ArrayList<>();
            for (Call run : calls) {
                seenRuns.add(run.thread().getName() + " (input " + run.input() + ")");
            }
            Collections.sort(expectedRuns);
            Collections.sort(seenRuns);
            if (!expectedRuns.equals(seenRuns)) {
                fail(call + ": the thread for inputs.get(i) is named namePrefix + (i + 1), one thread per input,"
                        + " so the work should have run on " + String.join(", ", byPlace(expectedRuns, prefix))
                        + ". It ran on " + String.join(", ", byPlace(seenRuns, prefix)) + "."
                        + aboutNames(calls, inputs, prefix));
            }
            List<Result> expected = new ArrayList<>();
            for (int i = 0; i < inputs.size(); i++) {
                expected.add(new Result(prefix + (i + 1), inputs.get(i), compute.applyAsLong(inputs.get(i))));
            }
            List<Result> returned = List.copyOf(results);
            List<Result> strangers = missingFrom(expected, returned);
            if (!strangers.isEmpty()) {
                fail(call + " returned " + sorted(returned) + ", with " + strangers + " that no worker made. It"
                        + " should return, in any order, " + sorted(expected) + ": one Result per input, with the"
                        + " name of the thread that did the work, the input and what the work returned.");
            }
            // A Result missing after every worker has ended has two causes: a worker that never adds it (this
            // test's), or a runAll that copied the list and returned while that worker was still finishing
            // (hint 2's, which the held-run tests find every time; whether it shows here is down to timing).
            if (allFinished && returned.size() != expected.size() && !returnsWhileAWorkerWorks(inputs, random)) {
                fail(call + " returned " + sorted(returned) + " after every worker had finished; it should return,"
                        + " in any order, " + sorted(expected) + ". Each worker adds one Result: its own thread's"
                        + " name, its input and what the work returned.");
            }
        }
    }

    /**
     * Workers that add to a plain ArrayList at the same moment lose a Result only when their adds overlap by a
     * few nanoseconds: a run of 64 workers showed it 6 times in 300. The compiled code shows it every time.
     */
    @Test
    @Order(2)
    @Tag("hint:1")
    void workersAddToAListThatAllowsSeveralAtOnce() {
        List<String> unguarded = WorkerCode.unguardedAdds(Workers.class);
        if (!unguarded.isEmpty()) {
            fail("The task your workers run changes a collection that is not synchronized, holding no lock: "
                    + String.join(", ", unguarded) + ". Every worker adds to the one list, several at the same"
                    + " moment, and an ArrayList is not made for that: two adds at once can write the same slot, so"
                    + " a Result is lost, or one of them throws. It takes two adds overlapping by nanoseconds, so most"
                    + " runs show nothing, but it happens. Keep the list the stub makes,"
                    + " Collections.synchronizedList(new ArrayList<>()), whose add() takes a lock.");
        }
    }

    // ---- hint 2: start all, then join all ----

    @Test
    @Order(3)
    @Tag("hint:2")
    void startsEveryWorkerBeforeWaitingForAny(Random random) throws InterruptedException {
        List<Integer> inputs = inputsWithARepeat(random, 3 + random.nextInt(4));
        try (HeldRun run = new HeldRun(prefix(random, "together"), inputs)) {
            run.awaitAllWorking();
        }
    }

    @Test
    @Order(4)
    @Tag("hint:2")
    void returnsOnlyWhenEveryWorkerHasFinishedAndLeavesNoneAlive(Random random) throws InterruptedException {
        List<Integer> inputs = inputsWithARepeat(random, 3 + random.nextInt(4));
        int n = inputs.size();
        try (HeldRun run = new HeldRun(prefix(random, "held"), inputs)) {
            finishOneByOne(run, n, random);
            run.assertResultsAndNoneLeftAlive();
        }
    }

    @Test
    @Order(5)
    @Tag("hint:2")
    void anInterruptedCallerStopsWaitingAndThrowsInterruptedException(Random random) throws InterruptedException {
        List<Integer> inputs = inputsWithARepeat(random, 2 + random.nextInt(4));
        try (HeldRun run = new HeldRun(prefix(random, "interrupted"), inputs)) {
            run.awaitAllWorking();
            run.awaitCallerWaiting();
            run.interruptCallerAndAwaitInterruptedException();
        }
    }

    /**
     * Holds every worker, lets them finish one at a time and waits for runAll, failing if it returns early.
     * The last worker started finishes first, then the first: an answer that waits only for one of them
     * returns while the others still work. The rest finish in a random order.
     */
    private static void finishOneByOne(HeldRun run, int n, Random random) throws InterruptedException {
        run.awaitAllWorking();
        run.awaitCallerWaiting();
        List<Integer> order = new ArrayList<>();
        for (int k = 2; k < n; k++) {
            order.add(k);
        }
        Collections.shuffle(order, random);
        order.add(0, 1);
        order.add(0, n);
        for (int k : order) {
            run.finish(k);
        }
        run.awaitReturned();
    }

    /** Whether runAll, run again on these inputs with every worker held, returns before they have all finished. */
    private static boolean returnsWhileAWorkerWorks(List<Integer> inputs, Random random) throws InterruptedException {
        try (HeldRun run = new HeldRun(prefix(random, "probe"), inputs)) {
            finishOneByOne(run, inputs.size(), random);
            return false;
        } catch (AssertionError early) {
            return true;
        }
    }

    // ---- hint 3: counting the live threads by name ----

    @Test
    @Order(6)
    @Tag("hint:3")
    void countsTheLivePlatformThreadsWhoseNameStartsWithThePrefix(Random random) throws InterruptedException {
        String prefix = prefix(random, "count");
        String stem = prefix.substring(0, prefix.length() - 1);
        CountDownLatch mayEnd = new CountDownLatch(1);
        List<Thread> started = new ArrayList<>();
        List<String> counted = new ArrayList<>();
        List<String> notCounted = new ArrayList<>();
        ThreadGroup elsewhere = new ThreadGroup("elsewhere-" + stem);
        try {
            int plain = 1 + random.nextInt(3);
            for (int i = 1; i <= plain; i++) {
                started.add(parked(new Thread(() -> await(mayEnd), prefix + i)));
                counted.add(prefix + i);
            }
            // Three threads of one name: counting names rather than threads comes out two short.
            int twin = 1 + random.nextInt(plain);
            for (int copy = 0; copy < 2; copy++) {
                started.add(parked(new Thread(() -> await(mayEnd), prefix + twin)));
            }
            counted.add(prefix + twin + " (a second thread of that name)");
            counted.add(prefix + twin + " (a third)");
            Thread daemon = new Thread(() -> await(mayEnd), prefix + (plain + 1));
            daemon.setDaemon(true);
            started.add(parked(daemon));
            counted.add(prefix + (plain + 1) + " (a daemon)");
            started.add(parked(new Thread(elsewhere, () -> await(mayEnd), prefix + (plain + 2))));
            counted.add(prefix + (plain + 2) + " (in the thread group " + elsewhere.getName() + ")");

            // Two threads with the prefix inside their names, and one whose name differs from it in one character.
            for (String name : List.of("my-" + prefix + "1", "x" + prefix + "2")) {
                started.add(parked(new Thread(() -> await(mayEnd), name)));
                notCounted.add(name + " (the prefix is inside the name, not at its start)");
            }
            started.add(parked(new Thread(() -> await(mayEnd), stem + "_" + 1)));
            notCounted.add(stem + "_1 (\"_\" where the prefix has \"-\")");
            started.add(parked(Thread.ofVirtual().name(prefix + "v").unstarted(() -> await(mayEnd))));
            notCounted.add(prefix + "v (a virtual thread)");

            int expected = counted.size();
            String scene = "These threads were alive and counted: " + String.join(", ", counted) + ". These were"
                    + " not: " + String.join(", ", notCounted) + ".";
            int fromHere = Workers.countAlive(prefix);
            int activeCount = Thread.activeCount();
            if (fromHere != expected) {
                fail("countAlive(\"" + prefix + "\") returned " + fromHere + "; it should be " + expected + ". "
                        + scene + aboutCount(fromHere, expected, activeCount) + " Count the threads of"
                        + " Thread.getAllStackTraces().keySet() that are alive and whose getName() starts with"
                        + " the prefix.");
            }
            int[] fromThere = new int[1];
            ThreadGroup callers = new ThreadGroup(Thread.currentThread().getThreadGroup().getParent() == null
                    ? Thread.currentThread().getThreadGroup() : Thread.currentThread().getThreadGroup().getParent(),
                    "callers-" + stem);
            Thread otherCaller = new Thread(callers, () -> fromThere[0] = Workers.countAlive(prefix), "counts-" + stem);
            otherCaller.start();
            otherCaller.join();
            if (fromThere[0] != expected) {
                fail("Called from a thread of another thread group (" + callers.getName() + "), countAlive(\"" + prefix
                        + "\") returned " + fromThere[0] + "; called from the test's thread it returned " + expected
                        + ", which is right. " + scene + " A thread group holds only the threads created in it:"
                        + " Thread.getAllStackTraces().keySet() holds every live platform thread of the JVM.");
            }
            // The thread that calls countAlive is alive too: when its own name has the prefix, it counts.
            String ownName = prefix + (plain + 3 + random.nextInt(5));
            int[] fromOwn = new int[1];
            Thread namedCaller = new Thread(() -> fromOwn[0] = Workers.countAlive(prefix), ownName);
            namedCaller.start();
            namedCaller.join();
            if (fromOwn[0] != expected + 1) {
                fail("Called from a thread named \"" + ownName + "\", countAlive(\"" + prefix + "\") returned "
                        + fromOwn[0] + "; it should be " + (expected + 1) + ": the " + expected + " threads counted"
                        + " before, and " + ownName + " itself, which was alive and whose name starts with the"
                        + " prefix. " + scene + (fromOwn[0] == expected ? " " + expected + " is the count without"
                        + " the calling thread: Thread.getAllStackTraces().keySet() includes it, and nothing in"
                        + " countAlive's promise leaves it out." : ""));
            }
            String nobody = prefix(random, "nobody");
            int strangers = Workers.countAlive(nobody);
            if (strangers != 0) {
                fail("No thread's name starts with \"" + nobody + "\", yet countAlive(\"" + nobody + "\") returned "
                        + strangers + "." + (strangers == Thread.activeCount() ? " That is what Thread.activeCount()"
                        + " returns here too: an estimate of the live threads of the caller's thread group, whatever"
                        + " their names." : "") + " Count only the threads whose getName() starts with the prefix.");
            }
        } finally {
            mayEnd.countDown();
            for (Thread t : started) {
                t.join();
            }
        }
    }

    // ---- a run whose workers the test holds ----

    /** One call of the work: the thread it ran on and its input. */
    private record Call(Thread thread, int input) {
    }

    /** A worker inside the test's work: its thread, input, and the gate that holds it. */
    private record Held(Thread thread, int input, CountDownLatch gate, CountDownLatch left) {
    }

    /**
     * runAll called on a thread of its own, with work that holds every worker until {@link #finish} lets it
     * go. Closing it lets every worker go and waits for runAll to return, so that nothing is left running.
     */
    private static final class HeldRun implements AutoCloseable {
        private final String prefix;
        private final List<Integer> inputs;
        private final int n;
        private final long times;
        private final ConcurrentLinkedQueue<Held> held = new ConcurrentLinkedQueue<>();
        private final Thread caller;
        private volatile boolean closed;
        private volatile List<Result> returned;
        private volatile Throwable thrown;
        private final Set<Integer> finished = new HashSet<>();

        HeldRun(String prefix, List<Integer> inputs) {
            this.prefix = prefix;
            this.inputs = inputs;
            this.n = inputs.size();
            this.times = 3;
            caller = new Thread(() -> {
                try {
                    returned = Workers.runAll(prefix, inputs, this::work);
                } catch (Throwable t) {
                    thrown = t;
                }
            }, "runAll-caller-" + prefix);
            caller.start();
        }

        private long work(int input) {
            CountDownLatch gate = new CountDownLatch(1);
            CountDownLatch left = new CountDownLatch(1);
            held.add(new Held(Thread.currentThread(), input, gate, left));
            try {
                if (!closed) {
                    gate.await();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                left.countDown();
            }
            return input * times;
        }

        String call() {
            return "runAll(\"" + prefix + "\", " + inputs + ", work)";
        }

        /** Waits until all n workers are inside the work at once, or fails with what stopped them. */
        void awaitAllWorking() {
            long deadline = System.nanoTime() + PATIENCE_NANOS;
            while (held.size() < n) {
                if (thrown != null) {
                    fail(call() + " threw " + thrown, thrown);
                }
                if (!caller.isAlive()) {
                    fail(call() + " returned while " + held.size() + " of its " + n + " workers had started their"
                            + " work, and none had finished it: start() returns at once, while the new thread is"
                            + " still working. Call join() on every thread before returning.");
                }
                Thread.State state = caller.getState();
                if (state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING) {
                    List<Thread> alive = livePlatformThreads(prefix);
                    if (alive.size() < n && alive.size() == held.size()) {
                        List<String> working = names(alive);
                        fail(call() + " started " + working.size() + " of its " + n + " workers (" + String.join(", ",
                                working) + ") and then waited" + waitingFor(caller, alive) + ", while "
                                + notStarted(working) + " had not been started. The work holds every worker until"
                                + " all " + n + " are working at once, so runAll waited for a worker that cannot"
                                + " finish yet. join() waits until that one thread has finished: started and"
                                + " joined one at a time, workers run one after another. Start all " + n + " first,"
                                + " then join all " + n + ".");
                    }
                }
                if (System.nanoTime() > deadline) {
                    fail("After " + seconds(PATIENCE_NANOS) + " s, " + held.size() + " of the " + n + " workers of "
                            + call() + " had started their work, and runAll was " + state + at(caller) + ".");
                }
                pause();
            }
            List<String> seen = new ArrayList<>();
            for (Held h : held) {
                seen.add(h.thread().getName());
            }
            Collections.sort(seen);
            List<String> expected = new ArrayList<>();
            for (int i = 1; i <= n; i++) {
                expected.add(prefix + i);
            }
            Collections.sort(expected);
            if (!seen.equals(expected)) {
                fail(call() + " ran its work on " + seen + "; it should be " + expected + ", one thread each.");
            }
        }

        /**
         * Waits until the caller stops to wait, with every worker still held, and fails if it returns instead.
         * A wait with a time limit is watched until it ends: if runAll then gives that worker up, the time
         * limit is the mistake.
         */
        void awaitCallerWaiting() {
            long deadline = System.nanoTime() + PATIENCE_NANOS;
            ThreadInfo first;
            while (true) {
                first = info(caller);
                if (first == null || !caller.isAlive()) {
                    failReturnedEarly("");
                }
                Thread.State state = first.getThreadState();
                if (state == Thread.State.WAITING) {
                    return;
                }
                String polling = polling(caller);
                if (polling != null) {
                    fail("With every worker of " + call() + " still working, runAll was not waiting in join(): it"
                            + " was " + polling + ", polling for its workers to end. A poll sees an end only at its"
                            + " next look, and a count of live threads by name also counts every other thread whose"
                            + " name starts with the prefix, so one that is not a worker of this call keeps runAll"
                            + " waiting as long as it lives. Call join() on each thread runAll started: it returns"
                            + " the moment that thread has ended.");
                }
                String timedJoin = state == Thread.State.TIMED_WAITING ? timedJoin(caller) : null;
                if (timedJoin != null) {
                    // join() with no limit waits in WAITING; TIMED_WAITING inside Thread.join is join(millis) or
                    // join(Duration), which gives up when the time is up, and the work may take longer than that.
                    String on = waitingFor(caller, workers());
                    fail("With every worker of " + call() + " still working, runAll was waiting"
                            + (on.isEmpty() ? " in " + timedJoin : on) + " with a time limit: it was TIMED_WAITING,"
                            + " where a join() with no time limit is WAITING. A join with a time"
                            + " limit returns when the time is up, whether or not the worker has finished, and runAll"
                            + " must return only when every worker has finished, however long the work takes. Call"
                            + " join() with no time limit.");
                }
                if (state == Thread.State.TIMED_WAITING && first.getLockInfo() != null) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    return;   // still busy after the patience: not waiting, so nothing more to watch here
                }
                pause();
            }
            LockInfo lock = first.getLockInfo();
            long waits = first.getWaitedCount();
            long since = System.nanoTime();
            String on = waitingFor(caller, workers());
            while (System.nanoTime() - since < TIMED_WAIT_NANOS) {
                if (!caller.isAlive()) {
                    failReturnedEarly(" It had waited" + on + " with a time limit, and returned "
                            + millis(System.nanoTime() - since) + " ms later.");
                }
                ThreadInfo now = info(caller);
                Thread.State s = now == null ? Thread.State.TERMINATED : now.getThreadState();
                if (now != null && now.getWaitedCount() > waits
                        && (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING)) {
                    if (sameLock(now.getLockInfo(), lock)) {
                        return;   // a loop that waits again for the same thing: a time limit that is not given up on
                    }
                    Thread gaveUp = workerFor(lock);
                    if (gaveUp != null) {
                        fail(call() + " waited" + on + " with a time limit, and "
                                + millis(System.nanoTime() - since) + " ms later went on to wait" + waitingFor(caller,
                                workers()) + " while " + gaveUp.getName() + " was still working. A join with a time"
                                + " limit returns when the time is up, finished or not; runAll must wait until every"
                                + " worker has finished, however long the work takes: join() with no time limit.");
                    }
                    return;
                }
                pause();
            }
        }

        /**
         * Interrupts the caller while it waits with every worker held, and checks that runAll ends by throwing
         * InterruptedException. It may stop its workers first; it may not return as if they had finished, nor go
         * on waiting for workers nobody has stopped.
         */
        void interruptCallerAndAwaitInterruptedException() {
            ThreadInfo before = info(caller);
            long waits = before == null ? 0 : before.getWaitedCount();
            String waitedOn = waitingFor(caller, workers());
            caller.interrupt();
            long deadline = System.nanoTime() + PATIENCE_NANOS;
            while (caller.isAlive()) {
                ThreadInfo now = info(caller);
                if (now != null && now.getWaitedCount() > waits && now.getLockInfo() != null && allStillHeld()) {
                    fail(call() + " was interrupted while it waited" + waitedOn + ", and went on to wait"
                            + waitingFor(caller, workers()) + ", with every worker still working and none of them"
                            + " interrupted. An interrupt asks the thread to stop what it is waiting for: join()"
                            + " throws InterruptedException, and runAll, which declares it, should let it out rather"
                            + " than catch it and wait on.");
                }
                if (System.nanoTime() > deadline) {
                    fail(call() + " was interrupted while it waited" + waitedOn + ", and " + seconds(PATIENCE_NANOS)
                            + " s later had neither thrown nor returned: it was " + caller.getState() + at(caller)
                            + ". Let the InterruptedException that join() throws out of runAll.");
                }
                pause();
            }
            if (thrown instanceof InterruptedException) {
                return;
            }
            List<String> working = new ArrayList<>();
            for (Held h : held) {
                if (h.left().getCount() > 0) {
                    working.add(h.thread().getName());
                }
            }
            Collections.sort(working);
            String still = working.isEmpty() ? "" : ", while " + String.join(", ", working) + " "
                    + (working.size() == 1 ? "was" : "were") + " still working";
            if (thrown != null) {
                fail(call() + " was interrupted while it waited" + waitedOn + ", and threw " + thrown + still
                        + ". runAll declares InterruptedException: let the one join() throws out as it is, so that"
                        + " the caller can tell it was interrupted.", thrown);
            }
            List<Result> got = returned == null ? List.of() : List.copyOf(returned);
            fail(call() + " was interrupted while it waited" + waitedOn + ", and returned " + sorted(got) + still
                    + ". An interrupt is a request to stop waiting, and join() reports it by throwing"
                    + " InterruptedException; caught and only noted with interrupt(), the next join() throws at"
                    + " once too, and runAll returns as if the work were done. Let the InterruptedException out of"
                    + " runAll, which declares it.");
        }

        /**
         * Whether every worker is still parked in the work, neither interrupted nor about to leave it. The flag is
         * read before the state: a worker whose flag the wait has already cleared is running, not waiting, until
         * it has left the work.
         */
        private boolean allStillHeld() {
            for (Held h : held) {
                boolean interrupted = h.thread().isInterrupted();
                Thread.State state = h.thread().getState();
                if (interrupted || state != Thread.State.WAITING || h.left().getCount() == 0) {
                    return false;
                }
            }
            return held.size() == n;
        }

        /** Lets worker {@code k} (named prefix + k) finish, and checks that runAll did not return early. */
        void finish(int k) {
            Held h = heldNamed(prefix + k);
            String waitedOn = waitingFor(caller, workers());
            h.gate().countDown();
            finished.add(k);
            long deadline = System.nanoTime() + PATIENCE_NANOS;
            // The worker is done once it has left the work and either ended or gone back to waiting (in a pool).
            while (h.left().getCount() > 0 || isBusy(h.thread())) {
                if (System.nanoTime() > deadline) {
                    break;
                }
                pause();
            }
            // Then the caller either goes on waiting for another worker, or returns.
            while (System.nanoTime() < deadline) {
                if (!caller.isAlive()) {
                    if (finished.size() < n) {
                        failReturnedEarly(" It returned when " + h.thread().getName() + " finished"
                                + (waitedOn.isEmpty() ? "" : ", after it had waited" + waitedOn) + ".");
                    }
                    return;
                }
                // State and lock from one snapshot: a caller that is waking up has no lock any more.
                ThreadInfo now = info(caller);
                if (now != null && now.getLockInfo() != null && workerFor(now.getLockInfo()) != h.thread()) {
                    return;
                }
                pause();
            }
        }

        void awaitReturned() throws InterruptedException {
            caller.join(TimeUnit.NANOSECONDS.toMillis(PATIENCE_NANOS));
            if (caller.isAlive()) {
                fail("Every worker of " + call() + " had finished, yet " + seconds(PATIENCE_NANOS) + " s later runAll"
                        + " had not returned: it was " + caller.getState() + at(caller) + ".");
            }
            if (thrown != null) {
                fail(call() + " threw " + thrown, thrown);
            }
        }

        void assertResultsAndNoneLeftAlive() {
            List<Result> expected = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                expected.add(new Result(prefix + (i + 1), inputs.get(i), inputs.get(i) * times));
            }
            List<Result> got = returned == null ? null : List.copyOf(returned);
            if (got == null || !sorted(got).equals(sorted(expected))) {
                fail(call() + " returned " + (got == null ? "null" : sorted(got)) + " after all its workers had"
                        + " finished; it should return, in any order, " + sorted(expected) + ".");
            }
            List<String> leftovers = new ArrayList<>();
            Set<Thread> seen = new HashSet<>();
            for (Held h : held) {
                if (h.thread().isAlive() && seen.add(h.thread())) {
                    leftovers.add(describe(h.thread()));
                }
            }
            for (Thread t : livePlatformThreads(prefix)) {
                if (seen.add(t)) {
                    leftovers.add(describe(t));
                }
            }
            if (!leftovers.isEmpty()) {
                fail("After " + call() + " returned, these threads of its were still alive: " + String.join("; ",
                        leftovers) + ". runAll is done only when its workers are: a thread started with start()"
                        + " ends when its task returns, and join() waits for that. Threads kept waiting for more"
                        + " work, as a pool's are, stay alive until the pool is shut down.");
            }
        }

        /** Lets every worker go and waits for runAll, so that a failed test leaves nothing running. */
        @Override
        public void close() throws InterruptedException {
            closed = true;
            for (Held h : held) {
                h.gate().countDown();
            }
            caller.join(TimeUnit.NANOSECONDS.toMillis(PATIENCE_NANOS));
        }

        private void failReturnedEarly(String how) {
            List<String> working = new ArrayList<>();
            for (Held h : held) {
                if (h.left().getCount() > 0) {
                    working.add(h.thread().getName());
                }
            }
            Collections.sort(working);
            fail(call() + " returned while " + String.join(", ", working) + " " + (working.size() == 1 ? "was" : "were")
                    + " still working." + how + " runAll must return only when every worker has finished: call"
                    + " join() on every thread, after all of them have been started.");
        }

        private List<Thread> workers() {
            List<Thread> threads = new ArrayList<>();
            for (Held h : held) {
                threads.add(h.thread());
            }
            return threads;
        }

        private Held heldNamed(String name) {
            for (Held h : held) {
                if (h.thread().getName().equals(name)) {
                    return h;
                }
            }
            throw new AssertionError("no worker named " + name);
        }

        /** The worker thread a lock is, if the caller waits on one: join() waits on the thread itself. */
        private Thread workerFor(LockInfo lock) {
            if (lock == null) {
                return null;
            }
            for (Held h : held) {
                if (sameObject(lock, h.thread())) {
                    return h.thread();
                }
            }
            return null;
        }

        private String notStarted(List<String> working) {
            List<String> missing = new ArrayList<>();
            for (int i = 1; i <= n; i++) {
                if (!working.contains(prefix + i)) {
                    missing.add(prefix + i);
                }
            }
            return String.join(", ", missing);
        }
    }

    // ---- watching threads ----

    private static void pause() {
        LockSupport.parkNanos(100_000);
    }

    private static ThreadInfo info(Thread t) {
        return ManagementFactory.getThreadMXBean().getThreadInfo(t.threadId(), 0);
    }

    private static LockInfo lockOf(Thread t) {
        ThreadInfo info = info(t);
        return info == null ? null : info.getLockInfo();
    }

    private static boolean sameObject(LockInfo lock, Object o) {
        return lock != null && lock.getIdentityHashCode() == System.identityHashCode(o)
                && lock.getClassName().equals(o.getClass().getName());
    }

    private static boolean sameLock(LockInfo a, LockInfo b) {
        return a != null && b != null && a.getIdentityHashCode() == b.getIdentityHashCode()
                && a.getClassName().equals(b.getClassName());
    }

    /**
     * What the caller is doing, if it is polling rather than waiting: "sleeping in Thread.sleep (Workers.java:60)" or
     * "counting threads in countAlive (Workers.java:59)"; null otherwise. A right answer never does either while its
     * workers are held, and a poll spends nearly all its time in one of them.
     */
    private static String polling(Thread caller) {
        StackTraceElement[] stack = caller.getStackTrace();
        boolean sleeping = false;
        for (int i = 0; i < stack.length; i++) {
            StackTraceElement frame = stack[i];
            if (frame.getClassName().equals("java.lang.Thread") && frame.getMethodName().startsWith("sleep")) {
                sleeping = true;
            } else if (frame.getClassName().equals(Workers.class.getName())) {
                if (frame.getMethodName().equals("countAlive") && i + 1 < stack.length) {
                    return "counting threads in countAlive (called at " + stack[i + 1].getFileName() + ":"
                            + stack[i + 1].getLineNumber() + ")";
                }
                if (sleeping) {
                    return "sleeping in Thread.sleep (called at " + frame.getFileName() + ":" + frame.getLineNumber()
                            + ")";
                }
                return null;
            }
        }
        return null;
    }

    /**
     * "Thread.join (called at Workers.java:31)" when the caller is inside a Thread.join called from the learner's
     * code; otherwise null. Only a join with a time limit leaves the caller TIMED_WAITING there.
     */
    private static String timedJoin(Thread caller) {
        // State and stack from one snapshot, so that a join seen is the one the state belongs to.
        ThreadInfo info = ManagementFactory.getThreadMXBean().getThreadInfo(caller.threadId(), Integer.MAX_VALUE);
        if (info == null || info.getThreadState() != Thread.State.TIMED_WAITING) {
            return null;
        }
        StackTraceElement[] stack = info.getStackTrace();
        boolean inJoin = false;
        for (StackTraceElement frame : stack) {
            if (frame.getClassName().equals("java.lang.Thread") && frame.getMethodName().equals("join")) {
                inJoin = true;
            } else if (frame.getClassName().startsWith(Workers.class.getName())) {
                return inJoin ? "Thread.join (called at " + frame.getFileName() + ":" + frame.getLineNumber() + ")"
                        : null;
            }
        }
        return null;
    }

    /** Still running its task: not ended, and not waiting somewhere outside it either. */
    private static boolean isBusy(Thread t) {
        Thread.State s = t.getState();
        return s == Thread.State.RUNNABLE || s == Thread.State.BLOCKED;
    }

    /** " for w-1 (in Thread.join)" when the caller waits on a worker; otherwise where it waits. */
    private static String waitingFor(Thread caller, List<Thread> workers) {
        LockInfo lock = lockOf(caller);
        for (Thread w : workers) {
            if (sameObject(lock, w)) {
                return " for " + w.getName() + at(caller);
            }
        }
        return at(caller);
    }

    /** Where a thread is, as " (in Thread.join, called at Workers.java:57)", or "" when nothing tells. */
    private static String at(Thread t) {
        StackTraceElement[] stack = t.getStackTrace();
        String api = null;
        for (StackTraceElement frame : stack) {
            String owner = frame.getClassName();
            if (api == null && owner.startsWith("java.") && !owner.equals("java.lang.Object")
                    && !owner.startsWith("java.util.concurrent.locks.LockSupport")) {
                api = owner.substring(owner.lastIndexOf('.') + 1) + "." + frame.getMethodName();
            }
            if (owner.startsWith(Workers.class.getName())) {
                return " (in " + (api == null ? "" : api + ", called at ") + frame.getFileName() + ":"
                        + frame.getLineNumber() + ")";
            }
        }
        return "";
    }

    private static String describe(Thread t) {
        StackTraceElement[] stack = t.getStackTrace();
        String where = "";
        for (StackTraceElement frame : stack) {
            String owner = frame.getClassName();
            if (!owner.equals("java.lang.Object") && !owner.startsWith("jdk.internal")
                    && !owner.startsWith("java.util.concurrent.locks.") && !owner.endsWith("ForkJoinPool")
                    && !owner.endsWith("BlockingQueue")) {
                where = " in " + frame.getClassName().substring(frame.getClassName().lastIndexOf('.') + 1) + "."
                        + frame.getMethodName();
                break;
            }
        }
        return t.getName() + " (" + t.getState() + where + (t.isDaemon() ? ", a daemon" : "") + ")";
    }

    /** Every live platform thread whose name starts with the prefix, daemon threads included. */
    private static List<Thread> livePlatformThreads(String prefix) {
        List<Thread> alive = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().startsWith(prefix)) {
                alive.add(t);
            }
        }
        return alive;
    }

    private static List<String> names(List<Thread> threads) {
        List<String> names = new ArrayList<>();
        for (Thread t : threads) {
            names.add(t.getName());
        }
        Collections.sort(names);
        return names;
    }

    // ---- inputs ----

    /** A short random prefix ending in "-", such as "w-kq-". */
    private static String prefix(Random random, String word) {
        StringBuilder b = new StringBuilder(word).append('-');
        for (int i = 0; i < 2; i++) {
            b.append((char) ('a' + random.nextInt(26)));
        }
        return b.append('-').toString();
    }

    /**
     * {@code size} inputs from -20 to 40 in a random order, one of them repeated, and the first not 1, so
     * that neither a value nor its first index tells the thread's name.
     */
    private static List<Integer> inputsWithARepeat(Random random, int size) {
        List<Integer> inputs = new ArrayList<>();
        for (int i = 0; i < size - 1; i++) {
            inputs.add(random.nextInt(61) - 20);
        }
        inputs.add(1 + random.nextInt(size - 1), inputs.get(random.nextInt(size - 1)));
        if (inputs.get(0) == 1) {
            inputs.set(0, 2 + random.nextInt(38));
        }
        return List.copyOf(inputs);
    }

    // ---- messages ----

    /** "w-1 (input 5)" entries ordered by the number after the prefix, not as text. */
    private static List<String> byPlace(List<String> runs, String prefix) {
        List<String> copy = new ArrayList<>(runs);
        copy.sort(Comparator.comparingLong(run -> placeOf(run, prefix)));
        return copy;
    }

    private static long placeOf(String run, String prefix) {
        String rest = run.startsWith(prefix) ? run.substring(prefix.length()) : run;
        int space = rest.indexOf(' ');
        try {
            return Long.parseLong(space < 0 ? rest : rest.substring(0, space));
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    /** What the names have in common, when they all follow one rule other than the place from 1. */
    private static String aboutNames(ConcurrentLinkedQueue<Call> calls, List<Integer> inputs, String prefix) {
        boolean byValue = true;
        boolean fromZero = true;
        Map<Integer, Integer> firstIndex = new HashMap<>();
        for (int i = inputs.size() - 1; i >= 0; i--) {
            firstIndex.put(inputs.get(i), i);
        }
        boolean byFirstIndex = true;
        List<String> zeroBased = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            zeroBased.add(prefix + i);
        }
        List<String> seen = new ArrayList<>();
        for (Call c : calls) {
            String name = c.thread().getName();
            seen.add(name);
            byValue &= name.equals(prefix + c.input());
            byFirstIndex &= name.equals(prefix + (firstIndex.get(c.input()) + 1));
        }
        Collections.sort(seen);
        Collections.sort(zeroBased);
        fromZero = seen.equals(zeroBased);
        if (fromZero) {
            return " The names count from 0; the first input's thread is namePrefix + 1.";
        }
        if (byValue) {
            return " Each thread is named after its input's value; the name comes from the input's place in the"
                    + " list, i + 1, whatever the value.";
        }
        if (byFirstIndex) {
            return " Equal inputs ran on threads of the same name, the place of the first of them: each input has a"
                    + " place of its own, i + 1, even when its value repeats.";
        }
        return "";
    }

    /** Which other way of counting gives the number countAlive returned, when one does. */
    private static String aboutCount(int returned, int expected, int activeCount) {
        if (returned == activeCount) {
            return " " + returned + " is also what Thread.activeCount() returns here: an estimate of the live threads"
                    + " of the caller's thread group, whatever their names.";
        }
        if (returned == expected - 2) {
            return " " + returned + " is the number of different names among them: threads may share a name, and each"
                    + " is a thread of its own.";
        }
        if (returned == expected - 1) {
            return " " + returned + " is the count without the daemon: a daemon thread is alive like any other.";
        }
        if (returned == expected + 2) {
            return " " + returned + " is the count with the two threads whose names have the prefix inside them.";
        }
        return "";
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts a thread that waits on a latch and returns once it is waiting there. */
    private static Thread parked(Thread t) {
        t.start();
        long deadline = System.nanoTime() + PATIENCE_NANOS;
        while (t.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
            pause();
        }
        return t;
    }

    private static List<Result> missingFrom(List<Result> expected, List<Result> returned) {
        List<Result> left = new ArrayList<>(expected);
        List<Result> strangers = new ArrayList<>();
        for (Result r : returned) {
            if (!left.remove(r)) {
                strangers.add(r);
            }
        }
        return strangers;
    }

    private static List<Result> sorted(List<Result> results) {
        List<Result> copy = new ArrayList<>(results);
        copy.sort(Comparator.comparing(Result::worker, Comparator.comparingLong(n -> n.length()))
                .thenComparing(Result::worker).thenComparingInt(Result::input));
        return copy;
    }

    private static long seconds(long nanos) {
        return TimeUnit.NANOSECONDS.toSeconds(nanos);
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
