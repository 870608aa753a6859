package dev.tutor.exercises.multitasking;

import static org.junit.jupiter.api.Assertions.fail;

import dev.tutor.exercises.multitasking.TestTasks.Made;
import dev.tutor.exercises.multitasking.TestTasks.StepRecord;
import dev.tutor.exercises.multitasking.TestTasks.Task;
import dev.tutor.exercises.support.CompiledNest;
import dev.tutor.exercises.support.Seeded;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Grades {@link TwoWays}: first the tasks taking turns on one thread (hint 1), then each task on a thread
 * of its own (hint 2), then what happens when a step throws, when the caller is interrupted, and when
 * there are no tasks (hint 3).
 *
 * <p>The tasks are the test's own: every step records which thread ran it, and as each step begins and
 * ends the tasks count, under one lock, the lesson's two numbers: how many tasks are in progress (from the
 * start of a task's first step to the end of its last) and how many are inside a step, keeping the most of
 * each seen at once. Nothing is left to timing: where a
 * test needs several tasks inside a step at the same moment, each task's first step waits inside until
 * all are there, and where it needs a task to be still running when {@code onThreads} could return, its
 * last step waits until the calling thread has stopped to wait, or, for an interrupted caller, until
 * {@code onThreads} has come back. A wrong answer that would leave such a
 * step waiting forever is noticed as soon as nothing can move any more, and the step is let go.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 10, unit = TimeUnit.SECONDS)
@ExtendWith(Seeded.class)
class TwoWaysTest {
    // ---- one thread ----

    /**
     * Read off the compiled class rather than from a run: whatever {@code onOneThread} calls, directly or
     * through the class's own methods and lambdas, starts, borrows and pauses no thread.
     */
    @Test
    @Order(0)
    @Tag("hint:1")
    void onOneThreadUsesNoThreads() {
        List<String> uses = threadingReachableFrom("onOneThread");
        if (!uses.isEmpty()) {
            fail("onOneThread() uses threads: " + String.join("; ", uses) + ". One thread is all it may use:"
                    + " call each task's step() yourself, on the thread that called onOneThread(), and the task"
                    + " hands the thread back by returning. Thread.sleep() or Thread.yield() between turns only"
                    + " asks the operating system to run some other thread; the tasks take turns only when you"
                    + " step them.");
        }
    }

    @Test
    @Order(1)
    @Tag("hint:1")
    void onOneThreadHasEveryTaskInProgressButNeverTwoInsideAStep(Random random) {
        for (int round = 0; round < 20; round++) {
            TaskRun run = new TaskRun();
            int count = 2 + random.nextInt(5);
            for (int i = 0; i < count; i++) {
                run.task(2 + random.nextInt(4), 0);
            }

            Throwable thrown = callOnOneThread(run);

            checkOnOneThreadRanToTheEnd(run, thrown);
            if (run.mostInProgress() != count) {
                fail(run.describeTasks(true) + " ran on one thread in the order " + run.trace() + ". At"
                        + " most " + run.mostInProgress() + " of the " + count + " tasks were in progress at"
                        + " once, and at most " + run.mostInside() + " inside a step. "
                        + firstRunToItsEnd(run) + " Taking turns, one step per turn, every task starts in the"
                        + " first round and stays in progress until its last step: all " + count
                        + " in progress at once, one inside a step. That is concurrency without parallelism.");
            }
        }
    }

    @Test
    @Order(2)
    @Tag("hint:1")
    void onOneThreadTakesTurnsInTheOrderOfTheList(Random random) {
        for (int round = 0; round < 30; round++) {
            TaskRun run = new TaskRun();
            int count = 1 + random.nextInt(6);
            // Every list has a task that finishes in its first turn, and all but the smallest a longer one.
            int oneStep = random.nextInt(count);
            int longer = count == 1 ? -1 : (oneStep + 1 + random.nextInt(count - 1)) % count;
            for (int i = 0; i < count; i++) {
                run.task(i == oneStep ? 1 : i == longer ? 3 + random.nextInt(3) : 1 + random.nextInt(5), 0);
            }

            Throwable thrown = callOnOneThread(run);

            checkOnOneThreadRanToTheEnd(run, thrown);
            List<String> expected = turns(run.tasks);
            List<String> trace = run.traceList();
            if (!trace.equals(expected)) {
                fail(run.describeTasks(true) + ", in this order in the list, taking turns one step each,"
                        + " round after round, run " + String.join(" ", expected) + ", but onOneThread() stepped"
                        + " them " + String.join(" ", trace) + ". " + whyNotTheseTurns(run, trace, expected));
            }
        }
    }

    // ---- a thread each ----

    @Test
    @Order(3)
    @Tag("hint:2")
    void onThreadsRunsEachTaskOnAThreadOfItsOwn(Random random) {
        for (int round = 0; round < 10; round++) {
            TaskRun run = new TaskRun();
            // The most tasks and the fewest every time, and between them whatever the seed gives.
            int count = round == 0 ? 6 : round == 1 ? 1 : 1 + random.nextInt(6);
            for (int i = 0; i < count; i++) {
                run.task(1 + random.nextInt(4), 0);
            }
            // No task finishes before the caller stops to wait, so a thread runs a second task only when
            // there were fewer threads than tasks, never by the luck of one task finishing early.
            run.holdLastSteps = true;

            Throwable thrown = callOnThreads(run);
            // Judged after the tasks are done, however soon onThreads() returned: waiting is checked later.
            run.awaitSettled();

            checkNothingThrown(run, thrown, "onThreads()");
            checkEachTaskOnAThreadOfItsOwn(run);
            for (Task task : run.tasks) {
                if (task.begun != task.steps) {
                    fail(run.describeTasks(true) + " were given to onThreads(). Once every thread it"
                            + " started had gone quiet, " + task.name + " had run " + task.begun + " of its "
                            + task.steps + " steps. Each task's thread calls step() until it returns false.");
                }
            }
        }
    }

    @Test
    @Order(4)
    @Tag("hint:2")
    void onThreadsHasEveryTaskInsideAStepAtOnce(Random random) {
        for (int round = 0; round < 10; round++) {
            TaskRun run = new TaskRun();
            int count = 2 + random.nextInt(5);
            for (int i = 0; i < count; i++) {
                run.task(1 + random.nextInt(3), 0);
            }
            run.gateFirstSteps = true;

            Throwable thrown = callOnThreads(run);
            run.awaitSettled();

            checkNothingThrown(run, thrown, "onThreads()");
            checkEachTaskOnAThreadOfItsOwn(run);
            if (!run.gateOpenedByAll) {
                fail("Each of the " + run.describeTasks(false) + " waited in its first step, inside it, until"
                        + " all " + count + " were inside their first steps at the same moment: tasks taking"
                        + " turns on one thread never can, tasks on threads of their own can. "
                        + (run.mostAtGate == 0 ? "None got there while others waited"
                        : "At most " + run.mostAtGate + " got there at once (" + String.join(", ", run.firstAtGate)
                        + ")") + ". " + run.whyNotAllAtGate());
            }
        }
    }

    @Test
    @Order(5)
    @Tag("hint:2")
    void onThreadsReturnsOnlyWhenEveryThreadHasEnded(Random random) {
        for (int round = 0; round < 10; round++) {
            TaskRun run = new TaskRun();
            // The first round's one task stays in its last step while the caller waits with a time limit,
            // so that a wait that gives up is seen to return early; a wait without a limit costs nothing.
            int count = round == 0 ? 1 : 1 + random.nextInt(6);
            for (int i = 0; i < count; i++) {
                run.task(1 + random.nextInt(3), 0);
            }
            run.holdLastSteps = true;
            run.holdThroughTimedWaits = round == 0;

            Throwable thrown = callOnThreads(run);
            run.awaitSettled();

            checkNothingThrown(run, thrown, "onThreads()");
            checkEachTaskOnAThreadOfItsOwn(run);
            checkAllEndedAtReturn(run, null);
        }
    }

    // ---- the ways out ----

    @Test
    @Order(6)
    @Tag("hint:3")
    void onOneThreadStopsEverythingAtAStepThatThrows(Random random) {
        for (int round = 0; round < 20; round++) {
            TaskRun run = new TaskRun();
            int count = 1 + random.nextInt(5);
            int failing = random.nextInt(count);
            for (int i = 0; i < count; i++) {
                int steps = 1 + random.nextInt(4);
                run.task(steps, i == failing ? 1 + random.nextInt(steps) : 0);
            }
            Task thrower = run.tasks.get(failing);

            Throwable thrown = callOnOneThread(run);

            List<String> expected = turns(run.tasks);
            List<String> trace = run.traceList();
            String seen = run.describeTasks(true) + " ran on one thread, and " + thrower.name + "'s step "
                    + thrower.throwsAt + " threw " + thrower.thrown + ".";
            if (thrower.thrown == null) {
                fail(run.describeTasks(true) + " ran on one thread; " + thrower.name + "'s step "
                        + thrower.throwsAt + " would have thrown, but the steps ran " + String.join(" ", trace)
                        + " and it was never reached. " + whyNotTheseTurns(run, trace, turns(run.tasks, false)));
            }
            if (thrown != thrower.thrown) {
                fail(seen + " That exception must leave onOneThread() at once, but onOneThread() "
                        + (thrown == null ? "returned normally" : "threw " + thrown + " instead") + ". The steps"
                        + " ran " + String.join(" ", trace) + ".");
            }
            if (!trace.equals(expected)) {
                fail(seen + " The steps must run " + String.join(" ", expected) + " and stop there, but they ran "
                        + String.join(" ", trace) + ". No step of any task runs after one throws.");
            }
        }
    }

    @Test
    @Order(7)
    @Tag("hint:3")
    void onThreadsLetsTheOtherTasksFinishWhenAStepThrows(Random random) {
        for (int round = 0; round < 10; round++) {
            TaskRun run = new TaskRun();
            int count = 2 + random.nextInt(5);
            int failing = random.nextInt(count);
            for (int i = 0; i < count; i++) {
                int steps = 1 + random.nextInt(3);
                run.task(steps, i == failing ? 1 + random.nextInt(steps) : 0);
            }
            run.holdLastSteps = true;
            Task thrower = run.tasks.get(failing);

            Throwable thrown = callOnThreads(run);
            run.awaitSettled();

            String seen = run.describeTasks(true) + " ran on threads, and " + thrower.name + "'s step "
                    + thrower.throwsAt + " threw " + thrower.thrown + ".";
            if (thrown != null) {
                fail(seen + " onThreads() then threw " + thrown + ", but an exception ends only the thread it"
                        + " is thrown in: the other tasks carry on, and onThreads() returns normally once every"
                        + " thread has ended.");
            }
            checkProblems(run);
            checkAllEndedAtReturn(run, thrower);
            Set<Thread> threads = run.threadsOf(thrower);
            Thread threw = threads.isEmpty() ? null : threads.iterator().next();
            Throwable handled = threw == null ? null : run.uncaught.get(threw);
            if (handled != thrower.thrown) {
                fail(seen + " It must end that thread as an uncaught exception, which goes to the thread's"
                        + " uncaught-exception handler, but " + (handled == null ? "the handler never got it:"
                        + " it was caught on the way" : "the handler got " + handled + " instead") + ".");
            }
        }
    }

    @Test
    @Order(8)
    @Tag("hint:3")
    void onThreadsThrowsInterruptedExceptionWhenTheCallerIsInterrupted(Random random) {
        TaskRun run = new TaskRun();
        int count = 1 + random.nextInt(4);
        for (int i = 0; i < count; i++) {
            run.task(1 + random.nextInt(3), 0);
        }
        run.holdLastStepsUntilReturned = true;

        Thread.currentThread().interrupt();
        Throwable thrown;
        boolean interruptedAfter;
        try {
            thrown = callOnThreads(run);
        } finally {
            interruptedAfter = Thread.interrupted();
            run.awaitSettled();
        }

        checkThrownWhileHeld(run, thrown, "The calling thread was interrupted before it called onThreads() with "
                + run.describeTasks(false) + ".");
        if (!(thrown instanceof InterruptedException)) {
            fail("The calling thread was interrupted before it called onThreads() with "
                    + run.describeTasks(false) + ". Waiting for a thread (join()) then throws InterruptedException at"
                    + " once, and onThreads() must let it out, but it "
                    + (thrown == null ? "returned normally" : "threw " + thrown + " instead")
                    + (interruptedAfter ? ", with the thread's interrupt status set again" : "") + ".");
        }
        checkProblems(run);
        for (Task task : run.tasks) {
            if (task.begun != task.steps) {
                fail("The calling thread was interrupted before it called onThreads() with "
                        + run.describeTasks(false) + ". onThreads() threw InterruptedException, but " + task.name
                        + " ran " + task.begun + " of its " + task.steps + " steps" + (task.begun == 0
                        ? ", and " + run.started() + " of the " + count + " threads were started" : "") + ". An"
                        + " interrupt stops only the caller's waiting: every thread is started all the same, and the"
                        + " wait (join()) notices the interrupt after that.");
            }
        }
        checkEachTaskOnAThreadOfItsOwn(run);
    }

    @Test
    @Order(9)
    @Tag("hint:3")
    void onThreadsThrowsAtOnceWhenTheCallerIsInterruptedWhileItWaits(Random random) {
        TaskRun run = new TaskRun();
        int count = 1 + random.nextInt(4);
        for (int i = 0; i < count; i++) {
            run.task(1 + random.nextInt(3), 0);
        }
        run.holdLastStepsUntilReturned = true;
        run.interruptOnceHeld = true;

        Throwable thrown;
        try {
            thrown = callOnThreads(run);
        } finally {
            Thread.interrupted();
            run.awaitSettled();
        }

        String what = "onThreads() was given " + run.describeTasks(false) + ". Once every task was inside its last"
                + " step, held there by the test, and the caller had stopped to wait" + run.interruptedWhere
                + ", the test interrupted the calling thread.";
        checkThrownWhileHeld(run, thrown, what);
        if (!(thrown instanceof InterruptedException)) {
            fail(what + " Its wait (join()) then throws InterruptedException at once, and onThreads() must let it"
                    + " out, but it " + (thrown == null ? "returned normally" : "threw " + thrown + " instead") + ".");
        }
        checkProblems(run);
        for (Task task : run.tasks) {
            if (task.begun != task.steps) {
                fail(what + " onThreads() threw InterruptedException, but " + task.name + " then ran only "
                        + task.begun + " of its " + task.steps + " steps. An interrupt stops only the caller's"
                        + " waiting: the threads carry on to their end.");
            }
        }
    }

    @Test
    @Order(10)
    @Tag("hint:3")
    void bothReturnAtOnceWithNoTasks() {
        TaskRun one = new TaskRun();
        checkNothingThrown(one, callOnOneThread(one), "onOneThread() with no tasks");
        TaskRun threads = new TaskRun();
        checkNothingThrown(threads, callOnThreads(threads), "onThreads() with no tasks");
        if (!threads.made.isEmpty()) {
            fail("onThreads() with no tasks made " + threads.made.size() + " thread(s); with nothing to run it"
                    + " makes none.");
        }
    }

    /**
     * Last, under hint 2, so that an answer that also fails a hint 3 test is told that first: every thread
     * the factory made stays alive for a while after its body returns, so that a wait for a sign that the
     * work is done, such as an executor's termination, which it signals from inside its last thread, is seen
     * returning before the threads have ended.
     */
    @Test
    @Order(11)
    @Tag("hint:2")
    void onThreadsWaitsForTheThreadsThemselvesToEnd(Random random) {
        for (int round = 0; round < 5; round++) {
            TaskRun run = new TaskRun();
            int count = round == 0 ? 1 : 1 + random.nextInt(6);
            for (int i = 0; i < count; i++) {
                run.task(1 + random.nextInt(3), 0);
            }
            run.holdAfterBodies = true;

            Throwable thrown = callOnThreads(run);
            run.awaitSettled();

            checkNothingThrown(run, thrown, "onThreads()");
            checkEachTaskOnAThreadOfItsOwn(run);
            checkAllEndedAtReturn(run, null);
            List<Made> alive = run.aliveAtReturn;
            if (!alive.isEmpty()) {
                Made first = alive.getFirst();
                fail("onThreads() was given " + run.describeTasks(false) + " and returned while " + alive.size()
                        + " of the threads it started " + (alive.size() == 1 ? "was" : "were") + " still alive ('"
                        + first.getName() + "'" + (alive.size() == 1 ? "" : " and others") + "). The test kept each"
                        + " thread alive a moment after its body returned, and onThreads() \"returns"
                        + " only after every thread it started has ended\". A sign that the work is done, such as"
                        + " an executor's termination (signalled from inside its last thread) or a latch counted"
                        + " down in the body, comes before the threads end: join() every thread itself.");
            }
        }
    }

    // ---- calling the learner's code ----

    private static Throwable callOnOneThread(TaskRun run) {
        try {
            TwoWays.onOneThread(new ArrayList<>(run.tasks));
            return null;
        } catch (RuntimeException | Error e) {
            return e;
        } finally {
            run.returned();
        }
    }

    private static Throwable callOnThreads(TaskRun run) {
        Thread watchdog = run.gateFirstSteps ? Thread.ofPlatform().daemon().name("two-ways-watchdog")
                .start(run::watchGate) : null;
        Thread stuckWatch = Thread.ofPlatform().daemon().name("two-ways-stuck-watch").start(run::watchStuck);
        Thread heldWatch = run.holdLastStepsUntilReturned ? Thread.ofPlatform().daemon().name("two-ways-held-watch")
                .start(run::watchHeld) : null;
        Throwable thrown = null;
        try {
            TwoWays.onThreads(new ArrayList<>(run.tasks), run.factory);
        } catch (InterruptedException | RuntimeException | Error e) {
            thrown = e;
        } finally {
            run.returned();
        }
        for (Thread watcher : new Thread[] {watchdog, stuckWatch, heldWatch}) {
            if (watcher == null) {
                continue;
            }
            try {
                watcher.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        String stuck = run.stuck();
        if (stuck != null) {
            Thread.interrupted();
            fail(stuck);
        }
        return thrown;
    }

    // ---- checks shared by the tests ----

    /** An interrupted caller lets the InterruptedException out while its tasks' last steps are still held. */
    private static void checkThrownWhileHeld(TaskRun run, Throwable thrown, String what) {
        if (run.heldPast == null) {
            return;
        }
        fail(what + " Every task's last step was held inside, by the test, until onThreads() came back, and "
                + (run.heldForEver ? "onThreads() had taken the interrupt and gone back to waiting" + run.heldPast
                + " with no time limit, for threads that could not end before it came back: it never would have"
                : TimeUnit.NANOSECONDS.toMillis(TaskRun.HELD_NANOS) + " ms later onThreads() had not come back: it"
                + " was still waiting" + run.heldPast) + ". Once the test let the steps go, it "
                + (thrown == null ? "returned normally" : "threw " + thrown) + ". An interrupt asks the caller to"
                + " stop waiting now: let join()'s InterruptedException out at once, while the threads still run,"
                + " and do not catch it to go on waiting for them.");
    }

    private static void checkNothingThrown(TaskRun run, Throwable thrown, String call) {
        if (thrown != null) {
            StringBuilder message = new StringBuilder(call + " threw " + thrown);
            for (StackTraceElement frame : thrown.getStackTrace()) {
                if (frame.getClassName().startsWith(TwoWays.class.getName())) {
                    message.append(" at ").append(frame.getFileName()).append(':').append(frame.getLineNumber());
                    break;
                }
            }
            fail(message + (run.tasks.isEmpty() ? "." : " with " + run.describeTasks(false) + "."));
        }
    }

    private static void checkProblems(TaskRun run) {
        if (!run.problems.isEmpty()) {
            fail("With " + run.describeTasks(false) + ": " + run.problems.getFirst());
        }
    }

    private static void checkOnOneThreadRanToTheEnd(TaskRun run, Throwable thrown) {
        checkNothingThrown(run, thrown, "onOneThread()");
        checkProblems(run);
        for (StepRecord step : run.steps()) {
            if (step.thread() != run.caller) {
                fail("Step " + step.number() + " of " + step.task().name + " ran on thread '" + step.thread().getName()
                        + "', not on the thread that called onOneThread() ('" + run.caller.getName() + "'). All"
                        + " the turns happen on the calling thread.");
            }
        }
        for (Task task : run.tasks) {
            if (task.begun != task.steps) {
                fail(run.describeTasks(true) + " ran on one thread in the order " + run.trace() + ", and"
                        + " onOneThread() returned when " + task.name + " had run " + task.begun + " of its "
                        + task.steps + " steps. It returns only when every task's step() has returned false.");
            }
        }
    }

    private static void checkEachTaskOnAThreadOfItsOwn(TaskRun run) {
        checkProblems(run);
        Map<Thread, Task> owner = new LinkedHashMap<>();
        List<StepRecord> steps = run.steps();
        for (StepRecord step : steps) {
            Task task = step.task();
            if (step.thread() == run.caller) {
                fail("Step " + step.number() + " of " + task.name + " ran on the thread that called onThreads()"
                        + " ('" + run.caller.getName() + "'), not on a thread of its own."
                        + (run.runCalledDirectly ? " A thread the factory made had its run() called directly,"
                        + " which runs its body on the calling thread; start() runs it on the new thread." : ""));
            }
            if (!(step.thread() instanceof Made made) || made.run != run) {
                fail("Step " + step.number() + " of " + task.name + " ran on thread '" + step.thread().getName()
                        + "', which the factory given to onThreads() did not make. Make every thread with"
                        + " threads.newThread(...).");
            }
            Task other = owner.putIfAbsent(step.thread(), task);
            if (other != null && other != task) {
                boolean after = steps.stream().filter(s -> s.task() == other).mapToInt(steps::indexOf).max()
                        .orElse(-1) < steps.indexOf(step);
                fail("Tasks " + other.name + " and " + task.name + " both ran on thread '" + step.thread().getName()
                        + "'" + (after ? ", " + task.name + " after " + other.name + " had finished" : "")
                        + ", out of " + run.describeTasks(false) + ". Each task needs a thread of its own, made for it"
                        + " by the factory: " + (after ? "with fewer threads than tasks, some tasks cannot begin"
                        + " until others have ended." : "two tasks on one thread can only take turns."));
            }
        }
        for (Task task : run.tasks) {
            Set<Thread> threads = run.threadsOf(task);
            if (threads.size() > 1) {
                fail(task.name + "'s steps ran on " + threads.size() + " threads, " + names(threads)
                        + ". A task's thread runs all of its steps, one after another.");
            }
        }
    }

    /**
     * Checks, from what was seen the moment {@code onThreads} returned, that every task (but the one whose
     * step threw) had finished and every thread it started had ended.
     */
    private static void checkAllEndedAtReturn(TaskRun run, Task thrower) {
        List<String> unfinished = new ArrayList<>();
        for (Task task : run.tasks) {
            if (task != thrower && !run.finishedAtReturn.contains(task)) {
                unfinished.add(task.name);
            }
        }
        if (!unfinished.isEmpty()) {
            fail("onThreads() was given " + run.describeTasks(false) + " and returned while "
                    + String.join(", ", unfinished) + (unfinished.size() == 1 ? " was" : " were") + " still in"
                    + " progress" + (thrower == null ? "" : ", after " + thrower.name + "'s step " + thrower.throwsAt
                    + " had thrown") + ". It returns only once every thread it started has ended."
                    + (run.timedWaitSeen == null ? "" : " It had been waiting with a time limit" + run.timedWaitSeen
                    + ", which ran out while the task was still in its step: wait for each thread without one."));
        }
        for (Made made : run.made) {
            if (!made.wasStarted()) {
                continue;
            }
            if (made.idleInPool()) {
                fail("Thread '" + made.getName() + "' was still alive after onThreads() returned, waiting in an"
                        + " executor for more work: an executor that is never shut down keeps its threads.");
            }
            try {
                made.join(TimeUnit.NANOSECONDS.toMillis(TaskRun.HOLD_LIMIT_NANOS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (made.isAlive()) {
                fail("Thread '" + made.getName() + "' was still alive a second after onThreads() returned ("
                        + made.getState() + "). It returns only once every thread it started has ended.");
            }
        }
    }

    // ---- the model and the explanations ----

    /** The order in which taking turns runs the steps of {@code tasks}, up to a step that throws. */
    private static List<String> turns(List<Task> tasks) {
        return turns(tasks, true);
    }

    private static List<String> turns(List<Task> tasks, boolean stopAtThrow) {
        Deque<Task> ready = new ArrayDeque<>(tasks);
        Map<Task, Integer> done = new LinkedHashMap<>();
        List<String> order = new ArrayList<>();
        Task task;
        while ((task = ready.pollFirst()) != null) {
            int step = done.merge(task, 1, Integer::sum);
            order.add(task.name);
            if (stopAtThrow && step == task.throwsAt) {
                break;
            }
            if (step < task.steps) {
                ready.addLast(task);
            }
        }
        return order;
    }

    /** A task that ran all its steps in a row before some other task began, if there is one. */
    private static String firstRunToItsEnd(TaskRun run) {
        List<String> trace = run.traceList();
        for (Task task : run.tasks) {
            int first = trace.indexOf(task.name);
            int last = trace.lastIndexOf(task.name);
            if (first < 0 || last - first + 1 != task.steps) {
                continue;
            }
            for (Task other : run.tasks) {
                if (trace.indexOf(other.name) > last) {
                    return task.name + " ran all " + task.steps + " of its steps in a row before " + other.name
                            + " began: that is one task after another, not taking turns.";
                }
            }
        }
        return "";
    }

    private static String whyNotTheseTurns(TaskRun run, List<String> trace, List<String> expected) {
        int at = 0;
        while (at < trace.size() && at < expected.size() && trace.get(at).equals(expected.get(at))) {
            at++;
        }
        if (at > 0 && at < trace.size() && trace.get(at).equals(trace.get(at - 1))
                && !expected.get(at).equals(trace.get(at))) {
            return trace.get(at) + " ran two steps in a row while others were waiting. A turn is one step;"
                    + " after it the next task in the round takes its turn.";
        }
        List<String> firstRound = run.tasks.stream().map(task -> task.name).toList();
        if (run.tasks.size() > 1 && trace.size() >= firstRound.size()
                && trace.subList(0, firstRound.size()).equals(firstRound.reversed())) {
            return "The first round went from the end of the list to its start. The turns go in the order of the"
                    + " list: the first task first.";
        }
        return "They first differ at step " + (at + 1) + " of the run. Each round gives every unfinished task"
                + " one step, in the order of the list.";
    }

    private static String names(Set<Thread> threads) {
        return threads.stream().map(t -> "'" + t.getName() + "'").collect(Collectors.joining(" and "));
    }

    // ---- the rule on what onOneThread may use ----

    /** Every use of a thread, an executor or a pause in the code that {@code method} can reach in its nest. */
    private static List<String> threadingReachableFrom(String method) {
        CompiledNest nest = CompiledNest.of(TwoWays.class);
        // A method is known by its class, name and descriptor, so that overloads are told apart.
        Map<String, List<CompiledNest.Use>> byMethod = nest.uses().stream().filter(CompiledNest.Use::isMember)
                .collect(Collectors.groupingBy(use -> use.fromClass() + "." + use.from() + use.fromDescriptor(),
                        LinkedHashMap::new, Collectors.toList()));
        Set<String> nestClasses = nest.uses().stream().map(CompiledNest.Use::fromClass).collect(Collectors.toSet());
        Deque<String> todo = new ArrayDeque<>();
        for (String unit : byMethod.keySet()) {
            if (unit.startsWith(TwoWays.class.getName() + "." + method + "(")) {
                todo.add(unit);
            }
        }
        Set<String> seen = new HashSet<>();
        Set<String> uses = new LinkedHashSet<>();
        while (!todo.isEmpty()) {
            String unit = todo.poll();
            if (!seen.add(unit)) {
                continue;
            }
            // Calls, field accesses and method references alike: a lambda's body is reached by its reference.
            for (CompiledNest.Use use : byMethod.getOrDefault(unit, List.of())) {
                if (isThreading(use.owner(), use.name())) {
                    uses.add(use.target() + " at " + use.place());
                }
                if (nestClasses.contains(use.owner())) {
                    todo.add(use.owner() + "." + use.name() + use.descriptor());
                }
            }
        }
        return new ArrayList<>(uses);
    }

    private static boolean isThreading(String name, String member) {
        // The pauses: none starts a thread, but each gives the thread up instead of stepping the next task.
        if ((name.equals("java.util.concurrent.TimeUnit") && member.startsWith("sleep"))
                || (name.equals("java.util.concurrent.TimeUnit") && member.startsWith("timed"))
                || name.equals("java.util.concurrent.locks.LockSupport")
                || (name.equals("java.lang.Object") && member.equals("wait"))) {
            return true;
        }
        if ((name.startsWith("java.lang.Thread") && !name.startsWith("java.lang.ThreadLocal"))
                || name.startsWith("java.util.Timer")
                || member.equals("parallelStream") || member.equals("parallel")) {
            return true;
        }
        if (name.startsWith("java.util.concurrent.")) {
            String simple = name.substring(Math.max(name.lastIndexOf('.'), name.lastIndexOf('$')) + 1);
            return !name.startsWith("java.util.concurrent.atomic.") && !name.startsWith("java.util.concurrent.locks.")
                    && !simple.endsWith("Queue") && !simple.endsWith("Deque") && !simple.endsWith("Map")
                    && !simple.endsWith("Set") && !simple.endsWith("List") && !simple.equals("TimeUnit");
        }
        return false;
    }
}
