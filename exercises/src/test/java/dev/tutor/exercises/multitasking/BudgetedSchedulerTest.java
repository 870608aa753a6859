package dev.tutor.exercises.multitasking;

import static org.junit.jupiter.api.Assertions.fail;


import dev.tutor.exercises.multitasking.BudgetedScheduler.LongestWait;
import dev.tutor.exercises.multitasking.BudgetedScheduler.Report;
import dev.tutor.exercises.multitasking.BudgetedScheduler.SlowStep;
import dev.tutor.exercises.support.CompiledNest;
import dev.tutor.exercises.support.Seeded;
import java.time.Clock;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
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

    private static final String LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

    /** The fake clock, in milliseconds. Only the test moves it. */
    private long now;

    @Test
    @Order(1)
    @Tag("hint:1")
    void takesTurnsAndStopsNobody(Random random) {
        List<Scenario> scenarios = new ArrayList<>();
        // Every seed meets a task that is greedy on every one of four or more turns, among fair ones.
        long budget = budget(random);
        Scenario greedy = new Scenario(distinctNames(random), budget, start(random));
        greedy.task(fair(random, budget), fair(random, budget));
        greedy.task(times(4 + random.nextInt(4), () -> slow(random, budget)));
        greedy.task(fair(random, budget), fair(random, budget), fair(random, budget));
        scenarios.add(greedy);
        for (int sample = 0; sample < 60; sample++) {
            scenarios.add(randomScenario(random, distinctNames(random), false));
        }
        for (Scenario scenario : scenarios) {
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
        List<Scenario> scenarios = new ArrayList<>();
        // Every seed meets: a step of exactly the budget and one a millisecond under it, a long task of
        // short steps, a fair task right after a greedy one, and a greedy and a fair task of one name.
        long budget = 20 + random.nextInt(400);
        Scenario edges = new Scenario(cycle(pick(random, 3)), budget, start(random));
        edges.task(times(3 + random.nextInt(3), () -> budget / 2 + random.nextLong(budget / 2)));
        edges.task(budget, budget - 1, budget + 1 + random.nextLong(budget));
        edges.task(fair(random, budget), 0, fair(random, budget));
        edges.task(fair(random, budget), slow(random, budget));
        edges.task(fair(random, budget));
        scenarios.add(edges);
        Scenario one = new Scenario(distinctNames(random), 1, start(random));
        one.task(0, 1, 0);
        one.task(0, 0);
        scenarios.add(one);
        for (int sample = 0; sample < 80; sample++) {
            scenarios.add(randomScenario(random, sample % 3 == 0 ? fewNames(random) : distinctNames(random),
                    sample % 2 == 0));
        }
        for (Scenario scenario : scenarios) {
            Outcome outcome = run(scenario);
            outcome.checkTrace();
            outcome.checkSlowSteps();
        }
    }

    @Test
    @Order(4)
    @Tag("hint:2")
    void reportsTheLongestWaitOfEveryTask(Random random) {
        List<Scenario> scenarios = new ArrayList<>();
        // The lesson's demo: a greedy task between two fair ones, all spawned at one instant.
        long budget = budget(random);
        Scenario demo = new Scenario(distinctNames(random), budget, start(random));
        long step = 1 + random.nextInt(10);
        demo.task(times(3 + random.nextInt(3), () -> step));
        demo.task(slow(random, budget));
        demo.task(times(3 + random.nextInt(3), () -> step));
        scenarios.add(demo);
        // Two tasks of one name that finish in the other order from the one they were spawned in.
        Scenario twins = new Scenario(cycle(pick(random, 1)), budget, start(random));
        twins.task(times(3 + random.nextInt(3), () -> fair(random, budget)));
        twins.task(fair(random, budget), slow(random, budget));
        scenarios.add(twins);
        for (int sample = 0; sample < 60; sample++) {
            scenarios.add(randomScenario(random, sample % 3 == 0 ? fewNames(random) : distinctNames(random),
                    false));
        }
        for (Scenario scenario : scenarios) {
            Outcome outcome = run(scenario);
            outcome.checkTrace();
            outcome.checkSlowSteps();
            outcome.checkWaits();
        }
    }

    @Test
    @Order(5)
    @Tag("hint:2")
    void aTaskIsReadyFromTheMomentItIsSpawned(Random random) {
        List<Scenario> scenarios = new ArrayList<>();
        long budget = budget(random);
        // The clock moves between the spawns and before run(): the first task waits longest for its first turn.
        Scenario early = new Scenario(distinctNames(random), budget, start(random));
        early.task(fair(random, budget), 0);
        early.task(0).spawnedAfter = 1 + random.nextInt(500);
        early.runAfter = 1 + random.nextInt(500);
        scenarios.add(early);
        // A task spawned early in a greedy step waits for the rest of that step too.
        Scenario midStep = new Scenario(distinctNames(random), budget, start(random));
        Plan greedy = midStep.task(budget + random.nextLong(2 * budget), fair(random, budget));
        midStep.task(0);
        midStep.child(greedy, 1, random.nextLong(greedy.millis(1) / 2 + 1), 0);
        scenarios.add(midStep);
        for (int sample = 0; sample < 60; sample++) {
            scenarios.add(randomScenario(random, sample % 3 == 0 ? fewNames(random) : distinctNames(random),
                    true));
        }
        for (Scenario scenario : scenarios) {
            Outcome outcome = run(scenario);
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
            Scenario scenario = randomScenario(random, distinctNames(random), true);
            Model model = new Model(scenario, Rule.RIGHT);
            int throwAt = random.nextInt(model.order.size());
            Plan thrower = model.order.get(throwAt);
            thrower.throwsIn = Collections.frequency(model.order.subList(0, throwAt + 1), thrower);
            thrower.exception = new IllegalStateException("the step of " + thrower.label + " failed (thrown by"
                    + " the test)");
            Outcome outcome = new Outcome(scenario);
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
            List<Plan> upToTheThrow = model.order.subList(0, throwAt + 1);
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
        Report empty = new BudgetedScheduler(() -> now, budget).run();
        Report none = new Report(List.of(), List.of(), List.of());
        if (!none.equals(empty)) {
            fail("No task was spawned, yet run() returned " + empty + ".");
        }
        for (long wrong : new long[] {0, -1, -1 - random.nextInt(1000), Long.MIN_VALUE}) {
            expect(IllegalArgumentException.class, () -> new BudgetedScheduler(() -> now, wrong),
                    "new BudgetedScheduler(clock, " + wrong + "): a budget must be at least 1 ms");
        }
        expect(NullPointerException.class, () -> new BudgetedScheduler(null, budget),
                "new BudgetedScheduler(null, " + budget + "): the clock is required");
        BudgetedScheduler scheduler = new BudgetedScheduler(() -> now, 1);
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

    // ---- scenarios: tasks as the test plans them ----

    /** A source of task names. */
    @FunctionalInterface
    private interface Names {
        String next();
    }

    private static Names distinctNames(Random random) {
        List<String> pool = new ArrayList<>();
        for (char c : LETTERS.toCharArray()) {
            pool.add(String.valueOf(c));
        }
        Collections.shuffle(pool, random);
        int[] next = {0};
        return () -> {
            int i = next[0]++;
            return i < pool.size() ? pool.get(i) : pool.get(i % pool.size()) + (i / pool.size());
        };
    }

    /** Names drawn from one to three letters, so that most scenarios have several tasks of one name. */
    private static Names fewNames(Random random) {
        int offset = random.nextInt(LETTERS.length() - 3);
        int count = 1 + random.nextInt(3);
        return () -> String.valueOf(LETTERS.charAt(offset + random.nextInt(count)));
    }

    /** Names that repeat in turn, so that duplicates are certain. */
    private static Names cycle(String... names) {
        int[] next = {0};
        return () -> names[next[0]++ % names.length];
    }

    private static String[] pick(Random random, int count) {
        List<String> pool = new ArrayList<>();
        for (char c : LETTERS.toCharArray()) {
            pool.add(String.valueOf(c));
        }
        Collections.shuffle(pool, random);
        return pool.subList(0, count).toArray(String[]::new);
    }

    /** A budget: 1 ms, a few ms, about asyncio's 100 ms, or up to a second. */
    private static long budget(Random random) {
        return switch (random.nextInt(5)) {
            case 0 -> 1;
            case 1 -> 2 + random.nextInt(20);
            case 2 -> 100;
            case 3 -> 50 + random.nextInt(150);
            default -> 200 + random.nextInt(800);
        };
    }

    /** Where the clock stands when the first task is spawned: never 0, so that no default value passes for it. */
    private static long start(Random random) {
        return 1 + random.nextInt(1_000_000);
    }

    /** A step under the budget: no time at all, 1 ms, a millisecond short of the budget, or anything between. */
    private static long fair(Random random, long budget) {
        return switch (random.nextInt(4)) {
            case 0 -> 0;
            case 1 -> Math.min(1, budget - 1);
            case 2 -> budget - 1;
            default -> random.nextLong(budget);
        };
    }

    /** A step of the budget or more: exactly the budget, a millisecond over it, or up to four times it. */
    private static long slow(Random random, long budget) {
        return switch (random.nextInt(3)) {
            case 0 -> budget;
            case 1 -> budget + 1;
            default -> budget + random.nextLong(3 * budget + 1);
        };
    }

    private static long[] times(int steps, LongSupplier each) {
        long[] millis = new long[steps];
        for (int i = 0; i < steps; i++) {
            millis[i] = each.getAsLong();
        }
        return millis;
    }

    /**
     * Up to six tasks of up to eight steps, some of them greedy on some or all of their steps, and up to three
     * spawned from inside steps. With {@code timing}, the clock also moves between spawns and before run(),
     * and the spawns inside a step come at any moment of it.
     */
    private static Scenario randomScenario(Random random, Names names, boolean timing) {
        long budget = budget(random);
        Scenario scenario = new Scenario(names, budget, start(random));
        int tasks = 1 + random.nextInt(6);
        for (int i = 0; i < tasks; i++) {
            scenario.task(randomSteps(random, budget));
            if (timing && random.nextBoolean()) {
                scenario.initial.get(i).spawnedAfter = random.nextInt(3) == 0 ? budget : random.nextInt(400);
            }
        }
        if (timing) {
            scenario.runAfter = random.nextInt(3) == 0 ? 0 : random.nextInt(400);
        }
        int spawns = random.nextInt(4);
        for (int i = 0; i < spawns; i++) {
            Plan parent = scenario.all.get(random.nextInt(scenario.all.size()));
            int step = 1 + random.nextInt(parent.steps.size());
            long total = parent.millis(step);
            long at = !timing ? total : random.nextBoolean() ? 0 : random.nextLong(total + 1);
            scenario.child(parent, step, at, randomSteps(random, budget));
        }
        return scenario;
    }

    /** One to eight steps: a task that is fair throughout, greedy throughout, or greedy now and then. */
    private static long[] randomSteps(Random random, long budget) {
        int kind = random.nextInt(3);
        return times(1 + random.nextInt(8), () -> switch (kind) {
            case 0 -> fair(random, budget);
            case 1 -> slow(random, budget);
            default -> random.nextInt(3) == 0 ? slow(random, budget) : fair(random, budget);
        });
    }

    /** Something a step does: moves the clock on by {@code millis}, or spawns {@code child}. */
    private record Act(long millis, Plan child) {
    }

    /** One task: its name and what each of its steps does. */
    private static final class Plan {
        final String name;
        final List<List<Act>> steps = new ArrayList<>();
        /** For a task spawned before run(): how far the clock moves just before it is spawned. */
        long spawnedAfter;
        Plan parent;
        /** A unique name for messages: the name, with #n added when several tasks share it. */
        String label;
        int throwsIn;
        RuntimeException exception;

        Plan(String name, long... millis) {
            this.name = name;
            for (long m : millis) {
                steps.add(new ArrayList<>(List.of(new Act(m, null))));
            }
        }

        /** The time step {@code step} (from 1) holds the thread. */
        long millis(int step) {
            return steps.get(step - 1).stream().mapToLong(Act::millis).sum();
        }
    }

    /** The tasks of one run: those spawned before run(), in order, and those spawned from their steps. */
    private static final class Scenario {
        final Names names;
        final long budget;
        final long start;
        final List<Plan> initial = new ArrayList<>();
        final List<Plan> all = new ArrayList<>();
        /** How far the clock moves after the last spawn, before run() is called. */
        long runAfter;

        Scenario(Names names, long budget, long start) {
            this.names = names;
            this.budget = budget;
            this.start = start;
        }

        Plan task(long... millis) {
            Plan plan = add(new Plan(names.next(), millis));
            initial.add(plan);
            return plan;
        }

        /** Has {@code parent} spawn a new task {@code at} ms into its step {@code step}. */
        Plan child(Plan parent, int step, long at, long... millis) {
            Plan plan = add(new Plan(names.next(), millis));
            plan.parent = parent;
            List<Act> acts = parent.steps.get(step - 1);
            long elapsed = 0;
            for (int i = 0; i <= acts.size(); i++) {
                if (elapsed == at) {
                    acts.add(i, new Act(0, plan));
                    return plan;
                }
                Act act = acts.get(i);
                if (act.child() == null && elapsed + act.millis() > at) {
                    acts.set(i, new Act(at - elapsed, null));
                    acts.add(i + 1, new Act(0, plan));
                    acts.add(i + 2, new Act(elapsed + act.millis() - at, null));
                    return plan;
                }
                elapsed += act.millis();
            }
            throw new IllegalArgumentException("no moment " + at + " in a step of " + elapsed + " ms");
        }

        private Plan add(Plan plan) {
            all.add(plan);
            Map<String, Integer> count = new HashMap<>();
            all.forEach(p -> count.merge(p.name, 1, Integer::sum));
            Map<String, Integer> seen = new HashMap<>();
            for (Plan p : all) {
                int n = seen.merge(p.name, 1, Integer::sum);
                p.label = count.get(p.name) > 1 ? p.name + "#" + n : p.name;
            }
            return plan;
        }

        String describe() {
            StringBuilder text = new StringBuilder("Budget ").append(budget).append(" ms. Spawned before run(),"
                    + " in this order: ");
            long clock = start;
            List<String> tasks = new ArrayList<>();
            for (Plan plan : initial) {
                clock += plan.spawnedAfter;
                tasks.add(describe(plan) + " at t=" + clock);
            }
            text.append(String.join(", ", tasks)).append("; run() called at t=").append(clock + runAfter)
                    .append('.');
            if (all.stream().anyMatch(p -> !p.label.equals(p.name))) {
                text.append(" (A name with #n marks one of several tasks that share that name; the report shows"
                        + " the name alone.)");
            }
            return text.toString();
        }

        private static String describe(Plan plan) {
            List<String> steps = new ArrayList<>();
            for (List<Act> acts : plan.steps) {
                long total = acts.stream().mapToLong(Act::millis).sum();
                StringBuilder step = new StringBuilder().append(total);
                long elapsed = 0;
                for (Act act : acts) {
                    if (act.child() != null) {
                        step.append(" [spawning ").append(describe(act.child())).append(' ').append(elapsed)
                                .append(" ms in]");
                    }
                    elapsed += act.millis();
                }
                steps.add(step.toString());
            }
            return plan.label + " (" + (steps.size() == 1 ? "one step of " : "steps of ") + String.join(", ", steps)
                    + " ms)";
        }
    }

    // ---- the model ----

    /** How a wait is measured: rightly, or as a mistaken answer might, to say what a wrong number matches. */
    private enum Rule {
        RIGHT("ready from its spawn, and again from the end of each of its steps"),
        READY_FROM_RUN("waiting from the moment run() began, not from its spawn before that"),
        CHILD_READY_AFTER_STEP("ready only once the step that spawned it had returned, not from the moment of"
                + " its spawn"),
        READY_ONLY_ONCE("ready from its spawn for every turn, never again from the end of its own last step"),
        FROM_OWN_STEP_START("waiting from the start of its own last step, its own step's time included");

        final String meaning;

        Rule(String meaning) {
            this.meaning = meaning;
        }
    }

    /** The reference: a FIFO round-robin on the fake clock. */
    private static final class Model {
        final List<Plan> order = new ArrayList<>();
        final List<List<Plan>> queueBefore = new ArrayList<>();
        final List<SlowStep> slowSteps = new ArrayList<>();
        /** For each slow step, its task and turn, for the messages. */
        final List<Plan> slowPlans = new ArrayList<>();
        /** For each slow step, whether it was its task's last. */
        final List<Boolean> slowWasLast = new ArrayList<>();
        final List<Plan> finished = new ArrayList<>();
        final Map<Plan, Long> longest = new IdentityHashMap<>();
        /** Each task's waits, as {ready, began}. */
        final Map<Plan, List<long[]>> waits = new IdentityHashMap<>();

        Model(Scenario scenario, Rule rule) {
            long now = scenario.start;
            Deque<Plan> queue = new ArrayDeque<>();
            Map<Plan, Long> ready = new IdentityHashMap<>();
            Map<Plan, Integer> done = new IdentityHashMap<>();
            for (Plan plan : scenario.initial) {
                now += plan.spawnedAfter;
                queue.addLast(plan);
                ready.put(plan, now);
            }
            now += scenario.runAfter;
            if (rule == Rule.READY_FROM_RUN) {
                for (Plan plan : scenario.initial) {
                    ready.put(plan, now);
                }
            }
            while (!queue.isEmpty()) {
                queueBefore.add(List.copyOf(queue));
                Plan plan = queue.pollFirst();
                order.add(plan);
                long began = now;
                waits.computeIfAbsent(plan, p -> new ArrayList<>()).add(new long[] {ready.get(plan), began});
                longest.merge(plan, began - ready.get(plan), Math::max);
                int step = done.merge(plan, 1, Integer::sum);
                List<Plan> spawned = new ArrayList<>();
                for (Act act : plan.steps.get(step - 1)) {
                    if (act.child() == null) {
                        now += act.millis();
                    } else {
                        queue.addLast(act.child());
                        ready.put(act.child(), now);
                        spawned.add(act.child());
                    }
                }
                if (rule == Rule.CHILD_READY_AFTER_STEP) {
                    for (Plan child : spawned) {
                        ready.put(child, now);
                    }
                }
                if (now - began >= scenario.budget) {
                    slowSteps.add(new SlowStep(plan.name, now - began));
                    slowPlans.add(plan);
                    slowWasLast.add(step == plan.steps.size());
                }
                if (step < plan.steps.size()) {
                    queue.addLast(plan);
                    if (rule == Rule.FROM_OWN_STEP_START) {
                        ready.put(plan, began);
                    } else if (rule != Rule.READY_ONLY_ONCE) {
                        ready.put(plan, now);
                    }
                } else {
                    finished.add(plan);
                }
            }
        }

        List<LongestWait> longestWaits() {
            return finished.stream().map(p -> new LongestWait(p.name, longest.get(p))).toList();
        }
    }

    /** Thrown out of a step when the scheduler misuses a task; an Error, so that no catch of the learner's eats it. */
    private static final class Misuse extends Error {
        Misuse(String message) {
            super(message, null, false, false);
        }
    }

    private Outcome run(Scenario scenario) {
        Outcome outcome = new Outcome(scenario);
        outcome.spawnAll();
        outcome.run();
        return outcome;
    }

    /** One scheduler on the fake clock running one scenario, checked against the model. */
    private final class Outcome {
        final Scenario scenario;
        final BudgetedScheduler scheduler;
        final Model expected;
        final List<Plan> stepped = new ArrayList<>();
        final Map<Plan, Integer> done = new IdentityHashMap<>();
        Report report;
        String misuse;

        Outcome(Scenario scenario) {
            this.scenario = scenario;
            this.expected = new Model(scenario, Rule.RIGHT);
            now = scenario.start;
            this.scheduler = new BudgetedScheduler(() -> now, scenario.budget);
        }

        void spawnAll() {
            for (Plan plan : scenario.initial) {
                now += plan.spawnedAfter;
                spawn(plan);
            }
            now += scenario.runAfter;
        }

        private void spawn(Plan plan) {
            scheduler.spawn(plan.name, () -> step(plan));
        }

        private boolean step(Plan plan) {
            int done = this.done.getOrDefault(plan, 0);
            if (done >= plan.steps.size() || (plan.throwsIn > 0 && done >= plan.throwsIn)) {
                misuse = "At turn " + (stepped.size() + 1) + " run() stepped " + plan.label + " again, but "
                        + plan.label + " had " + (done >= plan.steps.size() ? "finished: its step "
                        + plan.steps.size() + " returned false" : "thrown from its step " + plan.throwsIn)
                        + ". The steps that ran before were " + labels(stepped) + ".";
                throw new Misuse(misuse);
            }
            if (stepped.size() > 4 * expected.order.size() + 20) {
                misuse = "run() had already stepped " + stepped.size() + " times, where the tasks have "
                        + expected.order.size() + " steps in all; it was stopped here.";
                throw new Misuse(misuse);
            }
            done++;
            this.done.put(plan, done);
            stepped.add(plan);
            for (Act act : plan.steps.get(done - 1)) {
                if (act.child() == null) {
                    now += act.millis();
                } else {
                    spawn(act.child());
                }
            }
            if (done == plan.throwsIn) {
                throw plan.exception;
            }
            return done < plan.steps.size();
        }

        void run() {
            try {
                report = scheduler.run();
            } catch (Throwable t) {
                failIfMisused(t);
                fail(scenario.describe() + "\nrun() threw " + t + " after the steps " + labels(stepped)
                        + "; no step in this test throws.", t);
            }
            failIfMisused(null);
            if (report == null) {
                fail(scenario.describe() + "\nrun() returned null; return a Report of the trace, the slow steps"
                        + " and the longest waits.");
            }
        }

        void failIfMisused(Throwable thrown) {
            for (Throwable t = thrown; t != null; t = t.getCause()) {
                if (t instanceof Misuse) {
                    fail(scenario.describe() + "\n" + t.getMessage() + " A task whose step returned false, or"
                            + " threw, is not queued again.");
                }
            }
            if (misuse != null) {
                fail(scenario.describe() + "\n" + misuse + " A task whose step returned false, or threw, is not"
                        + " queued again.");
            }
        }

        /** The steps ran in the model's order, every one of them, and the trace names exactly them. */
        void checkTrace() {
            List<Plan> want = expected.order;
            if (!stepped.equals(want)) {
                fail(explainOrder());
            }
            List<String> names = stepped.stream().map(p -> p.name).toList();
            if (!names.equals(report.trace())) {
                fail(scenario.describe() + "\nThe tasks' steps ran in the right order, " + show(names)
                        + ", but the report's trace is " + show(report.trace()) + ". Add the task's name to the"
                        + " trace once per turn, for the step that runs in that turn.");
            }
        }

        private String explainOrder() {
            List<Plan> want = expected.order;
            StringBuilder text = new StringBuilder(scenario.describe())
                    .append("\nThe steps should run in the order ").append(labels(want))
                    .append(",\nbut they ran in the order ").append(labels(stepped)).append(".\n");
            if (stepped.isEmpty()) {
                return text.append("Nothing ran: spawn() must put each task in the ready queue, and run() must"
                        + " take tasks from it until it is empty, calling step() once per turn.").toString();
            }
            List<Plan> cutShort = scenario.all.stream().filter(p -> want.contains(p) && stepped.contains(p)
                    && Collections.frequency(stepped, p) < p.steps.size()).toList();
            for (Plan plan : cutShort) {
                int slow = Collections.frequency(expected.slowPlans, plan);
                if (slow > 0) {
                    text.append(plan.label).append(" has ").append(plan.steps.size()).append(" steps, ").append(slow)
                            .append(" of them slow, and ran ").append(Collections.frequency(stepped, plan))
                            .append(" of them. A slow task is reported, never stopped: it keeps its turns to the"
                            + " end. ");
                }
            }
            int turn = 0;
            while (turn < want.size() && turn < stepped.size() && want.get(turn) == stepped.get(turn)) {
                turn++;
            }
            if (turn >= want.size()) {
                return text.append("run() went on stepping after every task had finished.").toString();
            }
            List<Plan> queue = expected.queueBefore.get(turn);
            if (turn >= stepped.size()) {
                return text.append("run() returned after ").append(turn).append(turn == 1 ? " step" : " steps")
                        .append(", while the ready queue should still have held, front to back: ")
                        .append(labels(queue)).append(". run() goes on until the queue is empty.").toString();
            }
            Plan ran = stepped.get(turn);
            text.append("Before turn ").append(turn + 1).append(" the ready queue should have held, front to"
                    + " back: ").append(labels(queue)).append(". ");
            List<Plan> others = queue.stream().filter(p -> p != ran).toList();
            if (turn > 0 && stepped.get(turn - 1) == ran && !others.isEmpty()) {
                text.append(ran.label).append(" ran again right after its own step, while ").append(labels(others))
                        .append(" should have been waiting. A turn is one step: after it, a task with more to do"
                        + " goes to the back of the queue.");
            } else if (queue.contains(ran)) {
                text.append(queue.get(0).label).append(", at the front, has waited longest and runs next; run()"
                        + " stepped ").append(ran.label).append(", which stood at place ")
                        .append(queue.indexOf(ran) + 1).append('.');
            } else {
                text.append("run() stepped ").append(ran.label).append(", which should not have been in the"
                        + " queue then.");
            }
            return text.toString();
        }

        /** Every step of the budget or longer is reported, with its task and time, in the order they ran. */
        void checkSlowSteps() {
            List<SlowStep> want = expected.slowSteps;
            List<SlowStep> got = report.slowSteps();
            if (want.equals(got)) {
                return;
            }
            StringBuilder text = new StringBuilder(scenario.describe())
                    .append("\nThe slow steps, those of ").append(scenario.budget).append(" ms or more, are ")
                    .append(showSlow(want)).append(",\nbut the report has ").append(showSlow(got)).append(".\n");
            if (want.stream().map(step -> new SlowStep(step.task(), step.millis() - scenario.budget)).toList()
                    .equals(got)) {
                fail(text.append("Each time in the report is short by exactly the budget: report a slow step's"
                        + " whole time, from just before step() to just after it returns, not how far it went over.")
                        .toString());
            }
            for (SlowStep step : got) {
                List<Long> times = scenario.all.stream().filter(p -> p.name.equals(step.task()))
                        .flatMap(p -> IntStream.rangeClosed(1, p.steps.size())
                                .mapToObj(p::millis)).toList();
                if (times.isEmpty()) {
                    fail(text.append("No task is named ").append(step.task()).append(". Report the name of the task"
                            + " whose step was slow.").toString());
                }
                long longest = Collections.max(times);
                if (step.millis() > longest) {
                    fail(text.append("The report says a step of ").append(step.task()).append(" took ")
                            .append(step.millis()).append(" ms, but no step of a task named ").append(step.task())
                            .append(" took more than ").append(longest).append(" ms: ").append(step.millis())
                            .append(" ms is more than one step. A step's time runs from just before its step()"
                            + " call to just after it returns, for each step on its own, not from a clock read"
                            + " once for the whole run, nor added up over the task.").toString());
                }
                if (step.millis() < scenario.budget) {
                    fail(text.append("The report has a step of ").append(step.task()).append(" of ")
                            .append(step.millis()).append(" ms, under the ").append(scenario.budget)
                            .append(" ms budget; only steps of the budget or more are slow.").toString());
                }
                if (!times.contains(step.millis())) {
                    fail(text.append("The report says a step of ").append(step.task()).append(" took ")
                            .append(step.millis()).append(" ms, but no step of a task of that name took that"
                            + " long; they took ").append(times).append(" ms.").toString());
                }
            }
            List<SlowStep> missing = new ArrayList<>();
            List<SlowStep> unmatched = new ArrayList<>(got);
            boolean allLast = true;
            for (int i = 0; i < want.size(); i++) {
                if (!unmatched.remove(want.get(i))) {
                    missing.add(want.get(i));
                    allLast &= expected.slowWasLast.get(i);
                }
            }
            if (!missing.isEmpty()) {
                boolean allExact = missing.stream().allMatch(step -> step.millis() == scenario.budget);
                text.append("Missing: ").append(showSlow(missing)).append('.');
                if (allLast) {
                    text.append(missing.size() == 1 ? " It is its task's last step" : " Each is its task's last"
                            + " step").append(allExact ? ", and took exactly the budget" : "").append(": check every"
                            + " step's time as soon as it returns, whether or not the task has more to do.");
                }
                if (allExact) {
                    text.append(" A step of exactly the budget is slow: asyncio warns when dt >="
                            + " slow_callback_duration, and so does this scheduler, at budgetMillis or more.");
                } else if (!allLast) {
                    text.append(" Check every step as soon as it returns, and report each slow one, however"
                            + " many a task has.");
                }
                fail(text.toString());
            }
            fail(text.append("Report the slow steps in the order they ran, each one as soon as its step returns.")
                    .toString());
        }

        /** One longest wait per task, in the order the tasks finished. */
        void checkWaits() {
            List<LongestWait> want = expected.longestWaits();
            List<LongestWait> got = report.longestWaits();
            if (want.equals(got)) {
                return;
            }
            StringBuilder text = new StringBuilder(scenario.describe())
                    .append("\nThe longest waits, in the order the tasks finished, are ").append(showWaits(want))
                    .append(",\nbut the report has ").append(showWaits(got)).append(".\n");
            if (got.size() != want.size()) {
                text.append(want.size()).append(want.size() == 1 ? " task" : " tasks").append(" ran, so the report"
                        + " needs ").append(want.size()).append(" longest waits, one for each task, added when the"
                        + " task finishes.");
                boolean sharedNames = want.stream().map(LongestWait::task).distinct().count() < want.size();
                if (sharedNames && got.size() < want.size()) {
                    text.append(" Some tasks here share a name; each of them is a task of its own, with waits of"
                            + " its own.");
                }
                fail(text.toString());
            }
            for (int i = 0; i < want.size(); i++) {
                Plan plan = expected.finished.get(i);
                LongestWait wrong = got.get(i);
                if (wrong.equals(want.get(i))) {
                    continue;
                }
                if (!wrong.task().equals(plan.name)) {
                    fail(text.append("Task number ").append(i + 1).append(" to finish was ").append(plan.label)
                            .append(", but the report's entry number ").append(i + 1).append(" is for ")
                            .append(wrong.task()).append(". Add each task's longest wait when its last step"
                            + " returns.").toString());
                }
                text.append(plan.label).append("'s turns began at ");
                List<String> turns = new ArrayList<>();
                for (long[] wait : expected.waits.get(plan)) {
                    turns.add("t=" + wait[1] + " (ready since t=" + wait[0] + ", " + (wait[1] - wait[0])
                            + " ms)");
                }
                text.append(String.join(", ", turns)).append(", so its longest wait is ")
                        .append(want.get(i).millis()).append(" ms; the report says ").append(wrong.millis())
                        .append(" ms.");
                boolean explained = false;
                for (Rule rule : Rule.values()) {
                    if (rule != Rule.RIGHT && new Model(scenario, rule).longest.get(plan) == wrong.millis()) {
                        text.append(" That is its longest wait if it were ").append(rule.meaning).append('.');
                        explained = true;
                        break;
                    }
                }
                if (!explained && expected.waits.get(plan).stream().anyMatch(w -> w[1] == wrong.millis())) {
                    text.append(" That is the clock itself when one of its turns began, as if it had been ready"
                            + " since t=0.");
                }
                text.append(" A task is ready from the moment spawn() queues it, and again from the moment each"
                        + " of its steps returns with more to do; it waits until its next step begins.");
                fail(text.toString());
            }
        }
    }

    private static String labels(List<Plan> plans) {
        return plans.isEmpty() ? "(none)" : plans.stream().map(p -> p.label).collect(Collectors.joining(" "));
    }

    private static String show(List<String> trace) {
        return trace.isEmpty() ? "(nothing)" : String.join(" ", trace);
    }

    private static String showSlow(List<SlowStep> steps) {
        return steps.isEmpty() ? "(none)"
                : steps.stream().map(s -> s.task() + " " + s.millis() + " ms").collect(Collectors.joining(", "));
    }

    private static String showWaits(List<LongestWait> waits) {
        return waits.isEmpty() ? "(none)"
                : waits.stream().map(w -> w.task() + " " + w.millis() + " ms").collect(Collectors.joining(", "));
    }
}
