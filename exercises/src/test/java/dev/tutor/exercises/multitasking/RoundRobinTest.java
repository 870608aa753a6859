package dev.tutor.exercises.multitasking;

import static dev.tutor.exercises.multitasking.RoundRobinPlan.labels;
import static dev.tutor.exercises.multitasking.RoundRobinRun.show;
import static dev.tutor.exercises.multitasking.RoundRobinScenario.randomScenario;
import static dev.tutor.exercises.multitasking.TaskNames.LETTERS;
import static dev.tutor.exercises.multitasking.TaskNames.cycle;
import static dev.tutor.exercises.multitasking.TaskNames.distinctNames;
import static dev.tutor.exercises.multitasking.TaskNames.fewNames;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tutor.exercises.support.CompiledNest;
import dev.tutor.exercises.support.Seeded;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
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

    @Test
    @Order(1)
    @Tag("hint:1")
    void startsTasksInTheOrderTheyWereSpawned(Random random) {
        for (int sample = 0; sample < 40; sample++) {
            RoundRobinScenario scenario = new RoundRobinScenario(distinctNames(random));
            int tasks = sample == 0 ? 2 : sample == 1 ? 1 : 2 + random.nextInt(7);
            for (int i = 0; i < tasks; i++) {
                scenario.task(1);
            }
            RoundRobinRun outcome = runChecked(scenario, new RoundRobin());
            List<RoundRobinPlan> expected = scenario.initial;
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
            RoundRobinScenario scenario = new RoundRobinScenario(distinctNames(random));
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
        RoundRobinScenario scenario = new RoundRobinScenario(distinctNames(random));
        int tasks = 2 + random.nextInt(3);
        for (int i = 0; i < tasks; i++) {
            scenario.task(1 + random.nextInt(4));
        }
        scenario.child(scenario.initial.get(0), 1, 1 + random.nextInt(3));
        RoundRobinRun outcome = new RoundRobinRun(scenario, new RoundRobin());
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
        List<RoundRobinScenario> scenarios = new ArrayList<>();
        // The shapes every seed meets, with lengths and names from the seed.
        RoundRobinScenario first = new RoundRobinScenario(distinctNames(random));
        RoundRobinPlan a = first.task(2 + random.nextInt(4));
        first.task(1 + random.nextInt(4));
        first.child(a, 1, 1 + random.nextInt(3));
        scenarios.add(first);

        RoundRobinScenario notFirstInItsRound = new RoundRobinScenario(distinctNames(random));
        notFirstInItsRound.task(2 + random.nextInt(3));
        RoundRobinPlan b = notFirstInItsRound.task(1 + random.nextInt(3));
        notFirstInItsRound.task(1 + random.nextInt(3));
        notFirstInItsRound.child(b, 1 + random.nextInt(b.steps), 1 + random.nextInt(3));
        scenarios.add(notFirstInItsRound);

        RoundRobinScenario alone = new RoundRobinScenario(distinctNames(random));
        RoundRobinPlan lone = alone.task(3 + random.nextInt(4));
        alone.child(lone, 1 + random.nextInt(lone.steps - 1), 1 + random.nextInt(3));
        scenarios.add(alone);

        RoundRobinScenario lastLeft = new RoundRobinScenario(distinctNames(random));
        lastLeft.task(1);
        RoundRobinPlan longer = lastLeft.task(4 + random.nextInt(3));
        lastLeft.child(longer, 2 + random.nextInt(longer.steps - 2), 2);
        scenarios.add(lastLeft);

        RoundRobinScenario inTheLastStep = new RoundRobinScenario(distinctNames(random));
        RoundRobinPlan finishing = inTheLastStep.task(1 + random.nextInt(3));
        inTheLastStep.task(2 + random.nextInt(3));
        inTheLastStep.child(finishing, finishing.steps, 1 + random.nextInt(3));
        scenarios.add(inTheLastStep);

        RoundRobinScenario nested = new RoundRobinScenario(distinctNames(random));
        RoundRobinPlan parent = nested.task(2 + random.nextInt(2));
        nested.task(2);
        RoundRobinPlan child = nested.child(parent, 1, 2 + random.nextInt(2));
        nested.child(child, 1 + random.nextInt(child.steps), 1 + random.nextInt(2));
        nested.child(parent, parent.steps, 1);
        scenarios.add(nested);

        for (int sample = 0; sample < 80; sample++) {
            scenarios.add(randomScenario(random, distinctNames(random)));
        }
        for (RoundRobinScenario scenario : scenarios) {
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
            RoundRobinScenario scenario = randomScenario(random, distinctNames(random));
            RoundRobinRun outcome = runChecked(scenario, scheduler);
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
        List<RoundRobinScenario> scenarios = new ArrayList<>();
        String name = String.valueOf(LETTERS.charAt(random.nextInt(LETTERS.length())));
        RoundRobinScenario twins = new RoundRobinScenario(() -> name);
        twins.task(1 + random.nextInt(3));
        twins.task(1 + random.nextInt(3));
        scenarios.add(twins);

        String other = name.equals("Z") ? "Y" : "Z";
        RoundRobinScenario childLikeAWaitingTask = new RoundRobinScenario(cycle(name, other));
        RoundRobinPlan spawner = childLikeAWaitingTask.task(2 + random.nextInt(2));
        childLikeAWaitingTask.task(2 + random.nextInt(2));
        childLikeAWaitingTask.child(spawner, 1, 1 + random.nextInt(2));
        scenarios.add(childLikeAWaitingTask);

        for (int sample = 0; sample < 60; sample++) {
            scenarios.add(randomScenario(random, fewNames(random)));
        }
        for (RoundRobinScenario scenario : scenarios) {
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
                throw new SchedulerMisuse("run() had already called the shared step " + most + " times; it was"
                        + " stopped.");
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
        } catch (SchedulerMisuse e) {
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
        TaskNames names = distinctNames(random);
        RoundRobinScenario left = new RoundRobinScenario(names);
        RoundRobinScenario right = new RoundRobinScenario(names);
        int each = 2 + random.nextInt(3);
        for (int i = 0; i < each; i++) {
            left.task(1 + random.nextInt(4));
            right.task(1 + random.nextInt(4));
        }
        RoundRobin leftScheduler = new RoundRobin();
        RoundRobin rightScheduler = new RoundRobin();
        RoundRobinRun leftOutcome = new RoundRobinRun(left, leftScheduler);
        RoundRobinRun rightOutcome = new RoundRobinRun(right, rightScheduler);
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
        RoundRobinScenario outer = new RoundRobinScenario(distinctNames(random));
        RoundRobinPlan host = outer.task(2 + random.nextInt(2));
        outer.task(2 + random.nextInt(3));
        RoundRobinScenario inner = new RoundRobinScenario(distinctNames(random));
        inner.task(1 + random.nextInt(3));
        inner.task(1 + random.nextInt(3));
        RoundRobinRun[] innerOutcome = new RoundRobinRun[1];
        host.hooks.put(1, () -> {
            innerOutcome[0] = new RoundRobinRun(inner, new RoundRobin());
            inner.initial.forEach(innerOutcome[0]::spawn);
            innerOutcome[0].run();
        });
        RoundRobinRun outerOutcome = new RoundRobinRun(outer, new RoundRobin());
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

    private static String story(RoundRobinPlan host, RoundRobinScenario outer, RoundRobinScenario inner) {
        return "In its first step " + host.label + " (a task of one scheduler: " + labels(outer.initial)
                + ") made a second scheduler, spawned " + labels(inner.initial) + " on it and ran it.";
    }

    @Test
    @Order(9)
    @Tag("hint:4")
    void aStepThatThrowsEndsTheRunWithItsOwnException(Random random) {
        for (int sample = 0; sample < 30; sample++) {
            RoundRobinScenario scenario;
            if (sample == 0) {
                scenario = new RoundRobinScenario(distinctNames(random));
                scenario.task(2 + random.nextInt(3));
                scenario.task(2 + random.nextInt(3));
                scenario.task(1 + random.nextInt(3));
            } else {
                scenario = randomScenario(random, distinctNames(random));
            }
            RoundRobinModel model = new RoundRobinModel(scenario.initial);
            int throwAt = model.order().size() == 1 ? 0 : random.nextInt(model.order().size() - 1);
            RoundRobinPlan thrower = model.order().get(throwAt);
            int throwingStep = Collections.frequency(model.order().subList(0, throwAt + 1), thrower);
            thrower.throwsIn = throwingStep;
            RuntimeException boom = new IllegalStateException("the step of " + thrower.label + " failed (thrown by"
                    + " the test)");
            thrower.exception = boom;
            // The model of the run that throws: up to the throwing step (whatever it spawned before it threw
            // stays queued), then the thrower leaves the queue.
            RoundRobinModel before = new RoundRobinModel(scenario.initial, throwAt + 1);
            before.queue.remove(thrower);

            RoundRobin scheduler = new RoundRobin();
            RoundRobinRun outcome = new RoundRobinRun(scenario, scheduler);
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
            List<RoundRobinPlan> upToTheThrow = model.order().subList(0, throwAt + 1);
            if (!outcome.stepped.equals(upToTheThrow)) {
                fail(where + " run() must stop at once; the steps that ran were " + labels(outcome.stepped)
                        + ", where " + labels(upToTheThrow) + " were expected.");
            }
            // The tasks still waiting stay queued, in order, for the next run().
            List<RoundRobinPlan> rest = before.runToEnd();
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

    private RoundRobinRun runChecked(RoundRobinScenario scenario, RoundRobin scheduler) {
        RoundRobinRun outcome = new RoundRobinRun(scenario, scheduler);
        scenario.initial.forEach(outcome::spawn);
        outcome.run();
        return outcome;
    }
}
