package dev.tutor.exercises.multitasking;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * One task of a {@link RoundRobin} test as the test plans it: its name, its number of steps, and what happens
 * in which of its steps. A plan is a task's identity in the tests: two plans of one name are two tasks.
 */
final class RoundRobinPlan {
    final String name;
    final int steps;
    /** The tasks spawned during a step, by step number (from 1), in the order they are spawned. */
    final Map<Integer, List<RoundRobinPlan>> spawns = new TreeMap<>();
    /** Something else done during a step, by step number, after the spawns. */
    final Map<Integer, Runnable> hooks = new HashMap<>();
    RoundRobinPlan parent;
    int spawnedInStep;
    /** A unique name for messages: the name, with #n added when several tasks share it. */
    String label;
    int throwsIn;
    RuntimeException exception;

    RoundRobinPlan(String name, int steps) {
        this.name = name;
        this.steps = steps;
    }

    List<RoundRobinPlan> spawnsIn(int step) {
        return spawns.getOrDefault(step, List.of());
    }

    /** The plans' labels, in order, for the messages. */
    static String labels(List<RoundRobinPlan> plans) {
        return plans.isEmpty() ? "(none)" : plans.stream().map(p -> p.label).collect(Collectors.joining(" "));
    }
}
