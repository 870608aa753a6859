package dev.tutor.exercises.multitasking;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
        List<long[]> intervals = new ArrayList<>();
        for (Slice slice : schedule) {
            intervals.add(new long[] {slice.start(), slice.end()});
        }
        return mostOverlapping(intervals);
    }

    /** Concurrency: the largest number of tasks in progress at one and the same instant. */
    public static int mostInProgress(List<Slice> schedule) {
        Map<String, long[]> spans = new LinkedHashMap<>();
        for (Slice slice : schedule) {
            long[] span = spans.computeIfAbsent(slice.task(), task -> new long[] {slice.start(), slice.end()});
            span[0] = Math.min(span[0], slice.start());
            span[1] = Math.max(span[1], slice.end());
        }
        return mostOverlapping(new ArrayList<>(spans.values()));
    }

    /**
     * The largest number of half-open intervals [start, end) that share an instant: a sweep over the
     * starts and ends in time order, counting up at a start and down at an end. At equal times the end
     * comes first, because an interval no longer covers its end.
     */
    private static int mostOverlapping(List<long[]> intervals) {
        List<long[]> events = new ArrayList<>(); // {time, +1 or -1}
        for (long[] interval : intervals) {
            events.add(new long[] {interval[0], +1});
            events.add(new long[] {interval[1], -1});
        }
        events.sort((x, y) -> x[0] != y[0] ? Long.compare(x[0], y[0]) : Long.compare(x[1], y[1]));
        int now = 0;
        int most = 0;
        for (long[] event : events) {
            now += (int) event[1];
            most = Math.max(most, now);
        }
        return most;
    }
}
