package dev.tutor.exercises.multitasking;

import java.util.List;
import java.util.Objects;

/**
 * Reads a recorded schedule and tells concurrency from parallelism: how many tasks were in progress at
 * once, and how many were running at the same instant.
 *
 * <p>A schedule is a list of {@link Slice}s: stretches of time in which one task ran on one core. A task
 * is <em>running</em> during its slices. It is <em>in progress</em> from the start of its first slice to
 * the end of its last, the gaps included: between its slices it has started and not finished, and waits
 * for its next turn. Two tasks taking turns on one core are both in progress (concurrency) while only one
 * runs at any instant; only two cores can run two at once (parallelism).
 *
 * <p>Times are in ticks, any unit you like. A slice covers its start but not its end, [start, end): a
 * slice that ends at 10 and one that starts at 10 do not overlap. The list may come in any order.
 *
 * <p>Exercise: complete {@link #mostRunning} and {@link #mostInProgress}. Leave {@link Slice} as it is;
 * the tests use it. You may add private helper methods.
 */
public final class Overlap {

    private Overlap() {
    }

    /**
     * One stretch of time in which a task ran on a core.
     *
     * @param task  the task's name
     * @param core  the core it ran on, from 0
     * @param start the first tick of the slice
     * @param end   the tick just after the slice; greater than {@code start}
     */
    public record Slice(String task, int core, long start, long end) {
        public Slice {
            Objects.requireNonNull(task, "task");
            if (core < 0) {
                throw new IllegalArgumentException("core < 0: " + core);
            }
            if (end <= start) {
                throw new IllegalArgumentException("end <= start: [" + start + ", " + end + ")");
            }
        }
    }

    /** Parallelism: the largest number of slices that cover one and the same instant. */
    public static int mostRunning(List<Slice> schedule) {
        // TODO: find the instant covered by the most slices, and return how many cover it.
        return 0;
    }

    /** Concurrency: the largest number of tasks in progress at one and the same instant. */
    public static int mostInProgress(List<Slice> schedule) {
        // TODO: find each task's span, from the start of its first slice to the end of its last,
        //       and return the largest number of spans that cover one instant.
        return 0;
    }
}
