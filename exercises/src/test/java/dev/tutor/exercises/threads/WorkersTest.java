package dev.tutor.exercises.threads;

import static dev.tutor.exercises.threads.ThreadProbe.PATIENCE_NANOS;
import static dev.tutor.exercises.threads.ThreadProbe.livePlatformThreads;
import static dev.tutor.exercises.threads.ThreadProbe.pause;
import static dev.tutor.exercises.threads.WorkersRemarks.aboutCount;
import static dev.tutor.exercises.threads.WorkersRemarks.aboutNames;
import static dev.tutor.exercises.threads.WorkersRemarks.byPlace;
import static dev.tutor.exercises.threads.WorkersRemarks.sorted;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tutor.exercises.support.Seeded;
import dev.tutor.exercises.support.WorkerCode;
import dev.tutor.exercises.threads.Workers.Result;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
 * outcome is known, and none sleeps for a fixed time. {@link HeldRun} drives such a run, {@link ThreadProbe}
 * looks at the threads, and {@link WorkersRemarks} says what rule a wrong answer followed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 20, unit = TimeUnit.SECONDS)
@ExtendWith(Seeded.class)
class WorkersTest {

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
            ConcurrentLinkedQueue<WorkCall> calls = new ConcurrentLinkedQueue<>();
            CountDownLatch allCalled = new CountDownLatch(inputs.size());

            List<Result> results = Workers.runAll(prefix, inputs, x -> {
                calls.add(new WorkCall(Thread.currentThread(), x));
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
            for (WorkCall run : calls) {
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
            for (WorkCall run : calls) {
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

    // ---- threads of the tests' own ----

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
}
