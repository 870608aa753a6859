package dev.tutor.exercises.multitasking;

import static dev.tutor.exercises.multitasking.BudgetPlan.labels;
import static dev.tutor.exercises.multitasking.BudgetScenario.randomScenario;
import static dev.tutor.exercises.multitasking.StepTimes.budget;
import static dev.tutor.exercises.multitasking.StepTimes.fair;
import static dev.tutor.exercises.multitasking.StepTimes.slow;
import static dev.tutor.exercises.multitasking.StepTimes.start;
import static dev.tutor.exercises.multitasking.StepTimes.times;
import static dev.tutor.exercises.multitasking.TaskNames.cycle;
import static dev.tutor.exercises.multitasking.TaskNames.distinctNames;
import static dev.tutor.exercises.multitasking.TaskNames.fewNames;
import static dev.tutor.exercises.multitasking.TaskNames.pick;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tutor.exercises.multitasking.BudgetModel.Rule;
import dev.tutor.exercises.multitasking.BudgetedScheduler.Report;
import dev.tutor.exercises.support.CompiledNest;
import dev.tutor.exercises.support.Seeded;
import java.time.Clock;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Grades {@link BudgetedScheduler}. The tests run in the order of the exercise: taking turns without
 * stopping anyone, by the given clock only, and reporting every slow step (hint 1); then how long each task
 * waited for its turns (hint 2); then a step that throws and the edges (hint 3). The first failure names the
 * first thing to fix.
 *
 * <p>Time is a fake clock that only the test moves: a step that "computes for 150 ms" adds 150 to it and
 * returns at once, and the clock may also move between two spawns, or before run(). Nothing sleeps and no
 * thread is started, so a model of the scheduler knows every step's time and every wait exactly. The
 * budgets, step times, names (duplicates too), numbers of greedy tasks and the tasks spawned from inside a
 * step come from a seeded generator, and each test also meets the edges a shortcut gets wrong: a step of
 * exactly the budget, a long task of short steps, a task spawned in the middle of a greedy step.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 10, unit = TimeUnit.SECONDS)
@ExtendWith(Seeded.class)
class BudgetedSchedulerTest {

    /** The fake clock, in milliseconds. Only the test moves it. */
    private final FakeClock clock = new FakeClock();

    @Test
    @Order(1)
    @Tag("hint:1")
    void takesTurnsAndStopsNobody(Random random) {
        List<BudgetScenario> scenarios = new ArrayList<>();
        // Every seed meets a task that is greedy on every one of four or more turns, among fair ones.
        long budget = budget(random);
        BudgetScenario greedy = new BudgetScenario(distinctNames(random), budget, start(random));
        greedy.task(fair(random, budget), fair(random, budget));
        greedy.task(times(4 + random.nextInt(4), () -> slow(random, budget)));
        greedy.task(fair(random, budget), fair(random, budget), fair(random, budget));
        scenarios.add(greedy);
        for (int sample = 0; sample < 60; sample++) {
            scenarios.add(randomScenario(random, distinctNames(random), false));
        }
        for (BudgetScenario scenario : scenarios) {
            run(scenario).checkTrace();
        }
    }

    /**
     * A rule read off the compiled class: the scheduler tells time only by the clock it was given (the
     * tests' fake clock) and starts no thread. It runs before the slow steps are checked, so that a learner
     * who reads the system clock hears why rather than that nothing was slow.
     */
    @Test
    @Order(2)
    @Tag("hint:1")
    void tellsTimeOnlyByTheClockItWasGiven() {
        CompiledNest nest = CompiledNest.of(BudgetedScheduler.class);
        var clocks = CompiledNest.forbiddenUses(nest, use -> {
            if (use.isMember() && ((use.owner().equals(System.class.getName())
                    && (use.name().equals("nanoTime") || use.name().equals("currentTimeMillis")))
                    || (use.owner().equals(Instant.class.getName()) && use.name().equals("now")))) {
                return "a clock of its own";
            }
            // Any class named counts: a Clock field or parameter is a clock, whichever member reads it.
            return use.ownerIsA(InstantSource.class) || use.ownerIsA(Clock.class) ? "a clock of its own" : null;
        });
        if (!clocks.isEmpty()) {
            fail("BudgetedScheduler reads a clock of its own: " + String.join("; ", clocks) + ". Time every step and"
                    + " every wait with clockMillis, the clock the constructor was given: the tests pass a fake clock"
                    + " that only they move, and any other clock sees every step take no time at all.");
        }
        var threads = CompiledNest.forbiddenUses(nest, use -> use.ownerIsA(Thread.class) ? "a thread"
                : use.owner().startsWith("java.util.concurrent.") ? "java.util.concurrent" : null);
        if (!threads.isEmpty()) {
            fail("BudgetedScheduler uses threads: " + String.join("; ", threads) + ". A cooperative scheduler cannot"
                    + " take the thread back from a step, and needs no other thread to notice a slow one: it"
                    + " reads the clock before and after each step, on the thread that called run().");
        }
    }

    @Test
    @Order(3)
    @Tag("hint:1")
    void reportsEveryStepThatTookTheBudgetOrLonger(Random random) {
        List<BudgetScenario> scenarios = new ArrayList<>();
        // Every seed meets: a step of exactly the budget and one a millisecond under it, a long task of
        // short steps, a fair task right after a greedy one, and a greedy and a fair task of one name.
        long budget = 20 + random.nextInt(400);
        BudgetScenario edges = new BudgetScenario(cycle(pick(random, 3)), budget, start(random));
        edges.task(times(3 + random.nextInt(3), () -> budget / 2 + random.nextLong(budget / 2)));
        edges.task(budget, budget - 1, budget + 1 + random.nextLong(budget));
        edges.task(fair(random, budget), 0, fair(random, budget));
        edges.task(fair(random, budget), slow(random, budget));
        edges.task(fair(random, budget));
        scenarios.add(edges);
        BudgetScenario one = new BudgetScenario(distinctNames(random), 1, start(random));
        one.task(0, 1, 0);
        one.task(0, 0);
        scenarios.add(one);
        for (int sample = 0; sample < 80; sample++) {
            scenarios.add(randomScenario(random, sample % 3 == 0 ? fewNames(random) : distinctNames(random),
                    sample % 2 == 0));
        }
        for (BudgetScenario scenario : scenarios) {
            BudgetedRun outcome = run(scenario);
            outcome.checkTrace();
            outcome.checkSlowSteps();
        }
    }

    @Test
    @Order(4)
    @Tag("hint:2")
    void reportsTheLongestWaitOfEveryTask(Random random) {
        List<BudgetScenario> scenarios = new ArrayList<>();
        // The lesson's demo: a greedy task between two fair ones, all spawned at one instant.
        long budget = budget(random);
        BudgetScenario demo = new BudgetScenario(distinctNames(random), budget, start(random));
        long step = 1 + random.nextInt(10);
        demo.task(times(3 + random.nextInt(3), () -> step));
        demo.task(slow(random, budget));
        demo.task(times(3 + random.nextInt(3), () -> step));
        scenarios.add(demo);
        // Two tasks of one name that finish in the other order from the one they were spawned in.
        BudgetScenario twins = new BudgetScenario(cycle(pick(random, 1)), budget, start(random));
        twins.task(times(3 + random.nextInt(3), () -> fair(random, budget)));
        twins.task(fair(random, budget), slow(random, budget));
        scenarios.add(twins);
        for (int sample = 0; sample < 60; sample++) {
            scenarios.add(randomScenario(random, sample % 3 == 0 ? fewNames(random) : distinctNames(random),
                    false));
        }
        for (BudgetScenario scenario : scenarios) {
            BudgetedRun outcome = run(scenario);
            outcome.checkTrace();
            outcome.checkSlowSteps();
            outcome.checkWaits();
        }
    }

    @Test
    @Order(5)
    @Tag("hint:2")
    void aTaskIsReadyFromTheMomentItIsSpawned(Random random) {
        List<BudgetScenario> scenarios = new ArrayList<>();
        long budget = budget(random);
        // The clock moves between the spawns and before run(): the first task waits longest for its first turn.
        BudgetScenario early = new BudgetScenario(distinctNames(random), budget, start(random));
        early.task(fair(random, budget), 0);
        early.task(0).spawnedAfter = 1 + random.nextInt(500);
        early.runAfter = 1 + random.nextInt(500);
        scenarios.add(early);
        // A task spawned early in a greedy step waits for the rest of that step too.
        BudgetScenario midStep = new BudgetScenario(distinctNames(random), budget, start(random));
        BudgetPlan greedy = midStep.task(budget + random.nextLong(2 * budget), fair(random, budget));
        midStep.task(0);
        midStep.child(greedy, 1, random.nextLong(greedy.millis(1) / 2 + 1), 0);
        scenarios.add(midStep);
        for (int sample = 0; sample < 60; sample++) {
            scenarios.add(randomScenario(random, sample % 3 == 0 ? fewNames(random) : distinctNames(random),
                    true));
        }
        for (BudgetScenario scenario : scenarios) {
            BudgetedRun outcome = run(scenario);
            outcome.checkTrace();
            outcome.checkSlowSteps();
            outcome.checkWaits();
        }
    }

    @Test
    @Order(6)
    @Tag("hint:3")
    void aStepThatThrowsEndsTheRunWithItsOwnException(Random random) {
        for (int sample = 0; sample < 30; sample++) {
            BudgetScenario scenario = randomScenario(random, distinctNames(random), true);
            BudgetModel model = new BudgetModel(scenario, Rule.RIGHT);
            int throwAt = random.nextInt(model.order.size());
            BudgetPlan thrower = model.order.get(throwAt);
            thrower.throwsIn = Collections.frequency(model.order.subList(0, throwAt + 1), thrower);
            thrower.exception = new IllegalStateException("the step of " + thrower.label + " failed (thrown by"
                    + " the test)");
            BudgetedRun outcome = new BudgetedRun(clock, scenario);
            outcome.spawnAll();
            Throwable thrown = null;
            try {
                outcome.scheduler.run();
            } catch (Throwable t) {
                thrown = t;
            }
            outcome.failIfMisused(thrown);
            String where = scenario.describe() + "\nThe step of " + thrower.label + " at turn " + (throwAt + 1)
                    + " (its step " + thrower.throwsIn + ") threw " + thrower.exception + ".";
            if (thrown == null) {
                fail(where + " run() returned normally; it must throw that same exception at once. The steps that"
                        + " ran were " + labels(outcome.stepped) + ".");
            }
            if (thrown != thrower.exception) {
                fail(where + " run() must throw that same exception, unchanged, but it threw " + thrown
                        + (thrown.getCause() == thrower.exception ? ", which wraps it" : "") + ".");
            }
            List<BudgetPlan> upToTheThrow = model.order.subList(0, throwAt + 1);
            if (!outcome.stepped.equals(upToTheThrow)) {
                fail(where + " run() must stop at once; the steps that ran were " + labels(outcome.stepped)
                        + ", where " + labels(upToTheThrow) + " were expected.");
            }
        }
    }

    @Test
    @Order(7)
    @Tag("hint:3")
    void anEmptyRunAndTheArguments(Random random) {
        long budget = budget(random);
        Report empty = new BudgetedScheduler(() -> clock.now, budget).run();
        Report none = new Report(List.of(), List.of(), List.of());
        if (!none.equals(empty)) {
            fail("No task was spawned, yet run() returned " + empty + ".");
        }
        for (long wrong : new long[] {0, -1, -1 - random.nextInt(1000), Long.MIN_VALUE}) {
            expect(IllegalArgumentException.class, () -> new BudgetedScheduler(() -> clock.now, wrong),
                    "new BudgetedScheduler(clock, " + wrong + "): a budget must be at least 1 ms");
        }
        expect(NullPointerException.class, () -> new BudgetedScheduler(null, budget),
                "new BudgetedScheduler(null, " + budget + "): the clock is required");
        BudgetedScheduler scheduler = new BudgetedScheduler(() -> clock.now, 1);
        expect(NullPointerException.class, () -> scheduler.spawn(null, () -> false), "spawn(null, step)");
        expect(NullPointerException.class, () -> scheduler.spawn("A", null), "spawn(\"A\", null)");
    }

    private void expect(Class<? extends Throwable> type, Runnable call, String what) {
        try {
            call.run();
        } catch (Throwable t) {
            if (type.isInstance(t)) {
                return;
            }
            fail(what + " must throw " + type.getSimpleName() + ", but it threw " + t + ".");
        }
        fail(what + " must throw " + type.getSimpleName() + ", but it returned normally.");
    }

    private BudgetedRun run(BudgetScenario scenario) {
        BudgetedRun outcome = new BudgetedRun(clock, scenario);
        outcome.spawnAll();
        outcome.run();
        return outcome;
    }
}
