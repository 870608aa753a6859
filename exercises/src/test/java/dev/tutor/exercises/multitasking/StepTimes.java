package dev.tutor.exercises.multitasking;

import java.util.Random;
import java.util.function.LongSupplier;

/**
 * The seeded draws of time for {@link BudgetedScheduler}'s tests: budgets, where the fake clock starts, and
 * step times under the budget or at it and over. Each draw names the edges a shortcut gets wrong (a step of
 * exactly the budget, one a millisecond short of it) so that every seed meets them often.
 */
final class StepTimes {

    private StepTimes() {
    }

    /** A budget: 1 ms, a few ms, about asyncio's 100 ms, or up to a second. */
    static long budget(Random random) {
        return switch (random.nextInt(5)) {
            case 0 -> 1;
            case 1 -> 2 + random.nextInt(20);
            case 2 -> 100;
            case 3 -> 50 + random.nextInt(150);
            default -> 200 + random.nextInt(800);
        };
    }

    /** Where the clock stands when the first task is spawned: never 0, so that no default value passes for it. */
    static long start(Random random) {
        return 1 + random.nextInt(1_000_000);
    }

    /** A step under the budget: no time at all, 1 ms, a millisecond short of the budget, or anything between. */
    static long fair(Random random, long budget) {
        return switch (random.nextInt(4)) {
            case 0 -> 0;
            case 1 -> Math.min(1, budget - 1);
            case 2 -> budget - 1;
            default -> random.nextLong(budget);
        };
    }

    /** A step of the budget or more: exactly the budget, a millisecond over it, or up to four times it. */
    static long slow(Random random, long budget) {
        return switch (random.nextInt(3)) {
            case 0 -> budget;
            case 1 -> budget + 1;
            default -> budget + random.nextLong(3 * budget + 1);
        };
    }

    /** {@code steps} step times, each drawn from {@code each}, in order. */
    static long[] times(int steps, LongSupplier each) {
        long[] millis = new long[steps];
        for (int i = 0; i < steps; i++) {
            millis[i] = each.getAsLong();
        }
        return millis;
    }

    /** One to eight steps: a task that is fair throughout, greedy throughout, or greedy now and then. */
    static long[] randomSteps(Random random, long budget) {
        int kind = random.nextInt(3);
        return times(1 + random.nextInt(8), () -> switch (kind) {
            case 0 -> fair(random, budget);
            case 1 -> slow(random, budget);
            default -> random.nextInt(3) == 0 ? slow(random, budget) : fair(random, budget);
        });
    }
}
