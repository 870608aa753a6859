package dev.tutor.exercises.waiting;

import static dev.tutor.exercises.waiting.FakeSteps.THREADS;
import static dev.tutor.exercises.waiting.FakeSteps.name;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tutor.exercises.waiting.FakeSteps.Work;
import dev.tutor.exercises.waiting.HeaderReport.Report;
import dev.tutor.exercises.waiting.HeaderReport.Step;
import dev.tutor.exercises.waiting.HeaderReport.StepTime;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One call to {@link HeaderReport#run} in {@link HeaderReportTest}, with the calling thread's clocks read around
 * it: what a right answer's times for each step must lie between, from the step's own readings inside to what
 * passed from the end of the step before to the start of the step after. Not a test itself.
 */
final class TimedRun {
    /** The four steps, in the order run() runs and reports them. */
    static final List<Step> IN_ORDER = List.of(Step.FETCH, Step.FORMAT, Step.JOIN, Step.WRITE);

    final Map<Step, Work> plan;
    final FakeSteps steps;
    final Path file;
    final String expectedText;
    final Thread caller = Thread.currentThread();
    final Report report;
    final long wallBefore;
    final long wallAfter;
    final long cpuBefore;
    final long cpuAfter;

    private TimedRun(Map<Step, Work> plan, Map<String, List<String>> headers, Path file) throws IOException {
        this.plan = plan;
        this.steps = new FakeSteps(plan, headers, null, null);
        this.file = file;
        this.expectedText = expectedText(headers);
        this.wallBefore = System.nanoTime();
        this.cpuBefore = THREADS.getCurrentThreadCpuTime();
        this.report = HeaderReport.run(steps, file);
        this.cpuAfter = THREADS.getCurrentThreadCpuTime();
        this.wallAfter = System.nanoTime();
        assertNotNull(report, "run() returned null; return a new Report(steps, wall, cpu, bound)");
    }

    static TimedRun of(Map<Step, Work> plan, Map<String, List<String>> headers, Path file) throws IOException {
        return new TimedRun(plan, headers, file);
    }

    StepTime reported(Step step) {
        return report.steps().get(step.ordinal());
    }

    long[] inside(Step step) {
        long[] clocks = steps.inside.get(step);
        if (clocks == null) {
            fail("run() never finished the " + name(step) + " step.");
        }
        return clocks;
    }

    Duration insideWall(Step step) {
        return Duration.ofNanos(inside(step)[1] - inside(step)[0]);
    }

    Duration insideCpu(Step step) {
        return Duration.ofNanos(inside(step)[3] - inside(step)[2]);
    }

    /** From the end of the step before (or the call to run()) to the start of the step after (or the return). */
    Duration outsideWall(Step step) {
        long from = step == Step.FETCH ? wallBefore : inside(previous(step))[1];
        long to = step == Step.WRITE ? wallAfter : inside(next(step))[0];
        return Duration.ofNanos(to - from);
    }

    Duration outsideCpu(Step step) {
        long from = step == Step.FETCH ? cpuBefore : inside(previous(step))[3];
        long to = step == Step.WRITE ? cpuAfter : inside(next(step))[2];
        return Duration.ofNanos(to - from);
    }

    /** The wall time from the fetch's first line to this step's last. */
    long wallSinceFetchStarted(Step step) {
        return inside(step)[1] - inside(Step.FETCH)[0];
    }

    long cpuSinceFetchStarted(Step step) {
        return inside(step)[3] - inside(Step.FETCH)[2];
    }

    Duration insideWallOfAllSteps() {
        return Duration.ofNanos(inside(Step.WRITE)[1] - inside(Step.FETCH)[0]);
    }

    Duration insideCpuOfAllSteps() {
        return Duration.ofNanos(inside(Step.WRITE)[3] - inside(Step.FETCH)[2]);
    }

    Duration outsideWallOfRun() {
        return Duration.ofNanos(wallAfter - wallBefore);
    }

    Duration outsideCpuOfRun() {
        return Duration.ofNanos(cpuAfter - cpuBefore);
    }

    /** The reported wall time fits this step's CPU time, and the reported CPU time its wall time. */
    boolean looksSwapped(Step step) {
        StepTime time = reported(step);
        return time.wall().compareTo(insideCpu(step)) >= 0 && time.wall().compareTo(outsideCpu(step)) <= 0
                && time.cpu().compareTo(insideWall(step)) >= 0 && time.cpu().compareTo(outsideWall(step)) <= 0;
    }

    /** Even counting all the CPU time around the step as its own, it used less than half its wall time. */
    boolean provablyWaited(Step step) {
        return outsideCpu(step).multipliedBy(2).compareTo(insideWall(step)) < 0;
    }

    /** Even counting all the time around the step as waiting, it ran for at least half of it. */
    boolean provablyComputed(Step step) {
        return insideCpu(step).multipliedBy(2).compareTo(outsideWall(step)) >= 0;
    }

    String before(Step step) {
        return step == Step.FETCH ? "the call to run()" : "the end of the " + name(previous(step)) + " step";
    }

    String after(Step step) {
        return step == Step.WRITE ? "the return from run()" : "the start of the " + name(next(step)) + " step";
    }

    /** The text the given format and join steps make of {@code headers}, worked out independently. */
    private static String expectedText(Map<String, List<String>> headers) {
        Map<String, List<String>> byName = new TreeMap<>();
        headers.forEach((name, values) -> {
            if (name != null) {
                byName.put(name, values);
            }
        });
        StringBuilder text = new StringBuilder();
        byName.forEach((name, values) -> values.forEach(value -> text.append(name).append(": ").append(value)
                .append('\n')));
        return text.toString();
    }

    private static Step previous(Step step) {
        return IN_ORDER.get(step.ordinal() - 1);
    }

    private static Step next(Step step) {
        return IN_ORDER.get(step.ordinal() + 1);
    }
}
