package dev.tutor.exercises.multitasking;

import static org.junit.jupiter.api.Assertions.fail;


import dev.tutor.exercises.support.CompiledNest;
import dev.tutor.exercises.support.Seeded;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
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
 * Grades {@link RoundRobin}. The tests run in the order of the exercise: the queue's order (hint 1), taking
 * turns on one thread (hint 2), tasks spawned while the scheduler runs (hint 3), then tasks as objects of
 * their own, a queue per scheduler and a step that throws (hint 4), so the first failure names the first
 * thing to fix.
 *
 * <p>The tasks come from a seeded generator: their number, names (duplicates too), lengths and the tasks
 * they spawn from inside a step all vary, and each test also meets the shapes a shortcut gets wrong (the
 * last task left spawning, a task that is not first in its round spawning, a spawn in a task's last step).
 * A model of the ready queue, first in, first out, says which step must run at every turn, so a failure
 * shows the queue as it should have been at the first turn that went wrong. No test needs a thread or a
 * clock: a cooperative scheduler is deterministic.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 10, unit = TimeUnit.SECONDS)
@ExtendWith(Seeded.class)
class RoundRobinTest {

    private static final String LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

    @Test
    @Order(1)
    @Tag("hint:1")
    void startsTasksInTheOrderTheyWereSpawned(Random random) {
        for (int sample = 0; sample < 40; sample++) {
            Scenario scenario = new Scenario(distinctNames(random));
            int tasks = sample == 0 ? 2 : sample == 1 ? 1 : 2 + random.nextInt(7);
            for (int i = 0; i < tasks; i++) {
                scenario.task(1);
            }
            Outcome outcome = runChecked(scenario, new RoundRobin());
            List<Plan> expected = scenario.initial;
            if (!outcome.stepped.equals(expected) && outcome.stepped.equals(expected.reversed())) {
                fail(scenario.describe() + "\nrun() stepped them in the reverse order: "
                        + labels(outcome.stepped) + ". The task spawned last ran first. The ready queue must be"
                        + " first in, first out: add at the back (addLast) and take from the front (pollFirst"
                        + " or poll). Taking from the back, like Python's deque.pop() or Java's pollLast(), or"
                        + " using push() with pop(), makes it a stack (LIFO).");
            }
            outcome.check();
        }
    }

    @Test
    @Order(2)
    @Tag("hint:2")
    void takesTurnsOneStepPerTurn(Random random) {
        for (int sample = 0; sample < 80; sample++) {
            Scenario scenario = new Scenario(distinctNames(random));
            if (sample == 0) {
                // Every seed meets a task that runs on alone after the others have finished, and a one-step
                // task between longer ones.
                scenario.task(2 + random.nextInt(3));
                scenario.task(1);
                scenario.task(5 + random.nextInt(4));
            } else {
                int tasks = 2 + random.nextInt(5);
                for (int i = 0; i < tasks; i++) {
                    scenario.task(1 + random.nextInt(8));
                }
            }
            runChecked(scenario, new RoundRobin()).check();
        }
    }

    @Test
    @Order(3)
    @Tag("hint:2")
    void runsEveryStepOnTheCallingThread(Random random) {
        Scenario scenario = new Scenario(distinctNames(random));
        int tasks = 2 + random.nextInt(3);
        for (int i = 0; i < tasks; i++) {
            scenario.task(1 + random.nextInt(4));
        }
        scenario.child(scenario.initial.get(0), 1, 1 + random.nextInt(3));
        Outcome outcome = new Outcome(scenario, new RoundRobin());
        scenario.initial.forEach(outcome::spawn);
        try {
            outcome.scheduler.run();
        } catch (RuntimeException | Error whateverElseWentWrong) {
            // Only the threads are judged here; the order and the failures have tests of their own.
        }
        Thread caller = Thread.currentThread();
        for (int turn = 0; turn < outcome.threads.size(); turn++) {
            Thread thread = outcome.threads.get(turn);
            if (thread != caller) {
                fail(scenario.describe() + "\nThe step at turn " + (turn + 1) + " (" + outcome.stepped.get(turn).label
                        + ") ran on thread '" + thread.getName() + "', not on the thread that called run() ('"
                        + caller.getName() + "'). A cooperative scheduler calls each step itself, one after"
                        + " another, and the task hands the thread back by returning.");
            }
        }
    }

    /**
     * A rule read off the compiled class rather than from a run: the scheduler starts no thread, and does not
     * yield or put to sleep the one it runs on between turns, which no run could see.
     */
    @Test
    @Order(4)
    @Tag("hint:2")
    void usesNoThreadsOnlyTheCallersTurns() {
        // Any class named counts, not only members called: a field of type Thread or an ExecutorService passed in
        // is a thread too.
        var found = CompiledNest.forbiddenUses(CompiledNest.of(RoundRobin.class), use -> use.ownerIsA(Thread.class)
                ? "a thread" : use.owner().startsWith("java.util.concurrent.") ? "java.util.concurrent" : null);
        if (!found.isEmpty()) {
            fail("RoundRobin uses threads: " + String.join("; ", found)
                    + ". A cooperative scheduler needs none: run() calls each task's step itself, on the"
                    + " thread that called run(), and a task hands the thread back by returning from step().");
        }
    }

    @Test
    @Order(5)
    @Tag("hint:3")
    void aTaskSpawnedDuringAStepJoinsTheBackOfTheLiveQueue(Random random) {
        List<Scenario> scenarios = new ArrayList<>();
        // The shapes every seed meets, with lengths and names from the seed.
        Scenario first = new Scenario(distinctNames(random));
        Plan a = first.task(2 + random.nextInt(4));
        first.task(1 + random.nextInt(4));
        first.child(a, 1, 1 + random.nextInt(3));
        scenarios.add(first);

        Scenario notFirstInItsRound = new Scenario(distinctNames(random));
        notFirstInItsRound.task(2 + random.nextInt(3));
        Plan b = notFirstInItsRound.task(1 + random.nextInt(3));
        notFirstInItsRound.task(1 + random.nextInt(3));
        notFirstInItsRound.child(b, 1 + random.nextInt(b.steps), 1 + random.nextInt(3));
        scenarios.add(notFirstInItsRound);

        Scenario alone = new Scenario(distinctNames(random));
        Plan lone = alone.task(3 + random.nextInt(4));
        alone.child(lone, 1 + random.nextInt(lone.steps - 1), 1 + random.nextInt(3));
        scenarios.add(alone);

        Scenario lastLeft = new Scenario(distinctNames(random));
        lastLeft.task(1);
        Plan longer = lastLeft.task(4 + random.nextInt(3));
        lastLeft.child(longer, 2 + random.nextInt(longer.steps - 2), 2);
        scenarios.add(lastLeft);

        Scenario inTheLastStep = new Scenario(distinctNames(random));
        Plan finishing = inTheLastStep.task(1 + random.nextInt(3));
        inTheLastStep.task(2 + random.nextInt(3));
        inTheLastStep.child(finishing, finishing.steps, 1 + random.nextInt(3));
        scenarios.add(inTheLastStep);

        Scenario nested = new Scenario(distinctNames(random));
        Plan parent = nested.task(2 + random.nextInt(2));
        nested.task(2);
        Plan child = nested.child(parent, 1, 2 + random.nextInt(2));
        nested.child(child, 1 + random.nextInt(child.steps), 1 + random.nextInt(2));
        nested.child(parent, parent.steps, 1);
        scenarios.add(nested);

        for (int sample = 0; sample < 80; sample++) {
            scenarios.add(randomScenario(random, distinctNames(random)));
        }
        for (Scenario scenario : scenarios) {
            runChecked(scenario, new RoundRobin()).check();
        }
    }

    @Test
    @Order(6)
    @Tag("hint:3")
    void runReturnsOnceTheQueueIsEmptyAndCanBeCalledAgain(Random random) {
        RoundRobin scheduler = new RoundRobin();
        List<String> nothing = scheduler.run();
        if (nothing == null || !nothing.isEmpty()) {
            fail("No task was spawned, yet run() returned " + (nothing == null ? "null" : show(nothing))
                    + " instead of an empty trace.");
        }
        for (int round = 1; round <= 3; round++) {
            Scenario scenario = randomScenario(random, distinctNames(random));
            Outcome outcome = runChecked(scenario, scheduler);
            if (!outcome.stepped.equals(outcome.expected.order)) {
                fail("Call " + round + " of run() on one scheduler, each after spawning new tasks:\n"
                        + outcome.explain());
            }
            outcome.check();
            List<String> again = scheduler.run();
            if (again == null || !again.isEmpty()) {
                fail(scenario.describe() + "\nAfter run() had returned, every task had finished, so a second"
                        + " run() with nothing spawned in between must return an empty trace; it returned "
                        + (again == null ? "null" : show(again)) + ".");
            }
        }
    }

    @Test
    @Order(7)
    @Tag("hint:4")
    void twoTasksWithOneNameAreTwoTasks(Random random) {
        List<Scenario> scenarios = new ArrayList<>();
        String name = String.valueOf(LETTERS.charAt(random.nextInt(LETTERS.length())));
        Scenario twins = new Scenario(() -> name);
        twins.task(1 + random.nextInt(3));
        twins.task(1 + random.nextInt(3));
        scenarios.add(twins);

        String other = name.equals("Z") ? "Y" : "Z";
        Scenario childLikeAWaitingTask = new Scenario(cycle(name, other));
        Plan spawner = childLikeAWaitingTask.task(2 + random.nextInt(2));
        childLikeAWaitingTask.task(2 + random.nextInt(2));
        childLikeAWaitingTask.child(spawner, 1, 1 + random.nextInt(2));
        scenarios.add(childLikeAWaitingTask);

        for (int sample = 0; sample < 60; sample++) {
            scenarios.add(randomScenario(random, fewNames(random)));
        }
        for (Scenario scenario : scenarios) {
            runChecked(scenario, new RoundRobin()).check();
        }
        for (int sample = 0; sample < 20; sample++) {
            oneStepObjectSpawnedTwiceIsTwoTasks(random, sample == 0);
        }
    }

    /**
     * One Step object spawned more than once under one name: each spawn is a task of its own, though the two
     * Task records are equal (same name, same step), so a queue that looks for a task already there with
     * equals() (contains(), remove(Object)) takes one for the other. The shared step counts its calls, all tasks'
     * together, and says it has more to do until it has been called {@code limit} times; tasks of their own
     * stand between them. The expected trace comes from a FIFO queue of spawns, told apart by their place.
     */
    private static void oneStepObjectSpawnedTwiceIsTwoTasks(Random random, boolean plain) {
        String name = String.valueOf(LETTERS.charAt(random.nextInt(LETTERS.length())));
        int limit = 2 + random.nextInt(5);
        int twins = plain ? 2 : 2 + random.nextInt(2);
        // Who is spawned, in order: -1 for the shared step, n >= 1 for a task of its own with n steps.
        List<Integer> spawns = new ArrayList<>(Collections.nCopies(twins, -1));
        for (int others = plain ? 0 : random.nextInt(3); others > 0; others--) {
            spawns.add(random.nextInt(spawns.size() + 1), 1 + random.nextInt(4));
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < spawns.size(); i++) {
            names.add(spawns.get(i) < 0 ? name : String.valueOf(LETTERS.charAt(
                    (LETTERS.indexOf(name) + 1 + i) % LETTERS.length())));
        }

        // The model: spawns by place, the shared step's calls counted across all of them.
        List<String> expected = new ArrayList<>();
        Deque<Integer> queue = new ArrayDeque<>();
        int[] done = new int[spawns.size()];
        int sharedCalls = 0;
        for (int i = 0; i < spawns.size(); i++) {
            queue.addLast(i);
        }
        while (!queue.isEmpty()) {
            int i = queue.pollFirst();
            expected.add(names.get(i));
            boolean more = spawns.get(i) < 0 ? ++sharedCalls < limit : ++done[i] < spawns.get(i);
            if (more) {
                queue.addLast(i);
            }
        }

        int[] calls = {0};
        int most = 4 * expected.size() + 20;
        RoundRobin.Step shared = () -> {
            if (++calls[0] > most) {
                throw new Misuse("run() had already called the shared step " + most + " times; it was stopped.");
            }
            return calls[0] < limit;
        };
        RoundRobin scheduler = new RoundRobin();
        StringBuilder story = new StringBuilder("Spawned before run(), in this order:");
        for (int i = 0; i < spawns.size(); i++) {
            story.append(i == 0 ? " " : ", ");
            if (spawns.get(i) < 0) {
                scheduler.spawn(name, shared);
                story.append(name).append(" (the shared step)");
            } else {
                int[] own = {0};
                int steps = spawns.get(i);
                scheduler.spawn(names.get(i), () -> ++own[0] < steps);
                story.append(names.get(i)).append(" (").append(steps).append(steps == 1 ? " step)"
                        : " steps)");
            }
        }
        story.append(". The shared step is one Step object, spawned ").append(twins).append(" times under the"
                + " name ").append(name).append(": it says it has more to do until it has been called ")
                .append(limit).append(" times, by whichever task.");
        List<String> trace;
        try {
            trace = scheduler.run();
        } catch (Misuse e) {
            fail(story + "\n" + e.getMessage());
            return;
        }
        if (!expected.equals(trace)) {
            long seen = trace == null ? 0 : Collections.frequency(trace, name);
            long want = Collections.frequency(expected, name);
            fail(story + "\nrun() returned the trace " + (trace == null ? "null" : show(trace)) + ", but the"
                    + " turns are " + show(expected) + "."
                    + (seen < want ? " " + name + " had " + seen + " turns where its " + twins + " tasks have " + want
                    + " between them: each spawn() is a task of its own, even with the same name and the same"
                    + " Step object. Such tasks are equal records, so a queue that checks whether a task is"
                    + " already there (contains(), remove(Object)) mistakes one for the other; put a task back"
                    + " whenever its step returns true." : ""));
        }
    }

    @Test
    @Order(8)
    @Tag("hint:4")
    void eachSchedulerHasAQueueOfItsOwn(Random random) {
        // Two schedulers filled side by side, then run one after the other.
        Names names = distinctNames(random);
        Scenario left = new Scenario(names);
        Scenario right = new Scenario(names);
        int each = 2 + random.nextInt(3);
        for (int i = 0; i < each; i++) {
            left.task(1 + random.nextInt(4));
            right.task(1 + random.nextInt(4));
        }
        RoundRobin leftScheduler = new RoundRobin();
        RoundRobin rightScheduler = new RoundRobin();
        Outcome leftOutcome = new Outcome(left, leftScheduler);
        Outcome rightOutcome = new Outcome(right, rightScheduler);
        for (int i = 0; i < left.initial.size(); i++) {
            leftOutcome.spawn(left.initial.get(i));
            rightOutcome.spawn(right.initial.get(i));
        }
        leftOutcome.run();
        if (!leftOutcome.stepped.equals(leftOutcome.expected.order) || !rightOutcome.stepped.isEmpty()) {
            fail("Two schedulers: the first got " + labels(left.initial) + ", the second "
                    + labels(right.initial) + ", spawned in turn. run() on the first must step only its own"
                    + " tasks, " + labels(leftOutcome.expected.order) + "; it stepped "
                    + labels(leftOutcome.stepped) + " of its own"
                    + (rightOutcome.stepped.isEmpty() ? "" : " and " + labels(rightOutcome.stepped)
                    + " of the second scheduler's") + ". Each RoundRobin has a ready queue of its own.");
        }
        leftOutcome.check();
        rightOutcome.run();
        rightOutcome.check();

        // A step of one scheduler's task runs a second scheduler to its end: an event loop inside a task.
        Scenario outer = new Scenario(distinctNames(random));
        Plan host = outer.task(2 + random.nextInt(2));
        outer.task(2 + random.nextInt(3));
        Scenario inner = new Scenario(distinctNames(random));
        inner.task(1 + random.nextInt(3));
        inner.task(1 + random.nextInt(3));
        Outcome[] innerOutcome = new Outcome[1];
        host.hooks.put(1, () -> {
            innerOutcome[0] = new Outcome(inner, new RoundRobin());
            inner.initial.forEach(innerOutcome[0]::spawn);
            innerOutcome[0].run();
        });
        Outcome outerOutcome = new Outcome(outer, new RoundRobin());
        outer.initial.forEach(outerOutcome::spawn);
        outerOutcome.run();
        if (innerOutcome[0] == null) {
            outerOutcome.check();
            fail(story(host, outer, inner) + " Yet that step never ran.");
        }
        String story = story(host, outer, inner);
        if (!innerOutcome[0].stepped.equals(innerOutcome[0].expected.order)) {
            fail(story + " The inner run() must step only its own tasks, "
                    + labels(innerOutcome[0].expected.order) + "; it stepped " + labels(innerOutcome[0].stepped)
                    + " and the outer tasks' steps " + labels(outerOutcome.stepped) + " ran in all. Each"
                    + " RoundRobin has a ready queue of its own.");
        }
        if (!outerOutcome.stepped.equals(outerOutcome.expected.order)) {
            fail(story + " Then the outer scheduler must go on with its own tasks, "
                    + labels(outerOutcome.expected.order) + ", but its steps ran " + labels(outerOutcome.stepped)
                    + ". Each RoundRobin has a ready queue of its own.");
        }
        innerOutcome[0].check();
        outerOutcome.check();
    }

    private static String story(Plan host, Scenario outer, Scenario inner) {
        return "In its first step " + host.label + " (a task of one scheduler: " + labels(outer.initial)
                + ") made a second scheduler, spawned " + labels(inner.initial) + " on it and ran it.";
    }

    @Test
    @Order(9)
    @Tag("hint:4")
    void aStepThatThrowsEndsTheRunWithItsOwnException(Random random) {
        for (int sample = 0; sample < 30; sample++) {
            Scenario scenario;
            if (sample == 0) {
                scenario = new Scenario(distinctNames(random));
                scenario.task(2 + random.nextInt(3));
                scenario.task(2 + random.nextInt(3));
                scenario.task(1 + random.nextInt(3));
            } else {
                scenario = randomScenario(random, distinctNames(random));
            }
            Model model = new Model(scenario.initial);
            int throwAt = model.order().size() == 1 ? 0 : random.nextInt(model.order().size() - 1);
            Plan thrower = model.order().get(throwAt);
            int throwingStep = Collections.frequency(model.order().subList(0, throwAt + 1), thrower);
            thrower.throwsIn = throwingStep;
            RuntimeException boom = new IllegalStateException("the step of " + thrower.label + " failed (thrown by"
                    + " the test)");
            thrower.exception = boom;
            // The model of the run that throws: up to the throwing step (whatever it spawned before it threw
            // stays queued), then the thrower leaves the queue.
            Model before = new Model(scenario.initial, throwAt + 1);
            before.queue.remove(thrower);

            RoundRobin scheduler = new RoundRobin();
            Outcome outcome = new Outcome(scenario, scheduler);
            scenario.initial.forEach(outcome::spawn);
            String where = scenario.describe() + "\nThe step of " + thrower.label + " at turn " + (throwAt + 1)
                    + " (its step " + throwingStep + ") threw " + boom + ".";
            Throwable thrown = null;
            try {
                scheduler.run();
            } catch (Throwable t) {
                thrown = t;
            }
            outcome.failIfAborted(thrown);
            if (thrown == null) {
                fail(where + " run() returned normally; it must throw that same exception at once. Its steps ran "
                        + labels(outcome.stepped) + ".");
            }
            if (thrown != boom) {
                fail(where + " run() must throw that same exception, unchanged, but it threw " + thrown
                        + (thrown.getCause() == boom ? ", which wraps it" : "") + ".");
            }
            List<Plan> upToTheThrow = model.order().subList(0, throwAt + 1);
            if (!outcome.stepped.equals(upToTheThrow)) {
                fail(where + " run() must stop at once; the steps that ran were " + labels(outcome.stepped)
                        + ", where " + labels(upToTheThrow) + " were expected.");
            }
            // The tasks still waiting stay queued, in order, for the next run().
            List<Plan> rest = before.runToEnd();
            outcome.stepped.clear();
            outcome.threads.clear();
            outcome.afterAThrow = true;
            List<String> trace;
            try {
                trace = scheduler.run();
            } catch (Throwable t) {
                outcome.failIfAborted(t);
                throw t;
            }
            outcome.failIfAborted(null);
            if (!outcome.stepped.equals(rest)) {
                fail(where + " Then the tasks still waiting stay in the queue, in their order, and a second run()"
                        + " carries on with them: " + labels(rest) + ". The second run() stepped "
                        + labels(outcome.stepped) + ".");
            }
            List<String> names = rest.stream().map(p -> p.name).toList();
            if (!names.equals(trace)) {
                fail(where + " The second run() stepped " + labels(outcome.stepped) + " but returned the trace "
                        + (trace == null ? "null" : show(trace)) + ".");
            }
        }
    }

    // ---- scenarios: tasks as the test plans them, and the model of the queue ----

    /** A source of task names. */
    @FunctionalInterface
    private interface Names {
        String next();
    }

    /** Names that repeat in turn, so that duplicates are certain. */
    private static Names cycle(String... names) {
        int[] next = {0};
        return () -> names[next[0]++ % names.length];
    }

    /** Distinct one- or two-letter names in a random order. */
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

    /** Up to six tasks of up to eight steps, spawned before run(), and up to four spawned from steps. */
    private static Scenario randomScenario(Random random, Names names) {
        Scenario scenario = new Scenario(names);
        int tasks = 1 + random.nextInt(6);
        for (int i = 0; i < tasks; i++) {
            scenario.task(1 + random.nextInt(8));
        }
        int spawns = random.nextInt(5);
        for (int i = 0; i < spawns; i++) {
            Plan parent = scenario.all.get(random.nextInt(scenario.all.size()));
            scenario.child(parent, 1 + random.nextInt(parent.steps), 1 + random.nextInt(5));
        }
        return scenario;
    }

    /** One task: its name, its number of steps, and what happens in which of its steps. */
    private static final class Plan {
        final String name;
        final int steps;
        /** The tasks spawned during a step, by step number (from 1), in the order they are spawned. */
        final Map<Integer, List<Plan>> spawns = new TreeMap<>();
        /** Something else done during a step, by step number, after the spawns. */
        final Map<Integer, Runnable> hooks = new HashMap<>();
        Plan parent;
        int spawnedInStep;
        /** A unique name for messages: the name, with #n added when several tasks share it. */
        String label;
        int throwsIn;
        RuntimeException exception;

        Plan(String name, int steps) {
            this.name = name;
            this.steps = steps;
        }

        List<Plan> spawnsIn(int step) {
            return spawns.getOrDefault(step, List.of());
        }
    }

    /** The tasks of one test run: those spawned before run(), in order, and those they spawn. */
    private static final class Scenario {
        final Names names;
        final List<Plan> initial = new ArrayList<>();
        final List<Plan> all = new ArrayList<>();

        Scenario(Names names) {
            this.names = names;
        }

        Plan task(int steps) {
            Plan plan = add(new Plan(names.next(), steps));
            initial.add(plan);
            return plan;
        }

        Plan child(Plan parent, int step, int steps) {
            Plan plan = add(new Plan(names.next(), steps));
            plan.parent = parent;
            plan.spawnedInStep = step;
            parent.spawns.computeIfAbsent(step, s -> new ArrayList<>()).add(plan);
            return plan;
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
            StringBuilder text = new StringBuilder("Spawned before run(), in this order: ");
            text.append(initial.stream().map(Scenario::describe).collect(Collectors.joining(", "))).append('.');
            if (all.stream().anyMatch(p -> !p.label.equals(p.name))) {
                text.append(" (A name with #n marks one of several tasks that share that name; the trace shows"
                        + " the name alone.)");
            }
            return text.toString();
        }

        private static String describe(Plan plan) {
            StringBuilder text = new StringBuilder(plan.label).append(" (").append(plan.steps)
                    .append(plan.steps == 1 ? " step" : " steps");
            for (Map.Entry<Integer, List<Plan>> entry : plan.spawns.entrySet()) {
                text.append("; in its step ").append(entry.getKey()).append(" it spawns ")
                        .append(entry.getValue().stream().map(Scenario::describe).collect(Collectors.joining(
                                " and ")));
            }
            return text.append(')').toString();
        }
    }

    /**
     * The reference: a FIFO ready queue stepped one task per turn, with the queue as it stands before
     * every turn, for the messages.
     */
    private static final class Model {
        final Deque<Plan> queue;
        final Map<Plan, Integer> done = new IdentityHashMap<>();
        final List<Plan> order = new ArrayList<>();
        final List<List<Plan>> queueBefore = new ArrayList<>();

        Model(List<Plan> initial) {
            this(initial, Integer.MAX_VALUE);
        }

        Model(List<Plan> initial, int turns) {
            queue = new ArrayDeque<>(initial);
            while (!queue.isEmpty() && order.size() < turns) {
                turn();
            }
        }

        private void turn() {
            queueBefore.add(List.copyOf(queue));
            Plan plan = queue.pollFirst();
            order.add(plan);
            int step = done.merge(plan, 1, Integer::sum);
            queue.addAll(plan.spawnsIn(step));
            if (step < plan.steps) {
                queue.addLast(plan);
            }
        }

        /** Runs on to the end and returns the turns from here. */
        List<Plan> runToEnd() {
            int from = order.size();
            while (!queue.isEmpty()) {
                turn();
            }
            return List.copyOf(order.subList(from, order.size()));
        }

        List<Plan> order() {
            return order;
        }
    }

    /** Thrown out of a step when the scheduler misuses a task; an Error, so that no catch of the learner's eats it. */
    private static final class Misuse extends Error {
        Misuse(String message) {
            super(message, null, false, false);
        }
    }

    /** One scheduler running one scenario: which steps really ran, on which threads, against the model. */
    private static final class Outcome {
        final Scenario scenario;
        final RoundRobin scheduler;
        final Model expected;
        final List<Plan> stepped = new ArrayList<>();
        final List<Thread> threads = new ArrayList<>();
        final Map<Plan, Integer> done = new IdentityHashMap<>();
        List<String> trace;
        String misuse;
        /** Set for the second run() of a test whose first run() threw, for the messages. */
        boolean afterAThrow;

        Outcome(Scenario scenario, RoundRobin scheduler) {
            this.scenario = scenario;
            this.scheduler = scheduler;
            this.expected = new Model(scenario.initial);
        }

        void spawn(Plan plan) {
            scheduler.spawn(plan.name, () -> step(plan));
        }

        private boolean step(Plan plan) {
            int done = this.done.getOrDefault(plan, 0);
            boolean threw = plan.throwsIn > 0 && done >= plan.throwsIn;
            if (done >= plan.steps || threw) {
                misuse = "At turn " + (stepped.size() + 1) + (afterAThrow ? " of the second run(), after the one"
                        + " that threw," : "") + " run() stepped " + plan.label + " again, but " + plan.label
                        + " had " + (threw ? "thrown from its step " + plan.throwsIn : "finished: its step "
                        + plan.steps + " returned false") + ". The steps that ran before" + (afterAThrow ? " in"
                        + " this run()" : "") + " were " + labels(stepped) + ". A task whose step returned false,"
                        + " or threw, is not queued again" + (threw ? ": take it off the queue before its step"
                        + " runs, and it is gone whether the step returns or throws." : ".");
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
            threads.add(Thread.currentThread());
            for (Plan child : plan.spawnsIn(done)) {
                spawn(child);
            }
            Runnable hook = plan.hooks.get(done);
            if (hook != null) {
                hook.run();
            }
            if (done == plan.throwsIn) {
                throw plan.exception;
            }
            return done < plan.steps;
        }

        void run() {
            try {
                trace = scheduler.run();
            } catch (Throwable t) {
                failIfAborted(t);
                fail(scenario.describe() + "\nrun() threw " + t + " after the steps " + labels(stepped)
                        + "; no step in this test throws.", t);
            }
            failIfAborted(null);
        }

        /** Fails with what the test's tasks saw if the scheduler misused one, even if it caught the error. */
        void failIfAborted(Throwable thrown) {
            for (Throwable t = thrown; t != null; t = t.getCause()) {
                if (t instanceof Misuse) {
                    fail(scenario.describe() + "\n" + t.getMessage());
                }
            }
            if (misuse != null) {
                fail(scenario.describe() + "\n" + misuse);
            }
        }

        /** The steps must have run in the model's order, and the trace must name exactly them. */
        void check() {
            if (!stepped.equals(expected.order)) {
                fail(explain());
            }
            if (trace == null) {
                fail(scenario.describe() + "\nrun() returned null; return the list of task names, one per step.");
            }
            List<String> names = stepped.stream().map(p -> p.name).toList();
            if (!names.equals(trace)) {
                fail(scenario.describe() + "\nThe tasks' steps ran in the right order, " + show(names)
                        + ", but run() returned the trace " + show(trace) + ". Add the task's name to the"
                        + " trace once per turn, for the step that runs in that turn.");
            }
        }

        /** What should have run and what did, and what the queue should have held where they part. */
        String explain() {
            List<Plan> want = expected.order;
            StringBuilder text = new StringBuilder(scenario.describe())
                    .append("\nThe steps should run in the order ").append(labels(want))
                    .append(",\nbut they ran in the order ").append(stepped.isEmpty() ? "(nothing)"
                            : labels(stepped)).append(".\n");
            int turn = 0;
            while (turn < want.size() && turn < stepped.size() && want.get(turn) == stepped.get(turn)) {
                turn++;
            }
            if (stepped.isEmpty()) {
                text.append("Nothing ran: spawn() must put each task in the ready queue, and run() must take"
                        + " tasks from it until it is empty, calling step() once per turn.");
                return text.toString();
            }
            List<Plan> neverRan = scenario.all.stream().filter(p -> want.contains(p) && !stepped.contains(p))
                    .toList();
            for (Plan lost : neverRan) {
                scenario.all.stream().filter(p -> p != lost && p.name.equals(lost.name) && stepped.contains(p))
                        .findFirst().ifPresent(twin -> text.append(lost.label).append(" never ran, though it"
                                + " was spawned, while ").append(twin.label).append(", another task named ")
                                .append(lost.name).append(", did: two tasks may share a name, and each is a task"
                                + " of its own. "));
            }
            if (turn >= stepped.size()) {
                List<Plan> waiting = expected.queueBefore.get(turn);
                text.append("run() returned after ").append(turn).append(turn == 1 ? " step" : " steps")
                        .append(", while the ready queue should still have held, front to back: ")
                        .append(labels(waiting)).append('.');
                List<Plan> spawnedDuringTheRun = waiting.stream().filter(p -> p.parent != null).distinct().toList();
                if (!spawnedDuringTheRun.isEmpty()) {
                    text.append(" Of those, ").append(labels(spawnedDuringTheRun)).append(
                            spawnedDuringTheRun.size() == 1 ? " was" : " were").append(" spawned by a step"
                            + " during the run. run() goes on until the queue is empty, whoever put the tasks"
                            + " there.");
                }
                return text.toString();
            }
            if (turn >= want.size()) {
                text.append("run() went on stepping after every task had finished.");
                return text.toString();
            }
            Plan ran = stepped.get(turn);
            List<Plan> queue = expected.queueBefore.get(turn);
            text.append("Before turn ").append(turn + 1).append(" the ready queue should have held, front to"
                    + " back: ").append(labels(queue)).append(". ");
            List<Plan> others = queue.stream().filter(p -> p != ran).toList();
            if (turn > 0 && stepped.get(turn - 1) == ran && !others.isEmpty()) {
                text.append(ran.label).append(" ran again right after its own step, while ")
                        .append(labels(others)).append(" should have been waiting. A turn is one step: after it,"
                        + " a task with more to do goes to the back of the queue, behind the tasks that are"
                        + " waiting.");
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
    }

    private Outcome runChecked(Scenario scenario, RoundRobin scheduler) {
        Outcome outcome = new Outcome(scenario, scheduler);
        scenario.initial.forEach(outcome::spawn);
        outcome.run();
        return outcome;
    }

    private static String labels(List<Plan> plans) {
        return plans.isEmpty() ? "(none)" : plans.stream().map(p -> p.label).collect(Collectors.joining(" "));
    }

    private static String show(List<String> trace) {
        return trace.isEmpty() ? "(nothing)" : String.join(" ", trace);
    }
}
