package dev.tutor.exercises.waiting;

import static dev.tutor.exercises.waiting.FakeSteps.name;
import static dev.tutor.exercises.waiting.FakeSteps.randomPlan;
import static dev.tutor.exercises.waiting.FakeSteps.sleep;
import static dev.tutor.exercises.waiting.TimedRun.IN_ORDER;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tutor.exercises.support.CompiledNest;
import dev.tutor.exercises.support.Seeded;
import dev.tutor.exercises.support.WholeMicroseconds;
import dev.tutor.exercises.waiting.FakeSteps.Work;
import dev.tutor.exercises.waiting.HeaderReport.Bound;
import dev.tutor.exercises.waiting.HeaderReport.Report;
import dev.tutor.exercises.waiting.HeaderReport.Step;
import dev.tutor.exercises.waiting.HeaderReport.StepTime;
import dev.tutor.exercises.waiting.HeaderReport.Steps;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Grades {@link HeaderReport}. The tests run in the order of the exercise: a stopwatch around each step
 * (hint 1), whose CPU time it is (hint 2), the labels (hint 3), then the ways out: a step that fails, and
 * a thread without a CPU clock (hint 4). Last come two checks that cost a moment no answer failing an
 * earlier test should wait for: the rules on which clocks the class may read, checked on its compiled code
 * (hints 1 and 2), and the order of the report in fresh copies of the class (hint 1). The first failure
 * names the first thing to fix; each test carries
 * {@code @Tag("hint:N")}, and when it fails the tutor offers hint N of the exercise's entry in the course
 * manifest.
 *
 * <p>The steps are fakes that the test controls, drawn at random (seeded) for every run: a fetch that
 * waits while a fake server computes on a thread of its own, or one answered from memory; format and join
 * steps that compute for a set CPU time or wait; a write that waits for a slow disk, computes, or just
 * writes. Every fake reads both clocks of its thread at its first and last line, and the test reads them
 * again around the call to {@code run()}. A right answer's readings for a step sit between the step's own
 * and those of its neighbours, so its times must lie, to the nanosecond, between what the step saw inside
 * and what passed from the end of the step before to the start of the step after. That holds on a busy
 * machine as on a quiet one. A label is checked against the times the report gives beside it, and is
 * expected outright only where the test's own readings prove it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 10, unit = TimeUnit.SECONDS)
@ExtendWith(Seeded.class)
class HeaderReportTest {

    private static CompiledNest compiled;

    @TempDir
    Path folder;
    private int files;

    // ---- hint 1: a stopwatch around each step ----

    @Test
    @Order(1)
    @Tag("hint:1")
    void runsTheStepsInOrderEachOnWhatTheOneBeforeReturned(Random random) throws IOException {
        for (int i = 0; i < 6; i++) {
            TimedRun run = TimedRun.of(randomPlan(random, 50_000), randomHeaders(random), nextFile());
            FakeSteps steps = run.steps;

            if (!steps.calls.equals(IN_ORDER)) {
                fail("run() called the steps " + steps.calls + "; it must call each of them once, in the order "
                        + IN_ORDER + ".");
            }
            if (steps.formatGot != steps.fetched || steps.joinGot != steps.formatted
                    || steps.writeGot != steps.joined || !run.file.equals(steps.writeFile)) {
                fail("Each step must be handed what the step before returned: format() the fetch's map, join()"
                        + " format's list, and write() the file and join's text. "
                        + (steps.formatGot != steps.fetched ? "format() got a different map."
                        : steps.joinGot != steps.formatted ? "join() got a different list."
                        : steps.writeGot != steps.joined ? "write() got a different text."
                        : "write() got the path " + steps.writeFile + " instead of " + run.file + "."));
            }
            String written = Files.readString(run.file, StandardCharsets.UTF_8);
            if (!written.equals(run.expectedText)) {
                fail("The file holds\n" + written + "\nbut the steps, as given, write\n" + run.expectedText);
            }
            assertFourStepsInOrder(run);
        }
    }

    @Test
    @Order(2)
    @Tag("hint:1")
    void eachStepsWallTimeIsThatStepsAlone(Random random) throws IOException {
        List<Long> reportedNanos = new ArrayList<>();
        List<Long> testsOwnNanos = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            TimedRun run = TimedRun.of(randomPlan(random, 300_000), randomHeaders(random), nextFile());
            assertFourStepsInOrder(run);

            for (Step step : IN_ORDER) {
                Duration reported = run.reported(step).wall();
                reportedNanos.add(reported.toNanos());
                testsOwnNanos.add(run.insideWall(step).toNanos());
                if (reported.compareTo(run.insideWall(step)) < 0) {
                    fail("The " + name(step) + " step (" + run.plan.get(step).what() + ") took at least "
                            + exact(run.insideWall(step)) + " (the test read System.nanoTime() at its first and"
                            + " last line), but run() reported a wall time of " + exact(reported) + "."
                            + (run.looksSwapped(step)
                            ? " That is what the step's CPU time came to, and the CPU time reported beside it ("
                            + exact(run.reported(step).cpu()) + ") is what its wall time came to: StepTime takes"
                            + " the wall time first, then the CPU time."
                            : " The stopwatch must enclose the step: read the clock just before the step starts"
                            + " and just after it returns, and report the difference as the step's wall time."));
                }
                if (reported.compareTo(run.outsideWall(step)) > 0) {
                    fail("The " + name(step) + " step's wall time was reported as " + exact(reported) + ", but"
                            + " from " + run.before(step) + " to " + run.after(step) + " only "
                            + exact(run.outsideWall(step)) + " passed, so "
                            + exact(reported.minus(run.outsideWall(step))) + " of it belongs to other steps."
                            + (step != Step.FETCH && reported.toNanos() >= run.wallSinceFetchStarted(step)
                            ? " It covers the steps before it as well: its stopwatch started before the fetch."
                            : "") + " Each step needs its own start, read just before that step.");
                }
            }
            Duration total = run.report.wall();
            if (total.compareTo(run.insideWallOfAllSteps()) < 0 || total.compareTo(run.outsideWallOfRun()) > 0) {
                fail("The whole run's wall time was reported as " + exact(total) + ". From the first line of the"
                        + " fetch to the last line of the write " + exact(run.insideWallOfAllSteps()) + " passed,"
                        + " and the call to run() took " + exact(run.outsideWallOfRun()) + ": the total must lie"
                        + " between the two. Read System.nanoTime() once just before the fetch and once just"
                        + " after the write.");
            }
        }
        assertKeptToTheNanosecond("wall", reportedNanos, testsOwnNanos, "System.nanoTime()");
    }

    // ---- hint 2: whose CPU time ----

    @Test
    @Order(3)
    @Tag("hint:2")
    void runsEveryStepOnTheCallingThreadAndChargesTheFetchOnlyItsOwnCpu(Random random) throws IOException {
        for (int i = 0; i < 6; i++) {
            Map<Step, Work> plan = randomPlan(random, 300_000);
            plan.put(Step.FETCH, Work.server(150_000 + random.nextInt(350_000)));
            TimedRun run = TimedRun.of(plan, randomHeaders(random), nextFile());
            assertFourStepsInOrder(run);
            assertRanOnTheCaller(run);

            Duration reported = run.reported(Step.FETCH).cpu();
            if (reported.compareTo(run.insideCpu(Step.FETCH)) < 0) {
                fail("The fetch step used at least " + exact(run.insideCpu(Step.FETCH)) + " of the calling"
                        + " thread's CPU time (the test read that thread's CPU clock at its first and last line),"
                        + " but run() reported " + exact(reported) + "." + inTicks(run, " Read"
                        + " getCurrentThreadCpuTime() just before the step and just after it returns, and report the"
                        + " difference."));
            }
            if (reported.compareTo(run.outsideCpu(Step.FETCH)) > 0) {
                Duration excess = reported.minus(run.outsideCpu(Step.FETCH));
                Duration server = run.steps.serverCpu.get();
                fail("The fetch step's CPU time was reported as " + exact(reported) + ", but the thread that called"
                        + " run() used only " + exact(run.outsideCpu(Step.FETCH)) + " of CPU from the call to run()"
                        + " to the start of the format step." + (excess.multipliedBy(2).compareTo(server) >= 0
                        ? " While the fetch waited, the fake server computed its reply for " + exact(server)
                        + " on a thread of its own, and the " + exact(excess) + " too much is about that: the"
                        + " number counts other threads' work. Read getCurrentThreadCpuTime(), the clock of the"
                        + " calling thread."
                        : " The number counts more than this thread's work during the fetch."));
            }
        }
    }

    @Test
    @Order(4)
    @Tag("hint:1")
    void eachStepsCpuTimeIsThatStepsAlone(Random random) throws IOException {
        List<Long> reportedNanos = new ArrayList<>();
        List<Long> testsOwnNanos = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Map<Step, Work> plan = randomPlan(random, 300_000);
            if (i == 0) {
                // Every seed meets a run whose first steps compute, so later steps have CPU time to borrow.
                plan.put(Step.FETCH, Work.memory(100_000 + random.nextInt(400_000)));
                plan.put(Step.FORMAT, Work.compute(100_000 + random.nextInt(400_000)));
            }
            TimedRun run = TimedRun.of(plan, randomHeaders(random), nextFile());
            assertFourStepsInOrder(run);
            assertRanOnTheCaller(run);

            for (Step step : IN_ORDER) {
                Duration reported = run.reported(step).cpu();
                reportedNanos.add(reported.toNanos());
                testsOwnNanos.add(run.insideCpu(step).toNanos());
                if (reported.compareTo(run.insideCpu(step)) < 0) {
                    fail("The " + name(step) + " step (" + run.plan.get(step).what() + ") used at least "
                            + exact(run.insideCpu(step)) + " of the calling thread's CPU time (the test read that"
                            + " thread's CPU clock at its first and last line), but run() reported "
                            + exact(reported) + "." + inTicks(run, " Read the CPU clock just before the step starts"
                            + " and just after it returns, and report the difference as the step's CPU time."));
                }
                if (reported.compareTo(run.outsideCpu(step)) > 0) {
                    fail("The " + name(step) + " step's CPU time was reported as " + exact(reported) + ", but the"
                            + " calling thread used only " + exact(run.outsideCpu(step)) + " of CPU from "
                            + run.before(step) + " to " + run.after(step) + "."
                            + (step != Step.FETCH && reported.toNanos() >= run.cpuSinceFetchStarted(step)
                            ? " It covers the CPU time of the steps before it as well: the CPU stopwatch started"
                            + " before the fetch and was never started again."
                            : "") + " Each step's CPU time runs from a reading of the CPU clock just before that"
                            + " step to one just after it.");
                }
            }
            Duration total = run.report.cpu();
            if (total.compareTo(run.insideCpuOfAllSteps()) < 0 || total.compareTo(run.outsideCpuOfRun()) > 0) {
                fail("The whole run's CPU time was reported as " + exact(total) + ". From the first line of the"
                        + " fetch to the last line of the write the calling thread used "
                        + exact(run.insideCpuOfAllSteps()) + ", and during the call to run() "
                        + exact(run.outsideCpuOfRun()) + ": the total must lie between the two. Read the CPU clock"
                        + " once just before the fetch and once just after the write.");
            }
        }
        assertKeptToTheNanosecond("CPU", reportedNanos, testsOwnNanos, "the thread's CPU clock");
    }

    /** The bounds above leave room for times cut to whole microseconds; this does not. */
    private static void assertKeptToTheNanosecond(String what, List<Long> reportedNanos, List<Long> testsOwnNanos,
            String clock) {
        if (WholeMicroseconds.allCut(reportedNanos, testsOwnNanos)) {
            fail("Every one of the " + reportedNanos.size() + " " + what + " times run() reported for the steps was a"
                    + " whole number of microseconds, though " + clock + " counts single nanoseconds here (the"
                    + " test's own readings were not whole microseconds): the nanoseconds below the microsecond were"
                    + " lost. Hand Duration.ofNanos the difference of the two readings as it is.");
        }
    }

    // ---- hint 3: the labels ----

    @Test
    @Order(5)
    @Tag("hint:3")
    void labelsEachStepAndTheWholeByTheirOwnTimes(Random random) throws IOException {
        // bound() is given; the labels below are checked against the rule it must still follow.
        long odd = 1 + 2L * random.nextInt(1_000_000);
        for (long wall : new long[] {odd, odd + 1}) {
            for (long cpu : new long[] {0, (wall + 1) / 2 - 1, (wall + 1) / 2, wall}) {
                Bound given = HeaderReport.bound(Duration.ofNanos(wall), Duration.ofNanos(cpu));
                if (given != rule(Duration.ofNanos(wall), Duration.ofNanos(cpu))) {
                    fail("bound(wall " + exact(Duration.ofNanos(wall)) + ", cpu " + exact(Duration.ofNanos(cpu))
                            + ") returned " + given + ". bound() is given and must stay as it was: CPU_BOUND when"
                            + " the CPU time is at least half the wall time, exactly, IO_BOUND otherwise.");
                }
            }
        }
        for (int i = 0; i < 10; i++) {
            Map<Step, Work> plan = randomPlan(random, 400_000);
            // Every seed meets steps that act against their names: a fetch from memory, format and join that
            // wait, a write to a slow disk; and a fetch that waits for a server.
            switch (i) {
                case 0 -> {
                    plan.put(Step.FETCH, Work.server(100_000 + random.nextInt(300_000)));
                    plan.put(Step.FORMAT, Work.waitFor(300_000 + random.nextInt(500_000)));
                }
                case 1 -> {
                    plan.put(Step.FETCH, Work.memory(200_000 + random.nextInt(600_000)));
                    plan.put(Step.JOIN, Work.waitFor(300_000 + random.nextInt(500_000)));
                    plan.put(Step.WRITE, Work.slowDisk(300_000 + random.nextInt(500_000)));
                }
                default -> { }
            }
            TimedRun run = TimedRun.of(plan, randomHeaders(random), nextFile());
            assertFourStepsInOrder(run);
            assertLabelsFollowTheTimes(run);
        }
    }

    @Test
    @Order(6)
    @Tag("hint:3")
    void labelsTheWholeRunByItsTotalsEvenWhenAStepWaited(Random random) throws IOException {
        // A run that mostly computes, with one short wait in it: I/O-bound in one step, CPU-bound as a whole.
        // Whether a computing run comes out CPU-bound is up to the scheduler, so the run is repeated until the
        // report's own times show that mix; on a quiet machine the first run does. Each run is short, and
        // starts just after a sleep: a thread that has just woken is given a core promptly and usually keeps
        // it for the fraction of a millisecond the run takes, even on a crowded machine. Each run's labels
        // must follow its times in any case.
        for (int attempt = 0; attempt < 100; attempt++) {
            Map<Step, Work> plan = new EnumMap<>(Step.class);
            plan.put(Step.FETCH, Work.memory(100_000 + random.nextInt(100_000)));
            plan.put(Step.FORMAT, Work.compute(100_000 + random.nextInt(100_000)));
            plan.put(Step.JOIN, Work.waitFor(1_000 + random.nextInt(4_000)));
            plan.put(Step.WRITE, Work.none());
            Map<String, List<String>> headers = randomHeaders(random);
            Path file = nextFile();
            sleep(1_000_000);
            TimedRun run = TimedRun.of(plan, headers, file);
            assertFourStepsInOrder(run);
            assertLabelsFollowTheTimes(run);
            boolean aStepWaited = run.report.steps().stream().anyMatch(t -> rule(t.wall(), t.cpu()) == Bound.IO_BOUND);
            if (aStepWaited && rule(run.report.wall(), run.report.cpu()) == Bound.CPU_BOUND) {
                return;
            }
        }
    }

    // ---- hint 4: the ways out ----

    @Test
    @Order(7)
    @Tag("hint:4")
    void aFailingStepEndsTheRunWithItsOwnException(Random random) throws IOException {
        List<Step> failing = new ArrayList<>(IN_ORDER);
        Collections.shuffle(failing, random);
        for (Step step : failing) {
            // Each step fails twice: once as steps usually do, once with an unchecked exception whose cause is an
            // IOException, which must come out as it is, not as its cause.
            for (Exception failure : List.of(randomFailure(step, random), uncheckedWithAnIoCause(step, random))) {
                endsWithItsOwnException(step, failure, random);
            }
        }
    }

    /** One run whose {@code step} throws {@code failure}: run() throws it unchanged, and nothing after it runs. */
    private void endsWithItsOwnException(Step step, Exception failure, Random random) throws IOException {
        FakeSteps steps = new FakeSteps(randomPlan(random, 50_000), randomHeaders(random), step, failure);
        Path file = nextFile();
        Throwable thrown = null;
        Report report = null;
        try {
            report = HeaderReport.run(steps, file);
        } catch (Throwable t) {
            thrown = t;
        }
        if (thrown != failure) {
            fail("The " + name(step) + " step threw " + failure + "; run() must throw that very exception,"
                    + " unchanged, and return no report, but it "
                    + (thrown == null ? "returned " + report
                    : thrown.getCause() == failure ? "threw " + thrown + ", which wraps it. The caller must"
                    + " be able to catch the " + failure.getClass().getSimpleName() + " itself"
                    : thrown == failure.getCause() ? "threw its cause, " + thrown + ". An exception the step"
                    + " threw goes up as it is, whatever its cause: unwrapping getCause() of an"
                    + " UncheckedIOException, to undo a wrapping of your own, unwraps the step's own as well"
                    : "threw " + thrown) + ".");
        }
        List<Step> expected = IN_ORDER.subList(0, step.ordinal() + 1);
        if (!steps.calls.equals(expected)) {
            fail("The " + name(step) + " step threw " + failure + ", and run() threw it on, but it called the"
                    + " steps " + steps.calls + ": after a step fails, the steps after it must not run, so the"
                    + " calls must be " + expected + ".");
        }
        if (Files.exists(file)) {
            fail("The " + name(step) + " step threw " + failure + ", yet " + file.getFileName() + " was"
                    + " written: only write() writes the file, and it must not run after a failure.");
        }
    }

    @Test
    @Order(8)
    @Tag("hint:4")
    void refusesAThreadWithoutACpuClockBeforeAnyStepRuns(Random random) throws InterruptedException {
        FakeSteps steps = new FakeSteps(randomPlan(random, 50_000), randomHeaders(random), null, null);
        Path file = nextFile();
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread virtual = Thread.ofVirtual().name("virtual-caller").start(() -> {
            try {
                outcome.set(HeaderReport.run(steps, file));
            } catch (Throwable t) {
                outcome.set(t);
            }
        });
        virtual.join();

        Object result = outcome.get();
        if (!(result instanceof IllegalStateException)) {
            fail("run() was called on a virtual thread, whose CPU clock answers -1: there is no CPU time to"
                    + " measure, so it must throw IllegalStateException, but it "
                    + (result instanceof Throwable t ? "threw " + t : "returned " + result) + ".");
        }
        if (!steps.calls.isEmpty()) {
            fail("run() threw IllegalStateException on a virtual thread, but only after it had run the steps "
                    + steps.calls + ": read the CPU clock, and give up, before the first step.");
        }
        refusesAPlatformThreadWhoseCpuClockIsSwitchedOff(random);
    }

    /**
     * The same rule on a platform thread: the JVM can be told to stop measuring threads' CPU time, and then every
     * thread's CPU clock answers -1. What decides is the reading, not the kind of thread.
     */
    private void refusesAPlatformThreadWhoseCpuClockIsSwitchedOff(Random random) {
        ThreadMXBean threads = FakeSteps.THREADS;
        if (!threads.isThreadCpuTimeSupported() || !threads.isThreadCpuTimeEnabled()) {
            return; // this JVM gives no CPU clock to switch off; the virtual thread above stands for the rule
        }
        FakeSteps steps = new FakeSteps(randomPlan(random, 50_000), randomHeaders(random), null, null);
        Path file = nextFile();
        Object outcome;
        threads.setThreadCpuTimeEnabled(false);
        try {
            outcome = HeaderReport.run(steps, file);
        } catch (Throwable t) {
            outcome = t;
        } finally {
            threads.setThreadCpuTimeEnabled(true);
        }
        if (!(outcome instanceof IllegalStateException)) {
            fail("run() was called on a platform thread while the JVM measured no thread's CPU time"
                    + " (ThreadMXBean.setThreadCpuTimeEnabled(false)), so its CPU clock answered -1; it must throw"
                    + " IllegalStateException, as on a virtual thread, but it "
                    + (outcome instanceof Throwable t ? "threw " + t : "returned " + outcome) + ". What tells that"
                    + " the CPU time cannot be read is the clock's answer, a negative reading, not the kind of"
                    + " thread.");
        }
        if (!steps.calls.isEmpty()) {
            fail("run() threw IllegalStateException while the JVM measured no thread's CPU time, but only after it"
                    + " had run the steps " + steps.calls + ": read the CPU clock, and give up, before the first"
                    + " step.");
        }
    }

    // ---- last, the means read off the compiled class, and the order in fresh copies of it ----

    @Test
    @Order(9)
    @Tag("hint:1")
    void readsTheWallClockWithSystemNanoTime() {
        CompiledNest classes = compiled();
        var timeOfDay = CompiledNest.forbiddenUses(classes, "a clock of the time of day",
                HeaderReportTest::isTimeOfDay);
        if (!timeOfDay.isEmpty()) {
            fail("HeaderReport reads the time of day: " + String.join("; ", timeOfDay) + ". That clock tells"
                    + " the date, counts in coarse steps on many systems and jumps when the system clock is set;"
                    + " a duration is the difference between two readings of System.nanoTime().");
        }
        if (!CompiledNest.usesAny(classes, (owner, name) -> owner.equals("java.lang.System")
                && name.equals("nanoTime"))) {
            fail("HeaderReport never calls System.nanoTime(). A step's wall time is the difference between two"
                    + " readings of it, one just before the step and one just after.");
        }
    }

    @Test
    @Order(10)
    @Tag("hint:2")
    void readsTheCallingThreadsCpuClock() {
        CompiledNest classes = compiled();
        var process = CompiledNest.forbiddenUses(classes, "every thread's CPU time", (owner, name) ->
                isManagement(owner) && name.equals("getProcessCpuTime")
                || owner.equals("java.lang.ProcessHandle$Info") && name.equals("totalCpuDuration"));
        if (!process.isEmpty()) {
            fail("HeaderReport reads the CPU time of the whole process: " + String.join("; ", process) + "."
                    + " That adds up every thread of the JVM, like Python's time.process_time(), so a fetch would"
                    + " be charged for what a server's thread computed while it waited. Read"
                    + " getCurrentThreadCpuTime(), the clock of the thread that runs the steps.");
        }
        var userTime = CompiledNest.forbiddenUses(classes, "user time only", (owner, name) -> isManagement(owner)
                && (name.equals("getCurrentThreadUserTime") || name.equals("getThreadUserTime")));
        if (!userTime.isEmpty()) {
            fail("HeaderReport reads the thread's user time: " + String.join("; ", userTime) + ". That clock"
                    + " leaves out the work the kernel does for the thread (system mode), which CPU time"
                    + " includes, and on Linux it moves in steps of 10 ms. Read getCurrentThreadCpuTime().");
        }
    }

    @Test
    @Order(11)
    @Tag("hint:1")
    void reportsTheStepsInRunOrderInEveryFreshCopyOfTheClass(Random random) throws Exception {
        // The order was checked from the start, but in one JVM only. Loaded afresh, as a new JVM would load
        // it, the class gets new Step constants with new hash codes: an order that hangs on them changes from
        // one copy to the next, while the order the steps ran never does.
        URL classes = HeaderReport.class.getProtectionDomain().getCodeSource().getLocation();
        Map<String, List<String>> headers = randomHeaders(random);
        List<String> expected = IN_ORDER.stream().map(Step::name).toList();
        for (int copy = 1; copy <= 4; copy++) {
            List<String> reported = stepsReportedByAFreshCopy(classes, headers, nextFile());
            if (!reported.equals(expected)) {
                fail("In fresh copy " + copy + " of HeaderReport, loaded as a new JVM would load it, run() reported"
                        + " the steps " + reported + ", but it must report them in the order they ran: " + expected
                        + ". A HashMap or HashSet gives its entries back in an order of its own, which can change"
                        + " from one JVM to the next; a List keeps the order in which you add to it.");
            }
        }
    }

    /**
     * Two runs at once, on two threads, each report their own four steps: the second starts while the first waits
     * in its fetch, and its fetch waits until the first run has returned. One list kept for all runs (a static
     * field, cleared at the top of run()) hands the second run the first one's steps as well.
     */
    @Test
    @Order(12)
    @Tag("hint:1")
    void twoRunsAtOnceEachReportOnlyTheirOwnSteps(Random random) throws Exception {
        CountDownLatch firstInFetch = new CountDownLatch(1);
        CountDownLatch secondInFetch = new CountDownLatch(1);
        CountDownLatch firstReturned = new CountDownLatch(1);
        Map<Step, Work> firstPlan = randomPlan(random, 50_000);
        firstPlan.put(Step.FETCH, new Work("it waited until the second run was in its fetch", () -> {
            firstInFetch.countDown();
            awaitOrGiveUp(secondInFetch, "the second run's fetch");
        }, 0));
        Map<Step, Work> secondPlan = randomPlan(random, 50_000);
        secondPlan.put(Step.FETCH, new Work("it waited until the first run had returned", () -> {
            secondInFetch.countDown();
            awaitOrGiveUp(firstReturned, "the first run's return");
        }, 0));
        FakeSteps firstSteps = new FakeSteps(firstPlan, randomHeaders(random), null, null);
        FakeSteps secondSteps = new FakeSteps(secondPlan, randomHeaders(random), null, null);
        Path firstFile = nextFile();
        Path secondFile = nextFile();
        FutureTask<Report> first = new FutureTask<>(() -> {
            try {
                return HeaderReport.run(firstSteps, firstFile);
            } finally {
                firstReturned.countDown();
            }
        });
        FutureTask<Report> second = new FutureTask<>(() -> {
            awaitOrGiveUp(firstInFetch, "the first run's fetch");
            return HeaderReport.run(secondSteps, secondFile);
        });
        new Thread(first, "first run").start();
        new Thread(second, "second run").start();
        List<String> expected = IN_ORDER.stream().map(Step::name).toList();
        String story = "Two runs at once on two threads: the second began while the first waited in its fetch, and"
                + " the second's fetch waited until the first run had returned.";
        for (FutureTask<Report> run : List.of(first, second)) {
            String which = run == first ? "first" : "second";
            Report report = run.get(5, TimeUnit.SECONDS);
            List<String> reported = report.steps().stream().map(s -> s.step().name()).toList();
            if (!reported.equals(expected)) {
                fail(story + " The " + which + " run reported the steps " + reported + ", but each run reports its"
                        + " own four, " + expected + ". Keep each run's StepTimes in a list of its own, made in run():"
                        + " a list in a static field is one list for every run at once.");
            }
        }
    }

    /** Waits for {@code latch}; a run that never gets there ends the wait after 5 s instead of hanging the test. */
    private static void awaitOrGiveUp(CountDownLatch latch, String what) {
        try {
            if (!latch.await(5, TimeUnit.SECONDS)) {
                throw new IllegalStateException("waited 5 s for " + what + ", which never came");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + what, e);
        }
    }

    // ---- checks ----

    private static void assertFourStepsInOrder(TimedRun run) {
        List<Step> reported = run.report.steps().stream().map(StepTime::step).toList();
        if (!reported.equals(IN_ORDER)) {
            fail("run() reported the steps " + reported + ", but it must report one StepTime per step, in the order"
                    + " they ran: " + IN_ORDER + ".");
        }
    }

    private static void assertRanOnTheCaller(TimedRun run) {
        for (Step step : IN_ORDER) {
            Thread ranOn = run.steps.threads.get(step);
            if (ranOn == null) {
                fail("run() never called the " + name(step) + " step.");
            }
            if (ranOn != run.caller) {
                fail("The " + name(step) + " step ran on thread '" + ranOn.getName() + "', not on the thread that"
                        + " called run(), '" + run.caller.getName() + "'. A thread's CPU clock counts only that"
                        + " thread's work: run every step on the calling thread, between two readings of its"
                        + " clock.");
            }
        }
    }

    private static void assertLabelsFollowTheTimes(TimedRun run) {
        for (Step step : IN_ORDER) {
            StepTime time = run.reported(step);
            Bound rule = rule(time.wall(), time.cpu());
            if (time.bound() != rule) {
                fail("run() measured the " + name(step) + " step (" + run.plan.get(step).what() + ") at wall "
                        + exact(time.wall()) + " and CPU " + exact(time.cpu()) + ", which the rule calls " + rule
                        + ", but labelled it " + time.bound() + ". A step's label is bound(wall, cpu) of that step's"
                        + " own two durations, whatever the step is called.");
            }
            if (run.provablyWaited(step) && time.bound() != Bound.IO_BOUND
                    || run.provablyComputed(step) && time.bound() != Bound.CPU_BOUND) {
                fail("The " + name(step) + " step (" + run.plan.get(step).what() + ") was, by the test's own"
                        + " readings, " + (run.provablyWaited(step) ? Bound.IO_BOUND : Bound.CPU_BOUND)
                        + ", but run() reported wall " + exact(time.wall()) + " and CPU " + exact(time.cpu())
                        + " and labelled it " + time.bound() + ".");
            }
        }
        Bound rule = rule(run.report.wall(), run.report.cpu());
        if (run.report.bound() != rule) {
            fail("run() measured the whole run at wall " + exact(run.report.wall()) + " and CPU "
                    + exact(run.report.cpu()) + ", which the rule calls " + rule + ", but labelled it "
                    + run.report.bound() + " (the steps' labels were "
                    + run.report.steps().stream().map(t -> name(t.step()) + " " + t.bound()).toList() + "). The"
                    + " whole run's label is bound(wall, cpu) of the run's own totals, whatever its steps were.");
        }
    }

    /** What CPU times that all come in steps of 10 ms show, or {@code otherwise}. */
    private static String inTicks(TimedRun run, String otherwise) {
        boolean ticks = run.report.steps().stream().allMatch(t -> t.cpu().toNanos() % 10_000_000 == 0)
                && run.report.cpu().toNanos() % 10_000_000 == 0;
        return ticks ? " Every CPU time in the report was a whole number of 10 ms, most of them 0: the step of the"
                + " clocks the kernel keeps in ticks, the process's CPU time (getProcessCpuTime()) and a thread's"
                + " user time. getCurrentThreadCpuTime() counts the calling thread's time to the nanosecond."
                : otherwise;
    }

    private static Bound rule(Duration wall, Duration cpu) {
        return cpu.toNanos() * 2 >= wall.toNanos() ? Bound.CPU_BOUND : Bound.IO_BOUND;
    }

    // ---- a fresh copy of the class ----

    /** Runs {@code HeaderReport} loaded anew from {@code classes}, as a new JVM would, and names its steps. */
    private static List<String> stepsReportedByAFreshCopy(URL classes, Map<String, List<String>> headers, Path file)
            throws Exception {
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes}, ClassLoader.getPlatformClassLoader())) {
            Class<?> report = Class.forName(HeaderReport.class.getName(), true, loader);
            Class<?> steps = Class.forName(Steps.class.getName(), false, loader);
            InvocationHandler fetchOnly = (proxy, method, args) -> {
                if (method.getName().equals("fetch")) {
                    return headers;
                }
                if (method.getDeclaringClass() == Object.class) {
                    return switch (method.getName()) {
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        default -> "fresh steps";
                    };
                }
                return InvocationHandler.invokeDefault(proxy, method, args);
            };
            Object proxy = Proxy.newProxyInstance(loader, new Class<?>[] {steps}, fetchOnly);
            Object result;
            try {
                result = report.getMethod("run", steps, Path.class).invoke(null, proxy, file);
            } catch (InvocationTargetException e) {
                throw new AssertionError("run() failed in a fresh copy of HeaderReport: " + e.getCause(), e.getCause());
            }
            List<String> names = new ArrayList<>();
            for (Object time : (List<?>) result.getClass().getMethod("steps").invoke(result)) {
                names.add(((Enum<?>) time.getClass().getMethod("step").invoke(time)).name());
            }
            return names;
        }
    }

    // ---- inputs ----

    private Path nextFile() {
        return folder.resolve("headers-" + ++files + ".txt");
    }

    private static final List<String> NAMES = List.of("Content-Type", "Content-Length", "Date", "Server", "ETag",
            "Cache-Control", "Set-Cookie", "Vary", "X-Request-Id", "x-lower-case", "Age", "Via");

    /** Headers as HttpURLConnection gives them: a status line under the name null, then any names and values. */
    private static Map<String, List<String>> randomHeaders(Random random) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        if (random.nextBoolean()) {
            headers.put(null, List.of("HTTP/1.1 " + (200 + random.nextInt(300)) + " Whatever"));
        }
        List<String> names = new ArrayList<>(NAMES);
        Collections.shuffle(names, random);
        for (String name : names.subList(0, 1 + random.nextInt(names.size()))) {
            List<String> values = new ArrayList<>();
            for (int v = 0, count = 1 + random.nextInt(3); v < count; v++) {
                values.add(Integer.toString(random.nextInt(100_000), 36) + (random.nextBoolean() ? "; q=0.5" : ""));
            }
            headers.put(name, List.copyOf(values));
        }
        return Collections.unmodifiableMap(headers);
    }

    private static Exception randomFailure(Step step, Random random) {
        int n = random.nextInt(1_000);
        return switch (step) {
            case FETCH -> switch (random.nextInt(3)) {
                case 0 -> new ConnectException("connection refused #" + n);
                case 1 -> new SocketTimeoutException("read timed out #" + n);
                default -> new IOException("server hung up #" + n);
            };
            case FORMAT -> new IllegalArgumentException("malformed header #" + n);
            case JOIN -> new IllegalStateException("out of buffer #" + n);
            case WRITE -> random.nextBoolean() ? new AccessDeniedException("headers-" + n + ".txt")
                    : new IOException("no space left on device #" + n);
        };
    }

    /**
     * An unchecked exception whose cause is an IOException, as a step may throw: an UncheckedIOException from the
     * two I/O steps (the very type an answer that wraps their IOException would unwrap), either kind from the others.
     */
    private static RuntimeException uncheckedWithAnIoCause(Step step, Random random) {
        int n = random.nextInt(1_000);
        IOException cause = new IOException("disk gone #" + n);
        boolean io = step == Step.FETCH || step == Step.WRITE;
        return io || random.nextBoolean() ? new UncheckedIOException("lines from a lazy stream #" + n, cause)
                : new IllegalStateException("cache unreadable #" + n, cause);
    }

    // ---- helpers ----

    /** What the learner's class uses, read from its class files, once for both rules. */
    private static synchronized CompiledNest compiled() {
        if (compiled == null) {
            compiled = CompiledNest.of(HeaderReport.class);
        }
        return compiled;
    }

    private static boolean isTimeOfDay(String owner, String name) {
        return owner.equals("java.lang.System") && name.equals("currentTimeMillis")
                || owner.startsWith("java.time.") && name.equals("now")
                || owner.equals("java.time.Clock") || owner.equals("java.time.InstantSource")
                || owner.equals("java.util.Date") || owner.equals("java.util.Calendar");
    }

    private static boolean isManagement(String owner) {
        return owner.startsWith("java.lang.management.") || owner.startsWith("com.sun.management.");
    }

    /** A duration to the nanosecond, as the tests compare it: 1,000,001 ns. */
    private static String exact(Duration d) {
        return String.format(Locale.ROOT, "%,d ns", d.toNanos());
    }

}
