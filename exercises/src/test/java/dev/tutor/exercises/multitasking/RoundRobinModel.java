package dev.tutor.exercises.multitasking;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reference for {@link RoundRobin}'s tests: a FIFO ready queue stepped one task per turn, with the queue
 * as it stands before every turn, for the messages.
 */
final class RoundRobinModel {
    final Deque<RoundRobinPlan> queue;
    final Map<RoundRobinPlan, Integer> done = new IdentityHashMap<>();
    final List<RoundRobinPlan> order = new ArrayList<>();
    final List<List<RoundRobinPlan>> queueBefore = new ArrayList<>();

    RoundRobinModel(List<RoundRobinPlan> initial) {
        this(initial, Integer.MAX_VALUE);
    }

    RoundRobinModel(List<RoundRobinPlan> initial, int turns) {
        queue = new ArrayDeque<>(initial);
        while (!queue.isEmpty() && order.size() < turns) {
            turn();
        }
    }

    private void turn() {
        queueBefore.add(List.copyOf(queue));
        RoundRobinPlan plan = queue.pollFirst();
        order.add(plan);
        int step = done.merge(plan, 1, Integer::sum);
        queue.addAll(plan.spawnsIn(step));
        if (step < plan.steps) {
            queue.addLast(plan);
        }
    }

    /** Runs on to the end and returns the turns from here. */
    List<RoundRobinPlan> runToEnd() {
        int from = order.size();
        while (!queue.isEmpty()) {
            turn();
        }
        return List.copyOf(order.subList(from, order.size()));
    }

    List<RoundRobinPlan> order() {
        return order;
    }
}
