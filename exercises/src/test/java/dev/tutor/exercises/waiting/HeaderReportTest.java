package dev.tutor.exercises.waiting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tutor.exercises.waiting.HeaderReport.Bound;
import dev.tutor.exercises.waiting.HeaderReport.Report;
import dev.tutor.exercises.waiting.HeaderReport.Step;
import dev.tutor.exercises.waiting.HeaderReport.StepTime;
import dev.tutor.exercises.waiting.HeaderReport.Steps;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Grades {@link HeaderReport}. The tests run in the order of the exercise: each step's wall time and
 * the total (hint 1), then whose CPU time it is (hint 2), then the labels (hint 3), so the first failure
 * names the first thing to fix. Each test carries {@code @Tag("hint:N")}: when it fails, the tutor offers
 * hint N of the exercise's entry in the course manifest.
 *
 * <p>The steps are fakes that the test controls. The fetch waits for a fake server, a thread of its own
 * that computes its reply for a set amount of CPU time; format and join spin until they have used a set
 * amount of CPU time and then do the standard work. Every fake reads both clocks at its own start and
 * end, so the test knows, on any machine however busy, the least each step can have taken (its inside)
 * and the most (from the end of the step before to the start of the step after). The labels depend on
 * how the scheduler treated a step, so a run in which a spinning step spent too long waiting for a core
 * is repeated, as {@code WorkloadProbeTest} does.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class HeaderReportTest {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** Where the spinning steps leave their arithmetic, so that the JIT cannot discard the loop. */
    private static volatile long blackhole;

    /** CPU time the fake server spends on its own thread building the reply, while the fetch waits. */
    private static final Duration SERVER_WORK = Duration.ofMillis(6);
    /** Then the reply crosses the "network". */
    private static final Duration NETWORK = Duration.ofMillis(3);
    /** CPU time the format and join steps spin for before doing their real work. */
    private static final Duration STEP_WORK = Duration.ofMillis(3);
    /** In the second pipeline: a slow disk that must store the bytes before the write returns. */
    private static final Duration SLOW_DISK = Duration.ofMillis(6);
    /**
     * A spinning step whose CPU time, read inside it, is at least this share of the time between its
     * neighbours must come out CPU-bound from any correct run(): its reported CPU time can only be more,
     * its reported wall time only less.
     */
    private static final double FAIR_SHARE = 0.5;
    private static final int MAX_RUNS = 10;

    private static final Map<String, List<String>> HEADERS = headers();
    private static final String EXPECTED_TEXT = """
            Content-Length: 27
            Content-Type: text/plain; charset=utf-8
            Date: Mon, 06 Jan 2025 09:00:00 GMT
            X-Tutor-Step: fetch
            X-Tutor-Step: format
            """;

    @TempDir
    static Path folder;

    /** One run of the standard pipeline, shared by the tests that look at it from different sides. */
    private static Run shared;

    @Test
    @Order(1)
    @Tag("hint:1")
    void runsTheFourStepsInOrderAndReportsEach() throws IOException {
        Run run = sharedRun();

        assertEquals(List.of(Step.FETCH, Step.FORMAT, Step.JOIN, Step.WRITE), run.steps.calls(),
                "run() must call each step once, in the order fetch, format, join, write, and hand each"
                        + " step the result of the one before.");
        assertEquals(EXPECTED_TEXT, Files.readString(run.file, StandardCharsets.UTF_8),
                "The file must hold the text that join() returned, as write() stores it.");
        List<Step> reported = run.report.steps().stream().map(StepTime::step).toList();
        assertEquals(List.of(Step.FETCH, Step.FORMAT, Step.JOIN, Step.WRITE), reported,
                () -> "run() reported the steps " + reported + ", but it must report one StepTime per step,"
                        + " in the order they ran: [FETCH, FORMAT, JOIN, WRITE]. Read both clocks just before"
                        + " each step and just after it, and add that step's StepTime to the list.");
    }

    @Test
    @Order(2)
    @Tag("hint:1")
    void eachStepsWallTimeCoversThatStepAlone() throws IOException {
        Run run = sharedRun();
        assertFourSteps(run);

        for (Step step : Step.values()) {
            Duration reported = run.reported(step).wall();
            Duration least = run.insideWall(step);
            Duration most = run.outsideWall(step);
            assertTrue(reported.compareTo(least) >= 0,
                    () -> "The " + name(step) + " step took at least " + describe(least) + " (the test timed it"
                            + " from the inside), but run() reported a wall time of " + describe(reported)
                            + ". Read System.nanoTime() just before the step starts and again just after it"
                            + " returns, and report the difference, in nanoseconds.");
            assertTrue(reported.compareTo(most) <= 0,
                    () -> "The " + name(step) + " step's wall time was reported as " + describe(reported)
                            + ", but from " + run.before(step) + " to " + run.after(step) + " only "
                            + describe(most) + " passed, so " + describe(reported.minus(most))
                            + " of it belongs to other steps. " + (step == Step.FETCH ? ""
                            : "Does it include the fetch's wait? ")
                            + "Each step needs its own start: read the clocks again just before every"
                            + " step, not once at the top of run().");
        }
    }

    @Test
    @Order(3)
    @Tag("hint:1")
    void totalWallTimeCoversEveryStep() throws IOException {
        Run run = sharedRun();
        assertFourSteps(run);

        Duration sum = run.report.steps().stream().map(StepTime::wall).reduce(Duration.ZERO, Duration::plus);
        Duration total = run.report.wall();
        assertTrue(total.compareTo(sum) >= 0,
                () -> "The whole run's wall time was reported as " + describe(total) + ", less than the "
                        + describe(sum) + " its four steps add up to. The steps run one after another inside"
                        + " the run, so the whole takes at least their sum: read the clocks once before the"
                        + " fetch and once after the write.");
        Duration most = run.outsideWallOfRun();
        assertTrue(total.compareTo(most) <= 0,
                () -> "The whole run's wall time was reported as " + describe(total) + ", but the call to"
                        + " run() took only " + describe(most) + ". Report the difference between two"
                        + " readings of System.nanoTime(), one before the fetch and one after the write.");
    }

    @Test
    @Order(4)
    @Tag("hint:2")
    void cpuTimeIsTheCallingThreadsOwn() throws IOException {
        Run run = sharedRun();
        assertFourSteps(run);

        for (Step step : Step.values()) {
            Thread ranOn = run.steps.inside(step).thread();
            assertSame(run.caller, ranOn,
                    () -> "The " + name(step) + " step ran on thread '" + ranOn.getName() + "', not on the"
                            + " thread that called run(), '" + run.caller.getName() + "'. A thread's CPU clock"
                            + " counts only that thread's work: run every step on the calling thread, between"
                            + " two readings of its clock.");
        }
        for (Step step : Step.values()) {
            Duration reported = run.reported(step).cpu();
            Duration least = run.insideCpu(step);
            Duration most = run.outsideCpu(step);
            assertTrue(reported.compareTo(least) >= 0,
                    () -> "The " + name(step) + " step used at least " + describe(least) + " of the calling"
                            + " thread's CPU time (the test read that thread's clock inside the step), but run()"
                            + " reported " + describe(reported) + ". Read"
                            + " ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() just before the"
                            + " step and just after it, on the thread that runs it, and report the difference.");
            assertTrue(reported.compareTo(most) <= 0,
                    () -> "The " + name(step) + " step's CPU time was reported as " + describe(reported)
                            + ", but the thread that called run() used only " + describe(most) + " of CPU from "
                            + run.before(step) + " to " + run.after(step) + ". The number counts more than"
                            + " this thread's work. " + (step == Step.FETCH
                            ? "While the fetch waited, the test's fake server computed its reply for "
                                    + describe(SERVER_WORK) + " on a thread of its own, as a server in the"
                                    + " same JVM would. "
                            : "")
                            + "A process-wide clock (getProcessCpuTime(), like Python's time.process_time())"
                            + " adds up every thread of the JVM, and System.nanoTime() never stops at all:"
                            + " read getCurrentThreadCpuTime(), the clock of the thread that runs the step.");
        }
        Duration sum = run.report.steps().stream().map(StepTime::cpu).reduce(Duration.ZERO, Duration::plus);
        Duration total = run.report.cpu();
        Duration most = run.outsideCpuOfRun();
        assertTrue(total.compareTo(sum) >= 0 && total.compareTo(most) <= 0,
                () -> "The whole run's CPU time was reported as " + describe(total) + ". It must be at least"
                        + " the " + describe(sum) + " its steps add up to, and at most the " + describe(most)
                        + " that the calling thread used during the call to run(): read the calling thread's"
                        + " CPU clock once before the fetch and once after the write.");
    }

    @Test
    @Order(5)
    @Tag("hint:3")
    void labelsFetchIoBoundAndFormatAndJoinCpuBound() throws IOException {
        // A spinning step is CPU-bound only if the scheduler let it run; on a crowded machine it may have
        // waited for a core longer than it ran. Such a run is repeated; if the machine stays that busy,
        // the labels must still follow the rule for the times measured.
        Run run = sharedRun();
        for (int attempt = 1; attempt < MAX_RUNS && !run.fairlyTreated(); attempt++) {
            run = Run.standard(folder.resolve("labels-" + attempt + ".txt"));
        }
        assertFourSteps(run);
        assertLabelsFollowTheRule(run);
        if (!run.fairlyTreated()) {
            return;
        }
        Run fair = run;
        assertEquals(Bound.IO_BOUND, fair.reported(Step.FETCH).bound(),
                () -> "The fetch waited for the fake server with its thread blocked (wall "
                        + describe(fair.reported(Step.FETCH).wall()) + ", CPU "
                        + describe(fair.reported(Step.FETCH).cpu()) + "), yet run() labelled it "
                        + fair.reported(Step.FETCH).bound() + ". " + RULE);
        for (Step step : List.of(Step.FORMAT, Step.JOIN)) {
            StepTime time = fair.reported(step);
            assertEquals(Bound.CPU_BOUND, time.bound(),
                    () -> "The " + name(step) + " step kept its thread on the processor (wall "
                            + describe(time.wall()) + ", CPU " + describe(time.cpu()) + "), yet run() labelled"
                            + " it " + time.bound() + ". " + RULE);
        }
    }

    @Test
    @Order(6)
    @Tag("hint:3")
    void labelsFollowTheMeasurementsNotTheStepNames() throws IOException {
        // A fetch answered from a cache in memory computes and never waits; a write to a disk that must
        // store the bytes before it returns waits. The names of the steps stay the same.
        Run run = Run.cachedFetchSlowDisk(folder.resolve("cached-0.txt"));
        for (int attempt = 1; attempt < MAX_RUNS && !run.fetchFairlyTreated(); attempt++) {
            run = Run.cachedFetchSlowDisk(folder.resolve("cached-" + attempt + ".txt"));
        }
        assertFourSteps(run);
        assertLabelsFollowTheRule(run);
        Run last = run;
        StepTime write = last.reported(Step.WRITE);
        assertEquals(Bound.IO_BOUND, write.bound(),
                () -> "This time the write went to a slow disk and waited " + describe(SLOW_DISK) + " for it"
                        + " (wall " + describe(write.wall()) + ", CPU " + describe(write.cpu()) + "), yet"
                        + " run() labelled it " + write.bound() + ". " + NOT_BY_NAME);
        if (last.fetchFairlyTreated()) {
            StepTime fetch = last.reported(Step.FETCH);
            assertEquals(Bound.CPU_BOUND, fetch.bound(),
                    () -> "This time the fetch was answered from a cache in memory and computed without"
                            + " waiting (wall " + describe(fetch.wall()) + ", CPU " + describe(fetch.cpu())
                            + "), yet run() labelled it " + fetch.bound() + ". " + NOT_BY_NAME);
        }
    }

    // ---- the pipelines ----

    private static final String RULE = "A step is CPU_BOUND when its CPU time is at least half its wall time"
            + " and IO_BOUND otherwise: label each StepTime with HeaderReport.bound(wall, cpu) of that step's"
            + " own two durations.";
    private static final String NOT_BY_NAME = "A label describes what a step did on this run, not what kind of"
            + " call it makes: compute it from the step's own wall and CPU time with HeaderReport.bound(wall,"
            + " cpu), never from the step's name.";

    /** What one step saw from the inside: its thread, and both clocks at its start and end. */
    private record Inside(Step step, Thread thread, long wallStart, long wallEnd, long cpuStart, long cpuEnd) {
    }

    /** The fake steps. Each one reads both clocks of its own thread first and last thing. */
    private static final class FakeSteps implements Steps {
        private final Runnable fetchWork;
        private final Runnable writeWork;
        private final Duration stepWork;
        private final List<Inside> inside = Collections.synchronizedList(new ArrayList<>());
        private final Map<Step, long[]> open = Collections.synchronizedMap(new EnumMap<>(Step.class));

        FakeSteps(Runnable fetchWork, Runnable writeWork, Duration stepWork) {
            this.fetchWork = fetchWork;
            this.writeWork = writeWork;
            this.stepWork = stepWork;
        }

        @Override
        public Map<String, List<String>> fetch() {
            begin(Step.FETCH);
            fetchWork.run();
            end(Step.FETCH);
            return HEADERS;
        }

        @Override
        public List<String> format(Map<String, List<String>> headers) {
            begin(Step.FORMAT);
            spinFor(stepWork);
            List<String> lines = Steps.super.format(headers);
            end(Step.FORMAT);
            return lines;
        }

        @Override
        public String join(List<String> lines) {
            begin(Step.JOIN);
            spinFor(stepWork);
            String text = Steps.super.join(lines);
            end(Step.JOIN);
            return text;
        }

        @Override
        public void write(Path file, String text) throws IOException {
            begin(Step.WRITE);
            writeWork.run();
            Steps.super.write(file, text);
            end(Step.WRITE);
        }

        private void begin(Step step) {
            long wall = System.nanoTime();
            open.put(step, new long[] {wall, THREADS.getCurrentThreadCpuTime()});
        }

        private void end(Step step) {
            long cpu = THREADS.getCurrentThreadCpuTime();
            long wall = System.nanoTime();
            long[] start = open.get(step);
            inside.add(new Inside(step, Thread.currentThread(), start[0], wall, start[1], cpu));
        }

        List<Step> calls() {
            synchronized (inside) {
                return inside.stream().map(Inside::step).toList();
            }
        }

        Inside inside(Step step) {
            synchronized (inside) {
                return inside.stream().filter(i -> i.step() == step).findFirst()
                        .orElseThrow(() -> new AssertionError("run() never called the " + name(step) + " step"));
            }
        }
    }

    /** One call to {@link HeaderReport#run}, with the clocks of the calling thread read around it. */
    private static final class Run {
        final FakeSteps steps;
        final Path file;
        final Thread caller = Thread.currentThread();
        final Report report;
        final long wallBefore;
        final long wallAfter;
        final long cpuBefore;
        final long cpuAfter;

        private Run(FakeSteps steps, Path file) throws IOException {
            this.steps = steps;
            this.file = file;
            this.wallBefore = System.nanoTime();
            this.cpuBefore = THREADS.getCurrentThreadCpuTime();
            this.report = HeaderReport.run(steps, file);
            this.cpuAfter = THREADS.getCurrentThreadCpuTime();
            this.wallAfter = System.nanoTime();
            assertNotNull(report, "run() returned null; return a new Report(steps, wall, cpu, bound)");
        }

        /** The lesson's pipeline: a fetch that waits for a busy server, format and join that compute. */
        static Run standard(Path file) throws IOException {
            return new Run(new FakeSteps(HeaderReportTest::askTheFakeServer, () -> { }, STEP_WORK), file);
        }

        /** A fetch answered from memory, and a write that waits for a slow disk. */
        static Run cachedFetchSlowDisk(Path file) throws IOException {
            return new Run(new FakeSteps(() -> spinFor(STEP_WORK), () -> sleep(SLOW_DISK), STEP_WORK), file);
        }

        StepTime reported(Step step) {
            return report.steps().get(step.ordinal());
        }

        Duration insideWall(Step step) {
            Inside i = steps.inside(step);
            return Duration.ofNanos(i.wallEnd() - i.wallStart());
        }

        Duration insideCpu(Step step) {
            Inside i = steps.inside(step);
            return Duration.ofNanos(i.cpuEnd() - i.cpuStart());
        }

        /** From the end of the step before (or the call to run()) to the start of the step after (or the return). */
        Duration outsideWall(Step step) {
            long from = step == Step.FETCH ? wallBefore : steps.inside(previous(step)).wallEnd();
            long to = step == Step.WRITE ? wallAfter : steps.inside(next(step)).wallStart();
            return Duration.ofNanos(to - from);
        }

        Duration outsideCpu(Step step) {
            long from = step == Step.FETCH ? cpuBefore : steps.inside(previous(step)).cpuEnd();
            long to = step == Step.WRITE ? cpuAfter : steps.inside(next(step)).cpuStart();
            return Duration.ofNanos(to - from);
        }

        Duration outsideWallOfRun() {
            return Duration.ofNanos(wallAfter - wallBefore);
        }

        Duration outsideCpuOfRun() {
            return Duration.ofNanos(cpuAfter - cpuBefore);
        }

        String before(Step step) {
            return step == Step.FETCH ? "the call to run()" : "the end of the " + name(previous(step)) + " step";
        }

        String after(Step step) {
            return step == Step.WRITE ? "the return from run()" : "the start of the " + name(next(step)) + " step";
        }

        /** True when the measurements leave no doubt: the fetch clearly waited, format and join clearly ran. */
        boolean fairlyTreated() {
            return waitedClearly(Step.FETCH) && ranClearly(Step.FORMAT) && ranClearly(Step.JOIN);
        }

        boolean fetchFairlyTreated() {
            return ranClearly(Step.FETCH);
        }

        /** Even counting everything around the step as CPU, it used less than half its wall time. */
        private boolean waitedClearly(Step step) {
            return outsideCpu(step).multipliedBy(2).compareTo(insideWall(step)) < 0;
        }

        /** Even counting everything around the step as waiting, it ran for at least half of its wall time. */
        private boolean ranClearly(Step step) {
            return insideCpu(step).toNanos() >= FAIR_SHARE * outsideWall(step).toNanos();
        }
    }

    private static Step previous(Step step) {
        return Step.values()[step.ordinal() - 1];
    }

    private static Step next(Step step) {
        return Step.values()[step.ordinal() + 1];
    }

    private static synchronized Run sharedRun() throws IOException {
        if (shared == null) {
            // A first call loads and links the classes run() uses, which takes milliseconds of CPU time
            // between the steps. One quick call with steps that do no work gets that out of the way, so
            // the measured run shows the steps themselves.
            HeaderReport.run(new FakeSteps(() -> { }, () -> { }, Duration.ZERO), folder.resolve("warm-up.txt"));
            shared = Run.standard(folder.resolve("headers.txt"));
        }
        return shared;
    }

    /**
     * The fetch: a fake server on a thread of its own computes the reply for {@link #SERVER_WORK} of CPU
     * time and sends it over a network that takes {@link #NETWORK}, while this thread waits.
     */
    private static void askTheFakeServer() {
        CountDownLatch replied = new CountDownLatch(1);
        Thread server = new Thread(() -> {
            spinFor(SERVER_WORK);
            sleep(NETWORK);
            replied.countDown();
        }, "fake-server");
        server.setDaemon(true);
        server.start();
        try {
            if (!replied.await(5, TimeUnit.SECONDS)) {
                fail("The test's fake server did not answer within 5 s: a fault in the test, or a very busy machine.");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the fake server", e);
        }
    }

    // ---- checks and helpers ----

    private static void assertFourSteps(Run run) {
        List<Step> reported = run.report.steps().stream().map(StepTime::step).toList();
        assertEquals(List.of(Step.FETCH, Step.FORMAT, Step.JOIN, Step.WRITE), reported,
                "run() must report the four steps in order; runsTheFourStepsInOrderAndReportsEach says how.");
        for (StepTime time : run.report.steps()) {
            assertTrue(!time.wall().isNegative() && !time.cpu().isNegative(),
                    () -> "run() reported wall " + time.wall() + " and CPU " + time.cpu() + " for the "
                            + name(time.step()) + " step; a duration that passed cannot be negative:"
                            + " subtract the earlier reading from the later one.");
        }
    }

    private static void assertLabelsFollowTheRule(Run run) {
        for (StepTime time : run.report.steps()) {
            Bound rule = HeaderReport.bound(time.wall(), time.cpu());
            assertEquals(rule, time.bound(),
                    () -> "run() measured the " + name(time.step()) + " step at wall " + describe(time.wall())
                            + " and CPU " + describe(time.cpu()) + ", which the rule calls " + rule
                            + ", but labelled it " + time.bound() + ". " + RULE);
        }
        Bound rule = HeaderReport.bound(run.report.wall(), run.report.cpu());
        assertEquals(rule, run.report.bound(),
                () -> "run() measured the whole run at wall " + describe(run.report.wall()) + " and CPU "
                        + describe(run.report.cpu()) + ", which the rule calls " + rule + ", but labelled it "
                        + run.report.bound() + ". Label the whole with HeaderReport.bound(wall, cpu) of its"
                        + " own two durations, as you label each step.");
    }

    private static Map<String, List<String>> headers() {
        // HttpURLConnection files the status line under the name null; format() leaves it out.
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put(null, List.of("HTTP/1.1 200 OK"));
        headers.put("X-Tutor-Step", List.of("fetch", "format"));
        headers.put("Date", List.of("Mon, 06 Jan 2025 09:00:00 GMT"));
        headers.put("Content-Type", List.of("text/plain; charset=utf-8"));
        headers.put("Content-Length", List.of("27"));
        return Collections.unmodifiableMap(headers);
    }

    private static String name(Step step) {
        return step.name().toLowerCase(java.util.Locale.ROOT);
    }

    private static void sleep(Duration howLong) {
        try {
            Thread.sleep(howLong);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sleeping", e);
        }
    }

    /** Busy until this thread has used {@code cpuTime} of CPU, however long that takes on the wall clock. */
    private static void spinFor(Duration cpuTime) {
        long until = THREADS.getCurrentThreadCpuTime() + cpuTime.toNanos();
        long sink = 0;
        while (THREADS.getCurrentThreadCpuTime() < until) {
            for (int i = 0; i < 1_000; i++) {
                sink += i * 31L ^ sink;
            }
        }
        blackhole = sink;
    }

    /** A duration in the unit a person reads most easily: 12 ms, 4.2 ms, 310 \u00b5s, 201 ns. */
    private static String describe(Duration d) {
        long nanos = d.toNanos();
        if (Math.abs(nanos) >= 10_000_000_000L) {
            return nanos / 1_000_000_000 + " s";
        }
        if (Math.abs(nanos) >= 10_000_000) {
            return nanos / 1_000_000 + " ms";
        }
        if (Math.abs(nanos) >= 1_000_000) {
            return String.format(java.util.Locale.ROOT, "%.1f ms", nanos / 1e6);
        }
        if (Math.abs(nanos) >= 1_000) {
            return nanos / 1_000 + " \u00b5s";
        }
        return nanos + " ns";
    }
}
