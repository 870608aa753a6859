package dev.tutor.exercises.multitasking;

import static dev.tutor.exercises.multitasking.RoundRobinPlan.labels;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@link RoundRobin} running one scenario: which steps really ran, on which threads, against the model.
 * The steps it spawns are the test's own: a step the scheduler should not have called throws a
 * {@link SchedulerMisuse}, and the checks fail with what the task saw even if the learner caught it.
 */
final class RoundRobinRun {
    final RoundRobinScenario scenario;
    final RoundRobin scheduler;
    final RoundRobinModel expected;
    final List<RoundRobinPlan> stepped = new ArrayList<>();
    final List<Thread> threads = new ArrayList<>();
    final Map<RoundRobinPlan, Integer> done = new IdentityHashMap<>();
    List<String> trace;
    String misuse;
    /** Set for the second run() of a test whose first run() threw, for the messages. */
    boolean afterAThrow;

    RoundRobinRun(RoundRobinScenario scenario, RoundRobin scheduler) {
        this.scenario = scenario;
        this.scheduler = scheduler;
        this.expected = new RoundRobinModel(scenario.initial);
    }

    void spawn(RoundRobinPlan plan) {
        scheduler.spawn(plan.name, () -> step(plan));
    }

    private boolean step(RoundRobinPlan plan) {
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
            throw new SchedulerMisuse(misuse);
        }
        if (stepped.size() > 4 * expected.order.size() + 20) {
            misuse = "run() had already stepped " + stepped.size() + " times, where the tasks have "
                    + expected.order.size() + " steps in all; it was stopped here.";
            throw new SchedulerMisuse(misuse);
        }
        done++;
        this.done.put(plan, done);
        stepped.add(plan);
        threads.add(Thread.currentThread());
        for (RoundRobinPlan child : plan.spawnsIn(done)) {
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
            if (t instanceof SchedulerMisuse) {
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
        List<RoundRobinPlan> want = expected.order;
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
        List<RoundRobinPlan> neverRan = scenario.all.stream().filter(p -> want.contains(p) && !stepped.contains(p))
                .toList();
        for (RoundRobinPlan lost : neverRan) {
            scenario.all.stream().filter(p -> p != lost && p.name.equals(lost.name) && stepped.contains(p))
                    .findFirst().ifPresent(twin -> text.append(lost.label).append(" never ran, though it"
                            + " was spawned, while ").append(twin.label).append(", another task named ")
                            .append(lost.name).append(", did: two tasks may share a name, and each is a task"
                            + " of its own. "));
        }
        if (turn >= stepped.size()) {
            List<RoundRobinPlan> waiting = expected.queueBefore.get(turn);
            text.append("run() returned after ").append(turn).append(turn == 1 ? " step" : " steps")
                    .append(", while the ready queue should still have held, front to back: ")
                    .append(labels(waiting)).append('.');
            List<RoundRobinPlan> spawnedDuringTheRun = waiting.stream().filter(p -> p.parent != null).distinct()
                    .toList();
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
        RoundRobinPlan ran = stepped.get(turn);
        List<RoundRobinPlan> queue = expected.queueBefore.get(turn);
        text.append("Before turn ").append(turn + 1).append(" the ready queue should have held, front to"
                + " back: ").append(labels(queue)).append(". ");
        List<RoundRobinPlan> others = queue.stream().filter(p -> p != ran).toList();
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

    /** A trace as the messages show it. */
    static String show(List<String> trace) {
        return trace.isEmpty() ? "(nothing)" : String.join(" ", trace);
    }
}
