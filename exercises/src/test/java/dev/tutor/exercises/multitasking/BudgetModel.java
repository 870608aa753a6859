package dev.tutor.exercises.multitasking;

import dev.tutor.exercises.multitasking.BudgetPlan.Act;
import dev.tutor.exercises.multitasking.BudgetedScheduler.LongestWait;
import dev.tutor.exercises.multitasking.BudgetedScheduler.SlowStep;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reference: a FIFO round-robin on the fake clock. It knows every step's time and every wait of a
 * {@link BudgetScenario} exactly, and, run by a mistaken {@link Rule}, what a wrong wait would match.
 */
final class BudgetModel {
    /** How a wait is measured: rightly, or as a mistaken answer might, to say what a wrong number matches. */
    enum Rule {
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

    final List<BudgetPlan> order = new ArrayList<>();
    final List<List<BudgetPlan>> queueBefore = new ArrayList<>();
    final List<SlowStep> slowSteps = new ArrayList<>();
    /** For each slow step, its task and turn, for the messages. */
    final List<BudgetPlan> slowPlans = new ArrayList<>();
    /** For each slow step, whether it was its task's last. */
    final List<Boolean> slowWasLast = new ArrayList<>();
    final List<BudgetPlan> finished = new ArrayList<>();
    final Map<BudgetPlan, Long> longest = new IdentityHashMap<>();
    /** Each task's waits, as {ready, began}. */
    final Map<BudgetPlan, List<long[]>> waits = new IdentityHashMap<>();

    BudgetModel(BudgetScenario scenario, Rule rule) {
        long now = scenario.start;
        Deque<BudgetPlan> queue = new ArrayDeque<>();
        Map<BudgetPlan, Long> ready = new IdentityHashMap<>();
        Map<BudgetPlan, Integer> done = new IdentityHashMap<>();
        for (BudgetPlan plan : scenario.initial) {
            now += plan.spawnedAfter;
            queue.addLast(plan);
            ready.put(plan, now);
        }
        now += scenario.runAfter;
        if (rule == Rule.READY_FROM_RUN) {
            for (BudgetPlan plan : scenario.initial) {
                ready.put(plan, now);
            }
        }
        while (!queue.isEmpty()) {
            queueBefore.add(List.copyOf(queue));
            BudgetPlan plan = queue.pollFirst();
            order.add(plan);
            long began = now;
            waits.computeIfAbsent(plan, p -> new ArrayList<>()).add(new long[] {ready.get(plan), began});
            longest.merge(plan, began - ready.get(plan), Math::max);
            int step = done.merge(plan, 1, Integer::sum);
            List<BudgetPlan> spawned = new ArrayList<>();
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
                for (BudgetPlan child : spawned) {
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
