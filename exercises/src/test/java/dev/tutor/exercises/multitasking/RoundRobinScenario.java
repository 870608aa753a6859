package dev.tutor.exercises.multitasking;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

/**
 * The tasks of one {@link RoundRobin} test run: those spawned before run(), in order, and those they spawn.
 * It also describes them for the messages, so that a learner sees the run that went wrong.
 */
final class RoundRobinScenario {
    final TaskNames names;
    final List<RoundRobinPlan> initial = new ArrayList<>();
    final List<RoundRobinPlan> all = new ArrayList<>();

    RoundRobinScenario(TaskNames names) {
        this.names = names;
    }

    /** Up to six tasks of up to eight steps, spawned before run(), and up to four spawned from steps. */
    static RoundRobinScenario randomScenario(Random random, TaskNames names) {
        RoundRobinScenario scenario = new RoundRobinScenario(names);
        int tasks = 1 + random.nextInt(6);
        for (int i = 0; i < tasks; i++) {
            scenario.task(1 + random.nextInt(8));
        }
        int spawns = random.nextInt(5);
        for (int i = 0; i < spawns; i++) {
            RoundRobinPlan parent = scenario.all.get(random.nextInt(scenario.all.size()));
            scenario.child(parent, 1 + random.nextInt(parent.steps), 1 + random.nextInt(5));
        }
        return scenario;
    }

    RoundRobinPlan task(int steps) {
        RoundRobinPlan plan = add(new RoundRobinPlan(names.next(), steps));
        initial.add(plan);
        return plan;
    }

    RoundRobinPlan child(RoundRobinPlan parent, int step, int steps) {
        RoundRobinPlan plan = add(new RoundRobinPlan(names.next(), steps));
        plan.parent = parent;
        plan.spawnedInStep = step;
        parent.spawns.computeIfAbsent(step, s -> new ArrayList<>()).add(plan);
        return plan;
    }

    private RoundRobinPlan add(RoundRobinPlan plan) {
        all.add(plan);
        Map<String, Integer> count = new HashMap<>();
        all.forEach(p -> count.merge(p.name, 1, Integer::sum));
        Map<String, Integer> seen = new HashMap<>();
        for (RoundRobinPlan p : all) {
            int n = seen.merge(p.name, 1, Integer::sum);
            p.label = count.get(p.name) > 1 ? p.name + "#" + n : p.name;
        }
        return plan;
    }

    String describe() {
        StringBuilder text = new StringBuilder("Spawned before run(), in this order: ");
        text.append(initial.stream().map(RoundRobinScenario::describe).collect(Collectors.joining(", ")))
                .append('.');
        if (all.stream().anyMatch(p -> !p.label.equals(p.name))) {
            text.append(" (A name with #n marks one of several tasks that share that name; the trace shows"
                    + " the name alone.)");
        }
        return text.toString();
    }

    private static String describe(RoundRobinPlan plan) {
        StringBuilder text = new StringBuilder(plan.label).append(" (").append(plan.steps)
                .append(plan.steps == 1 ? " step" : " steps");
        for (Map.Entry<Integer, List<RoundRobinPlan>> entry : plan.spawns.entrySet()) {
            text.append("; in its step ").append(entry.getKey()).append(" it spawns ")
                    .append(entry.getValue().stream().map(RoundRobinScenario::describe).collect(Collectors.joining(
                            " and ")));
        }
        return text.append(')').toString();
    }
}
