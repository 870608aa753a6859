package dev.tutor.exercises.multitasking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.lang.syntax.ArchRuleDefinition;

import dev.tutor.exercises.multitasking.BudgetedScheduler.Overrun;
import dev.tutor.exercises.multitasking.BudgetedScheduler.Report;
import dev.tutor.exercises.support.CompiledNest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Grades {@link BudgetedScheduler}. The tests run in the order of the exercise: taking turns and timing
 * each step (hint 1), stopping a task that is greedy three turns in a row (hint 2), then the finer points
 * (hint 3), so the first failure names the first thing to fix.
 *
 * <p>Each test carries {@code @Tag("hint:N")}: when it fails, the tutor offers hint N of the exercise's
 * entry in the course manifest. Time here is a fake clock that only the tasks' steps move: a step that
 * "computes for 150 ms" adds 150 to it and returns at once. Nothing sleeps and no thread is started, so
 * every test knows exactly which step took how long, and the whole class runs in a few milliseconds.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = TimeUnit.SECONDS)
class BudgetedSchedulerTest {

    /** The budget of every scheduler here, asyncio's default slow_callback_duration. */
    private static final long BUDGET = 100;

    /** The fake clock, in milliseconds. Only the tasks' steps move it. */
    private long now;
    /** Every step that really ran, in order, as the tasks themselves saw it. */
    private final List<Ran> ran = new ArrayList<>();

    private record Ran(String task, long millis) {}

    private final BudgetedScheduler scheduler = new BudgetedScheduler(() -> now, BUDGET);

    /**
     * A rule read off the compiled class: the scheduler tells time only by the clock it was given (the
     * tests' fake clock) and starts no thread. Runs first, so a learner who reads the system clock hears
     * why before the overrun tests fail for it.
     */
    @Test
    @Order(0)
    @Tag("hint:1")
    void timesStepsOnlyByTheClockItWasGiven() {
        JavaClasses classes = CompiledNest.of(BudgetedScheduler.class);
        EvaluationResult clocks = ArchRuleDefinition.noClasses()
                .should().callMethod(System.class, "nanoTime")
                .orShould().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(Instant.class, "now")
                .evaluate(classes);
        if (clocks.hasViolation()) {
            fail("BudgetedScheduler reads a clock of its own: " + details(clocks) + ". Time every step with"
                    + " clockMillis, the clock the constructor was given: the tests pass a fake clock that only"
                    + " the steps move, and a real clock sees every step take no time at all.");
        }
        EvaluationResult threads = ArchRuleDefinition.noClasses()
                .should().dependOnClassesThat(JavaClass.Predicates.assignableTo(Thread.class)
                        .or(JavaClass.Predicates.resideInAPackage("java.util.concurrent..")))
                .evaluate(classes);
        if (threads.hasViolation()) {
            fail("BudgetedScheduler uses threads: " + details(threads) + ". A cooperative scheduler cannot"
                    + " take the thread back from a step, and needs no other thread to notice a greedy one:"
                    + " it reads the clock before and after each step, on the thread that called run().");
        }
    }

    private static String details(EvaluationResult result) {
        return String.join("; ", result.getFailureReport().getDetails());
    }

    @Test
    @Order(1)
    @Tag("hint:1")
    void takesTurnsInTheOrderTheTasksWereSpawned() {
        scheduler.spawn("A", task("A", 10, 10));
        scheduler.spawn("B", task("B", 10, 10));
        scheduler.spawn("C", task("C", 10));

        Report report = runChecked();

        List<String> expected = List.of("A", "B", "C", "A", "B");
        assertEquals(expected, report.trace(),
                () -> "Tasks of 2, 2 and 1 steps, spawned in the order A, B, C, should take turns, one step per"
                        + " turn: " + show(expected) + ". run() stepped them " + show(report.trace()) + ". "
                        + whyNoTurns(report.trace()));
        assertEquals(List.of(), report.overruns(),
                () -> "Every step took 10 ms, well within the 100 ms budget, yet run() reported the overruns "
                        + showOverruns(report.overruns()) + ". " + whyTheseOverruns(List.of(), report.overruns()));
    }

    @Test
    @Order(2)
    @Tag("hint:1")
    void reportsTheStepThatHeldTheThreadTooLong() {
        scheduler.spawn("A", task("A", 20, 20));
        scheduler.spawn("G", task("G", 150, 20));
        scheduler.spawn("B", task("B", 20, 20));

        Report report = runChecked();

        List<Overrun> expected = List.of(new Overrun("G", 150));
        assertEquals(expected, report.overruns(),
                () -> "G's first step held the thread for 150 ms, over the 100 ms budget, while A and B waited;"
                        + " every other step took 20 ms. The report should name that one step, "
                        + showOverruns(expected) + ", but it has " + showOverruns(report.overruns()) + ". "
                        + whyTheseOverruns(expected, report.overruns()));
    }

    @Test
    @Order(3)
    @Tag("hint:1")
    void aLongTaskMadeOfShortStepsIsNotGreedy() {
        scheduler.spawn("L", task("L", 60, 60, 60, 60, 60));
        scheduler.spawn("A", task("A", 10, 10));

        Report report = runChecked();

        assertEquals(List.of(), report.overruns(),
                () -> "L ran for 300 ms in all, in five steps of 60 ms, and gave the thread back after each of"
                        + " them, so A never waited more than 60 ms. That is a fair task, yet run() reported "
                        + showOverruns(report.overruns()) + ". " + whyTheseOverruns(List.of(), report.overruns()));
        assertEquals(List.of(), report.stopped(),
                () -> "No step of L or A ran over budget, yet run() stopped " + report.stopped() + ". Only a"
                        + " step over budget counts as greedy, never the time a task has used in all.");
        List<String> expected = List.of("L", "A", "L", "A", "L", "L", "L");
        assertEquals(expected, report.trace(),
                () -> "L (5 steps) and A (2 steps) take turns until A has finished, then L runs alone: "
                        + show(expected) + ". run() stepped " + show(report.trace()) + ". One step per turn,"
                        + " from the front of the queue; a task with more to do goes to the back.");
    }

    @Test
    @Order(4)
    @Tag("hint:1")
    void reportsEveryOverrunInTheOrderTheyRan() {
        scheduler.spawn("G", task("G", 150, 20, 120));
        scheduler.spawn("H", task("H", 20, 200));
        scheduler.spawn("A", task("A", 10, 10, 10));

        Report report = runChecked();

        List<Overrun> expected = List.of(new Overrun("G", 150), new Overrun("H", 200), new Overrun("G", 120));
        assertEquals(expected, report.overruns(),
                () -> "The steps ran G(150) H(20) A(10) G(20) H(200) A(10) G(120) A(10), in ms, so three of them"
                        + " ran over the 100 ms budget: " + showOverruns(expected) + ". run() reported "
                        + showOverruns(report.overruns()) + ". " + whyTheseOverruns(expected, report.overruns()));
    }

    @Test
    @Order(5)
    @Tag("hint:2")
    void stopsATaskThatIsGreedyThreeTurnsInARow() {
        scheduler.spawn("A", task("A", 10, 10, 10, 10, 10));
        scheduler.spawn("G", task("G", 150, 150, 150, 150, 150, 150));
        scheduler.spawn("B", task("B", 10, 10, 10, 10, 10));

        Report report = runChecked();

        assertEquals(List.of("G"), report.stopped(),
                () -> "G ran over budget on each of its turns, with A's and B's fair turns in between. After its"
                        + " third greedy turn in a row it should be stopped, and the report's stopped list should"
                        + " be [G]; it is " + report.stopped() + ", and G ran " + count(report.trace(), "G")
                        + " of its 6 steps. " + whyNotStopped(report));
        List<String> expected = List.of("A", "G", "B", "A", "G", "B", "A", "G", "B", "A", "B", "A", "B");
        assertEquals(expected, report.trace(),
                () -> "Once G is stopped after its third turn, A and B take their turns without it: "
                        + show(expected) + ". run() stepped " + show(report.trace()) + ". A stopped task is"
                        + " not put back in the queue, and the others carry on in their order.");
        assertEquals(List.of(new Overrun("G", 150), new Overrun("G", 150), new Overrun("G", 150)),
                report.overruns(), () -> "G's three greedy steps are each reported as an overrun before G is"
                        + " stopped; run() reported " + showOverruns(report.overruns()) + ".");
    }

    @Test
    @Order(6)
    @Tag("hint:2")
    void forgivesAGreedyTaskThatYieldsInTimeBetweenItsGreedyTurns() {
        scheduler.spawn("G", task("G", 150, 150, 20, 150, 150, 20, 150));
        scheduler.spawn("A", task("A", 10, 10, 10, 10, 10, 10, 10));

        Report report = runChecked();

        assertEquals(List.of(), report.stopped(),
                () -> "G's steps took 150, 150, 20, 150, 150, 20 and 150 ms: five of them greedy, but never three"
                        + " in a row, because each 20 ms turn in between gave the thread back in time. G should"
                        + " run to its end, yet run() stopped " + report.stopped() + " after G ran "
                        + count(report.trace(), "G") + " steps. \"In a row\" means that a turn within budget"
                        + " sets the task's count of greedy turns back to 0; counting every greedy turn ever"
                        + " stops a task for overruns long forgiven.");
        assertEquals(7, count(report.trace(), "G"), () -> "G should have run all 7 of its steps; it ran "
                + count(report.trace(), "G") + ". Trace: " + show(report.trace()) + ".");
    }

    @Test
    @Order(7)
    @Tag("hint:2")
    void countsGreedyTurnsForEachTaskOnItsOwn() {
        scheduler.spawn("X", task("X", 150, 150, 20, 20));
        scheduler.spawn("Y", task("Y", 150, 150, 20, 20));

        Report report = runChecked();

        assertEquals(List.of(), report.stopped(),
                () -> "X and Y each ran over budget on their first two turns, then kept within it: the steps ran"
                        + " X(150) Y(150) X(150) Y(150) X(20) Y(20) X(20) Y(20), in ms. Neither was greedy three"
                        + " turns in a row, yet run() stopped " + report.stopped() + ". Three greedy turns in a"
                        + " row of the scheduler are not three of one task: each task needs a count of its own,"
                        + " kept with the task between its turns.");
        assertEquals(List.of("X", "Y", "X", "Y", "X", "Y", "X", "Y"), report.trace(),
                () -> "Neither task is greedy three turns in a row, so both run to their end, taking turns:"
                        + " X Y X Y X Y X Y. run() stepped " + show(report.trace()) + ".");
    }

    @Test
    @Order(8)
    @Tag("hint:3")
    void aStepThatUsesExactlyItsBudgetIsWithinIt() {
        scheduler.spawn("A", task("A", 100, 100, 100, 100));
        scheduler.spawn("B", task("B", 101));

        Report report = runChecked();

        assertEquals(List.of(new Overrun("B", 101)), report.overruns(),
                () -> "A's steps took exactly the 100 ms budget, which is within it; B's step took 101 ms,"
                        + " which is over. The report should hold B's step only, " + showOverruns(List.of(
                        new Overrun("B", 101))) + ", but it has " + showOverruns(report.overruns()) + ". Over"
                        + " budget means more than budgetMillis: compare with >, not >=.");
        assertEquals(List.of(), report.stopped(), () -> "A was never over budget, yet run() stopped "
                + report.stopped() + ".");
    }

    @Test
    @Order(9)
    @Tag("hint:3")
    void aTaskThatFinishesOnItsThirdGreedyTurnIsNotStopped() {
        scheduler.spawn("G", task("G", 150, 150, 150));
        scheduler.spawn("A", task("A", 10));

        Report report = runChecked();

        assertEquals(List.of(), report.stopped(),
                () -> "G's third greedy step was also its last: it returned false, so G had finished. A finished"
                        + " task is not stopped, because there is nothing left to stop, yet run() listed "
                        + report.stopped() + " as stopped. Look at what step() returned before you decide to"
                        + " stop a task.");
        assertEquals(3, report.overruns().size(), () -> "Each of G's three steps took 150 ms and is an overrun;"
                + " run() reported " + showOverruns(report.overruns()) + ".");
    }

    @Test
    @Order(10)
    @Tag("hint:3")
    void aTaskSpawnedWhileRunningWaitsItsTurnAndIsTimedToo() {
        Steps a = task("A", 10, 10);
        scheduler.spawn("A", () -> {
            if (a.done == 0) {
                scheduler.spawn("C", task("C", 130));
            }
            return a.step();
        });
        scheduler.spawn("B", task("B", 10, 10));

        Report report = runChecked();

        List<String> expected = List.of("A", "B", "C", "A", "B");
        assertEquals(expected, report.trace(),
                () -> "A's first step spawned C while the scheduler was running. C joins the back of the queue,"
                        + " behind B, and A goes back behind C: " + show(expected) + ". run() stepped "
                        + show(report.trace()) + ". Take the next task from the live queue on every turn.");
        assertEquals(List.of(new Overrun("C", 130)), report.overruns(),
                () -> "C, spawned during the run, took 130 ms in its one step and is timed like every other task;"
                        + " run() reported " + showOverruns(report.overruns()) + ".");
    }

    @Test
    @Order(11)
    @Tag("hint:3")
    void aSchedulerWithNoTasksReturnsAnEmptyReport() {
        Report report = runChecked();

        assertEquals(new Report(List.of(), List.of(), List.of()), report,
                () -> "No task was spawned, yet run() returned " + report + ".");
    }

    // ---- helpers ----

    /** Runs the scheduler and checks that its trace names exactly the steps that ran. */
    private Report runChecked() {
        Report report = scheduler.run();
        assertNotNull(report, "run() returned null; return a Report of the trace, the overruns and the stopped"
                + " tasks.");
        List<String> stepped = ran.stream().map(Ran::task).toList();
        if (!report.trace().isEmpty() || !stepped.isEmpty()) {
            assertEquals(stepped, report.trace(),
                    () -> "The tasks' steps ran in the order " + show(stepped) + ", but run() returned the"
                            + " trace " + show(report.trace()) + ". Add the task's name to the trace once per"
                            + " turn, for the step you run in that turn.");
        }
        return report;
    }

    /** A task whose steps take the given times, in ms, on the fake clock. */
    private Steps task(String name, long... millis) {
        return new Steps(name, millis);
    }

    /** A step function that moves the fake clock and fails loudly if stepped after it finished. */
    private final class Steps implements BudgetedScheduler.Step {
        private final String name;
        private final long[] millis;
        private int done;

        Steps(String name, long[] millis) {
            this.name = name;
            this.millis = millis;
        }

        @Override
        public boolean step() {
            if (done >= millis.length) {
                throw new IllegalStateException("Task " + name + " returned false after its step " + millis.length
                        + " (it had finished), yet it was stepped again. A task whose step() returns false is"
                        + " done: do not put it back in the queue.");
            }
            now += millis[done];
            ran.add(new Ran(name, millis[done]));
            done++;
            return done < millis.length;
        }
    }

    /** Explains how the reported overruns differ from the expected ones, using the steps that really ran. */
    private String whyTheseOverruns(List<Overrun> expected, List<Overrun> actual) {
        for (Overrun overrun : actual) {
            List<Long> steps = ran.stream().filter(r -> r.task().equals(overrun.task())).map(Ran::millis).toList();
            if (steps.isEmpty()) {
                return "No step of a task named " + overrun.task() + " ran. Report the name of the task whose"
                        + " step ran over.";
            }
            long longest = steps.stream().mapToLong(Long::longValue).max().orElseThrow();
            if (overrun.millis() > longest) {
                return "The report says " + overrun.task() + " held the thread for " + overrun.millis()
                        + " ms, but its longest step took " + longest + " ms: " + overrun.millis() + " ms is"
                        + " more than one step. The budget is for one step, the time it held the thread while"
                        + " everyone else waited. Measure each step on its own, from just before step() to just"
                        + " after it returns, not from a clock read once for the whole run or added up over"
                        + " the whole task.";
            }
            if (!steps.contains(overrun.millis())) {
                return "The report says " + overrun.task() + " held the thread for " + overrun.millis()
                        + " ms, but none of its steps took that long; they took " + steps + " ms. Measure each"
                        + " step from just before step() to just after it returns.";
            }
            if (overrun.millis() <= BUDGET) {
                return overrun.task() + "'s step of " + overrun.millis() + " ms is within the " + BUDGET
                        + " ms budget. Over budget means more than budgetMillis.";
            }
        }
        if (actual.isEmpty()) {
            return "Nothing was reported. Time every step: read the clock just before step() and again just"
                    + " after it returns, and add an Overrun with the task's name and the difference when it is"
                    + " more than the budget.";
        }
        List<Overrun> missing = new ArrayList<>(expected);
        actual.forEach(missing::remove);
        if (!missing.isEmpty()) {
            return "Missing: " + showOverruns(missing) + ". Check every step as soon as it returns, and report"
                    + " each one that ran over, not only one per task or one per run.";
        }
        return "Report the overruns in the order the steps ran, each as soon as its step returns.";
    }

    private static String whyNotStopped(Report report) {
        if (report.overruns().isEmpty()) {
            return "No overrun was reported either: time each step first (hint 1).";
        }
        if (report.stopped().isEmpty()) {
            return "Each task must remember how many of its turns in a row ran over budget, and the turns of"
                    + " other tasks in between must not wipe that count: keep it with the task, not in one"
                    + " variable of run(). When it reaches GREEDY_TURNS_TO_STOP, do not queue the task again"
                    + " and add its name to the stopped list.";
        }
        return "Stop the task after its third greedy turn in a row, not before and not later.";
    }

    private static String whyNoTurns(List<String> trace) {
        if (trace.isEmpty()) {
            return "Nothing ran at all: spawn() must put each task in the ready queue, and run() must take"
                    + " tasks from its front until it is empty, calling step() once per turn.";
        }
        for (int i = 1; i < trace.size(); i++) {
            if (trace.get(i).equals(trace.get(i - 1))) {
                return "Task " + trace.get(i) + " ran two steps in a row while others were waiting. A turn is one"
                        + " call to step(); after it, a task with more to do goes to the back of the queue.";
            }
        }
        return "The ready queue is first in, first out: add at the back (addLast) and take from the front"
                + " (pollFirst).";
    }

    private static long count(List<String> trace, String task) {
        return trace.stream().filter(task::equals).count();
    }

    private static String show(List<String> trace) {
        return trace.isEmpty() ? "(nothing)" : String.join(" ", trace);
    }

    private static String showOverruns(List<Overrun> overruns) {
        return overruns.isEmpty() ? "(none)"
                : overruns.stream().map(o -> o.task() + " " + o.millis() + " ms").collect(Collectors.joining(", "));
    }
}
