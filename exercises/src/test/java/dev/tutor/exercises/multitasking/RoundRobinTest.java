package dev.tutor.exercises.multitasking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.lang.syntax.ArchRuleDefinition;

import dev.tutor.exercises.support.CompiledNest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Grades {@link RoundRobin}. The tests run in the order of the exercise: the queue's order first
 * (hint 1), then taking turns (hint 2), then the finer points (hint 3), so the first failure names the
 * first thing to fix.
 *
 * <p>Each test carries {@code @Tag("hint:N")}: when it fails, the tutor offers hint N of the exercise's
 * entry in the course manifest. No test needs a thread or a clock: a cooperative scheduler is
 * deterministic, so every test knows the exact order in which the steps must run.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = TimeUnit.SECONDS)
class RoundRobinTest {

    /** Every step that really ran, in order, as the tasks themselves saw it. */
    private final List<String> stepped = new ArrayList<>();
    /** The thread each step ran on. */
    private final List<Thread> threads = new ArrayList<>();

    /**
     * A rule read off the compiled class rather than from a run: the scheduler starts, borrows and pauses
     * no thread. Runs first, so a learner who reaches for a thread hears why before anything else.
     */
    @Test
    @Order(0)
    @Tag("hint:2")
    void usesNoThreadsOnlyTheCallersTurns() {
        DescribedPredicate<JavaClass> threading = JavaClass.Predicates.assignableTo(Thread.class)
                .or(JavaClass.Predicates.resideInAPackage("java.util.concurrent.."));
        EvaluationResult result = ArchRuleDefinition.noClasses()
                .should().dependOnClassesThat(threading)
                .evaluate(CompiledNest.of(RoundRobin.class));
        if (result.hasViolation()) {
            fail("RoundRobin uses threads: " + String.join("; ", result.getFailureReport().getDetails())
                    + ". A cooperative scheduler needs none: run() calls each task's step itself, on the"
                    + " thread that called run(), and a task hands the thread back by returning from step()."
                    + " Thread.yield() or Thread.sleep() between turns only asks the operating system to run"
                    + " some other thread; the tasks in your queue take turns only when run() steps them.");
        }
    }

    @Test
    @Order(1)
    @Tag("hint:1")
    void startsTasksInTheOrderTheyWereSpawned() {
        RoundRobin scheduler = new RoundRobin();
        scheduler.spawn("A", task("A", 1));
        scheduler.spawn("B", task("B", 1));
        scheduler.spawn("C", task("C", 1));

        List<String> trace = runChecked(scheduler);

        assertEquals(List.of("A", "B", "C"), trace,
                () -> "Three one-step tasks were spawned in the order A, B, C, and run() stepped them in the"
                        + " order " + show(trace) + ". " + whyNotFifo(trace, List.of("A", "B", "C")));
    }

    @Test
    @Order(2)
    @Tag("hint:2")
    void takesTurnsOneStepEach() {
        RoundRobin scheduler = new RoundRobin();
        scheduler.spawn("A", task("A", 2));
        scheduler.spawn("B", task("B", 2));
        scheduler.spawn("C", task("C", 2));

        List<String> trace = runChecked(scheduler);

        List<String> expected = List.of("A", "B", "C", "A", "B", "C");
        assertEquals(expected, trace,
                () -> "Three tasks of two steps each should take turns, " + show(expected) + ", but run()"
                        + " stepped them " + show(trace) + ". " + whyNoTurns(trace));
    }

    @Test
    @Order(3)
    @Tag("hint:2")
    void takesTurnsUntilTheLongestTaskFinishes() {
        RoundRobin scheduler = new RoundRobin();
        scheduler.spawn("A", task("A", 3));
        scheduler.spawn("B", task("B", 1));
        scheduler.spawn("C", task("C", 2));

        List<String> trace = runChecked(scheduler);

        List<String> expected = List.of("A", "B", "C", "A", "C", "A");
        assertEquals(expected, trace,
                () -> "Tasks of 3, 1 and 2 steps: after the first round B has finished and leaves the queue,"
                        + " A and C keep taking turns, and A runs its last step alone: " + show(expected)
                        + ". run() stepped them " + show(trace) + ". " + whyNoTurns(trace));
    }

    @Test
    @Order(4)
    @Tag("hint:3")
    void aTaskSpawnedWhileRunningWaitsBehindTheOthers() {
        RoundRobin scheduler = new RoundRobin();
        Counter a = new Counter("A", 2);
        scheduler.spawn("A", () -> {
            if (a.done == 0) {
                scheduler.spawn("C", task("C", 1));
            }
            return a.step();
        });
        scheduler.spawn("B", task("B", 2));

        List<String> trace = runChecked(scheduler);

        List<String> expected = List.of("A", "B", "C", "A", "B");
        assertEquals(expected, trace,
                () -> "A's first step spawned C while the scheduler was running. C joins the back of the"
                        + " queue, behind B, and A goes back behind C: " + show(expected) + ". run() stepped "
                        + show(trace) + ". Take the next task from the live queue on every turn, so tasks"
                        + " spawned during run() are found, instead of looping over a copy made at the start.");
    }

    @Test
    @Order(5)
    @Tag("hint:3")
    void runsEveryStepOnTheCallingThread() {
        RoundRobin scheduler = new RoundRobin();
        scheduler.spawn("A", task("A", 3));
        scheduler.spawn("B", task("B", 3));

        runChecked(scheduler);

        Thread caller = Thread.currentThread();
        for (int i = 0; i < threads.size(); i++) {
            Thread t = threads.get(i);
            int index = i;
            assertEquals(caller, t,
                    () -> "Step " + (index + 1) + " (" + stepped.get(index) + ") ran on thread '" + t.getName()
                            + "', not on the thread that called run() ('" + caller.getName() + "'). A"
                            + " cooperative scheduler needs no threads: it calls each step itself, one"
                            + " after another, and the task hands the thread back by returning.");
        }
    }

    @Test
    @Order(6)
    @Tag("hint:3")
    void aSchedulerWithNoTasksReturnsAnEmptyTrace() {
        List<String> trace = runChecked(new RoundRobin());

        assertEquals(List.of(), trace, () -> "No task was spawned, yet run() returned " + show(trace) + ".");
    }

    // ---- helpers ----

    /** Runs the scheduler and checks that its trace names exactly the steps that ran. */
    private List<String> runChecked(RoundRobin scheduler) {
        List<String> trace = scheduler.run();
        assertNotNull(trace, "run() returned null; return the list of task names, one per step run.");
        if (!trace.isEmpty() || !stepped.isEmpty()) {
            assertEquals(stepped, trace,
                    () -> "The tasks' steps ran in the order " + show(stepped) + ", but run() returned the"
                            + " trace " + show(trace) + ". Add the task's name to the trace once per turn,"
                            + " for the step you run in that turn.");
        }
        return trace;
    }

    /** A task that records its steps and says it has more to do until it has run {@code steps} times. */
    private Counter task(String name, int steps) {
        return new Counter(name, steps);
    }

    /** A step function with a fixed number of steps that fails loudly if stepped after it finished. */
    private final class Counter implements RoundRobin.Step {
        private final String name;
        private final int steps;
        private int done;

        Counter(String name, int steps) {
            this.name = name;
            this.steps = steps;
        }

        @Override
        public boolean step() {
            if (done >= steps) {
                throw new IllegalStateException("Task " + name + " returned false after its step " + steps
                        + " (it had finished), yet it was stepped again. A task whose step() returns false"
                        + " is done: do not put it back in the queue.");
            }
            done++;
            stepped.add(name);
            threads.add(Thread.currentThread());
            return done < steps;
        }
    }

    private static String whyNotFifo(List<String> trace, List<String> spawned) {
        if (trace.isEmpty()) {
            return "Nothing ran at all: spawn() must put each task in the ready queue, and run() must take"
                    + " tasks from it until it is empty, calling step() once per turn.";
        }
        if (trace.equals(spawned.reversed())) {
            return "That is the reverse: the task spawned last ran first. The ready queue must be FIFO,"
                    + " first in, first out: add at the back (addLast) and take from the front (pollFirst"
                    + " or poll). Taking from the back, like Python's deque.pop() or Java's pollLast(), or"
                    + " using push() with pop(), makes it a stack (LIFO).";
        }
        return "The first task spawned must be the first to run: add at the back of the queue and take"
                + " from the front.";
    }

    private static String whyNoTurns(List<String> trace) {
        for (int i = 1; i < trace.size(); i++) {
            if (trace.get(i).equals(trace.get(i - 1))) {
                return "Task " + trace.get(i) + " ran two steps in a row while others were waiting. A turn is"
                        + " one call to step(); after it, a task with more to do goes to the back of the"
                        + " queue, behind the tasks that are waiting.";
            }
        }
        return "Run one step per turn, then put the task back at the end of the queue if step() returned"
                + " true.";
    }

    private static String show(List<String> trace) {
        return trace.isEmpty() ? "(nothing)" : String.join(" ", trace);
    }
}
