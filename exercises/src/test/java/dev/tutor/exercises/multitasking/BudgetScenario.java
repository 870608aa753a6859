package dev.tutor.exercises.multitasking;

import static dev.tutor.exercises.multitasking.StepTimes.budget;
import static dev.tutor.exercises.multitasking.StepTimes.randomSteps;
import static dev.tutor.exercises.multitasking.StepTimes.start;

import dev.tutor.exercises.multitasking.BudgetPlan.Act;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The tasks of one {@link BudgetedScheduler} test run: those spawned before run(), in order, and those spawned
 * from their steps, with the budget and the moves of the fake clock between the spawns. It also describes them
 * for the messages, so that a learner sees the run that went wrong.
 */
final class BudgetScenario {
    final TaskNames names;
    final long budget;
    final long start;
    final List<BudgetPlan> initial = new ArrayList<>();
    final List<BudgetPlan> all = new ArrayList<>();
    /** How far the clock moves after the last spawn, before run() is called. */
    long runAfter;

    BudgetScenario(TaskNames names, long budget, long start) {
        this.names = names;
        this.budget = budget;
        this.start = start;
    }

    /**
     * Up to six tasks of up to eight steps, some of them greedy on some or all of their steps, and up to three
     * spawned from inside steps. With {@code timing}, the clock also moves between spawns and before run(),
     * and the spawns inside a step come at any moment of it.
     */
    static BudgetScenario randomScenario(Random random, TaskNames names, boolean timing) {
        long budget = budget(random);
        BudgetScenario scenario = new BudgetScenario(names, budget, start(random));
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
            BudgetPlan parent = scenario.all.get(random.nextInt(scenario.all.size()));
            int step = 1 + random.nextInt(parent.steps.size());
            long total = parent.millis(step);
            long at = !timing ? total : random.nextBoolean() ? 0 : random.nextLong(total + 1);
            scenario.child(parent, step, at, randomSteps(random, budget));
        }
        return scenario;
    }

    BudgetPlan task(long... millis) {
        BudgetPlan plan = add(new BudgetPlan(names.next(), millis));
        initial.add(plan);
        return plan;
    }

    /** Has {@code parent} spawn a new task {@code at} ms into its step {@code step}. */
    BudgetPlan child(BudgetPlan parent, int step, long at, long... millis) {
        BudgetPlan plan = add(new BudgetPlan(names.next(), millis));
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

    private BudgetPlan add(BudgetPlan plan) {
        all.add(plan);
        Map<String, Integer> count = new HashMap<>();
        all.forEach(p -> count.merge(p.name, 1, Integer::sum));
        Map<String, Integer> seen = new HashMap<>();
        for (BudgetPlan p : all) {
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
        for (BudgetPlan plan : initial) {
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

    private static String describe(BudgetPlan plan) {
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
