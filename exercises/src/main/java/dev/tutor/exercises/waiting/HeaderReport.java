package dev.tutor.exercises.waiting;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Runs the four steps of lesson 1, fetch (I/O), format (CPU), join (CPU) and write (I/O), and reports
 * where the time went: the wall-clock time and the CPU time of each step, the label that the two give
 * it, and the same for the whole run.
 *
 * <p>A program that is slow for a reason you cannot see becomes easy to judge once each of its steps
 * carries two numbers: a step whose CPU time is a small part of its wall time spent its life waiting,
 * and no faster processor will help it.
 *
 * <p>The steps run on the calling thread, which must be a platform thread: the JVM reports no CPU time
 * for virtual threads.
 *
 * <p>Exercise: complete {@link #run}. Leave {@link Steps}, {@link Step}, {@link Bound}, the two records and
 * {@link #bound} as they are; the tests use them.
 */
public final class HeaderReport {

    private HeaderReport() {
    }

    /** The four steps, in the order they run. */
    public enum Step {
        FETCH, FORMAT, JOIN, WRITE
    }

    /** What limits a step's speed. */
    public enum Bound {
        /** The step spent most of its time waiting: for a network, a disk, a timer. */
        IO_BOUND,
        /** The step spent at least half of its time running on a CPU. */
        CPU_BOUND
    }

    /**
     * The work of the four steps. Only {@link #fetch()} has no body, so a lambda that fetches is a
     * complete {@code Steps}: {@code HeaderReport.run(() -> fetchHeadersFromTheServer(), file)}.
     * The other three do the standard work, and a test may replace any of them.
     */
    @FunctionalInterface
    public interface Steps {

        /** Step 1, I/O: asks a server for a page and returns its headers, name to values. */
        Map<String, List<String>> fetch() throws IOException;

        /**
         * Step 2, CPU: one {@code Name: value} line for every value of every header, the names in
         * alphabetical order. HTTP's status line, which {@code HttpURLConnection} files under the name
         * {@code null}, is not a header and is left out.
         */
        default List<String> format(Map<String, List<String>> headers) {
            Map<String, List<String>> byName = new TreeMap<>();
            headers.forEach((name, values) -> {
                if (name != null) {
                    byName.put(name, values);
                }
            });
            List<String> lines = new ArrayList<>();
            byName.forEach((name, values) -> values.forEach(value -> lines.add(name + ": " + value)));
            return lines;
        }

        /** Step 3, CPU: glues the lines into one text, a line break after each. */
        default String join(List<String> lines) {
            StringBuilder text = new StringBuilder();
            for (String line : lines) {
                text.append(line).append('\n');
            }
            return text.toString();
        }

        /** Step 4, I/O: hands the text to the operating system for {@code file}, replacing what was there. */
        default void write(Path file, String text) throws IOException {
            Files.writeString(file, text);
        }
    }

    /**
     * One step's timing.
     *
     * @param step  which step
     * @param wall  the wall-clock time from just before the step started to just after it returned
     * @param cpu   the CPU time the calling thread used during the step
     * @param bound {@link #bound}'s label for these two durations
     */
    public record StepTime(Step step, Duration wall, Duration cpu, Bound bound) {
        public StepTime {
            Objects.requireNonNull(step, "step");
            Objects.requireNonNull(wall, "wall");
            Objects.requireNonNull(cpu, "cpu");
            Objects.requireNonNull(bound, "bound");
        }
    }

    /**
     * Where the time went.
     *
     * @param steps one entry per step, in the order the steps ran
     * @param wall  the wall-clock time of the whole run, from just before the fetch to just after the write
     * @param cpu   the CPU time the calling thread used in the whole run
     * @param bound {@link #bound}'s label for the whole run
     */
    public record Report(List<StepTime> steps, Duration wall, Duration cpu, Bound bound) {
        public Report {
            steps = List.copyOf(steps);
            Objects.requireNonNull(wall, "wall");
            Objects.requireNonNull(cpu, "cpu");
            Objects.requireNonNull(bound, "bound");
        }
    }

    /**
     * Runs the four steps once, in order, on the calling thread, each given what the one before returned,
     * writing the joined headers to {@code file}, and reports the wall and CPU time of each step and of
     * the whole run.
     *
     * <p>A step's wall time comes from {@link System#nanoTime()} and its CPU time from the calling
     * thread's CPU clock, both read just before the step starts and just after it returns; the whole
     * run's, just before the fetch and just after the write. Each label is {@link #bound} of its own two
     * durations: a step's of that step's, the report's of the whole run's.
     *
     * @throws IOException           the very exception that {@code fetch} or {@code write} threw, unchanged;
     *                               the steps after the one that failed do not run, and there is no report.
     *                               Any other exception from a step goes up unchanged in the same way.
     * @throws IllegalStateException if the calling thread's CPU time cannot be read (on a virtual thread
     *                               the CPU clock answers -1); no step runs then
     */
    public static Report run(Steps steps, Path file) throws IOException {
        // TODO: time each step on its own: both clocks read just before it and just after it.
        // TODO: time the whole run as well.
        Map<String, List<String>> headers = steps.fetch();
        List<String> lines = steps.format(headers);
        String text = steps.join(lines);
        steps.write(file, text);
        // TODO: one StepTime per step, in the order they ran, each labelled by bound(wall, cpu).
        List<StepTime> timings = new ArrayList<>();
        Duration wall = Duration.ZERO;
        Duration cpu = Duration.ZERO;
        return new Report(timings, wall, cpu, bound(wall, cpu));
    }

    /** Lesson 1's rule, given: CPU-bound when the CPU time is at least half the wall time. */
    public static Bound bound(Duration wall, Duration cpu) {
        return cpu.multipliedBy(2).compareTo(wall) >= 0 ? Bound.CPU_BOUND : Bound.IO_BOUND;
    }
}
