package dev.tutor.exercises.multitasking;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One task of a {@link BudgetedScheduler} test as the test plans it: its name and what each of its steps does,
 * how long it holds the thread and which tasks it spawns at which moment. A plan is a task's identity in the
 * tests: two plans of one name are two tasks.
 */
final class BudgetPlan {
    /** Something a step does: moves the clock on by {@code millis}, or spawns {@code child}. */
    record Act(long millis, BudgetPlan child) {
    }

    final String name;
    final List<List<Act>> steps = new ArrayList<>();
    /** For a task spawned before run(): how far the clock moves just before it is spawned. */
    long spawnedAfter;
    BudgetPlan parent;
    /** A unique name for messages: the name, with #n added when several tasks share it. */
    String label;
    int throwsIn;
    RuntimeException exception;

    BudgetPlan(String name, long... millis) {
        this.name = name;
        for (long m : millis) {
            steps.add(new ArrayList<>(List.of(new Act(m, null))));
        }
    }

    /** The time step {@code step} (from 1) holds the thread. */
    long millis(int step) {
        return steps.get(step - 1).stream().mapToLong(Act::millis).sum();
    }

    /** The plans' labels, in order, for the messages. */
    static String labels(List<BudgetPlan> plans) {
        return plans.isEmpty() ? "(none)" : plans.stream().map(p -> p.label).collect(Collectors.joining(" "));
    }
}
