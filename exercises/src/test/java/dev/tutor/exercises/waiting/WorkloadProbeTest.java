package dev.tutor.exercises.waiting;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tutor.exercises.support.CompiledNest;
import dev.tutor.exercises.support.Seeded;
import dev.tutor.exercises.support.WholeMicroseconds;
import dev.tutor.exercises.waiting.WorkloadProbe.Bound;
import dev.tutor.exercises.waiting.WorkloadProbe.Measurement;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Grades {@link WorkloadProbe}. The tests run in the order of the exercise: the wall clock (hint 1), the
 * thread's CPU clock (hint 2), the label (hint 3), then a thread that has no CPU clock (hint 4), so the
 * first failure names the first thing to fix. Last come the rules on which clocks the class may read,
 * checked on its compiled code (hints 1 and 2), which no answer that fails an earlier test should wait
 * for, however short the wait. Each test carries
 * {@code @Tag("hint:N")}: when it fails, the tutor offers hint N of the exercise's entry in the course
 * manifest.
 *
 * <p>No test guesses what a measurement should come to. Every task reads both clocks of its own thread at
 * its first and last line, and the test reads them again just before {@code measure()} and just after it:
 * a right answer's readings sit between the two pairs, so its wall and CPU times must lie, to the
 * nanosecond, between what the task saw inside and what passed outside. That holds on a busy machine as
 * on a quiet one, and for tasks far shorter than a millisecond. The tasks are random (seeded): sleeps,
 * computations that run until the thread has used a given amount of CPU time, and tasks that return at
 * once. The label is checked on exact durations handed to {@code classify()}, and on every measurement
 * against the times that measurement reports.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 10, unit = TimeUnit.SECONDS)
@ExtendWith(Seeded.class)
class WorkloadProbeTest {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** Where the computing tasks leave their arithmetic, so that the JIT cannot discard the loop. */
    private static volatile long blackhole;
    private static CompiledNest compiled;
    /**
     * Tasks per test. The first six are one of each kind and length, so that every seed meets them all; the
     * rest are random. Every task is a check of its own, and the tests' time is mostly theirs.
     */
    private static final int TASKS = 16;

    // ---- hint 1: the wall clock ----

    @Test
    @Order(1)
    @Tag("hint:1")
    void wallTimeIsTheTasksToTheNanosecond(Random random) {
        List<Observed> seen = observeRandomTasks(random);

        for (Observed o : seen) {
            Duration wall = o.measurement().wall();
            if (wall.compareTo(o.insideWall()) < 0) {
                fail(o.task() + " took at least " + exact(o.insideWall()) + " (the test read System.nanoTime()"
                        + " at the task's first and last line), but measure() reported a wall time of "
                        + exact(wall) + "." + wallTooShortEvidence(seen));
            }
            if (wall.compareTo(o.outsideWall()) > 0) {
                fail(o.task() + " was measured with a wall time of " + exact(wall) + ", but from the call to"
                        + " measure() to its return only " + exact(o.outsideWall()) + " passed. The wall time"
                        + " is the difference between a reading of System.nanoTime() just before task.run()"
                        + " and one just after, in nanoseconds.");
            }
        }
        if (WholeMicroseconds.allCut(seen.stream().map(o -> o.measurement().wall().toNanos()).toList(),
                seen.stream().map(Observed::insideWallNanos).toList())) {
            fail("Every one of the " + seen.size() + " wall times measure() reported was a whole number of"
                    + " microseconds, though System.nanoTime() counts single nanoseconds here (the test's own"
                    + " readings were not whole microseconds): the nanoseconds below the microsecond were lost."
                    + " Hand Duration.ofNanos the difference of the two readings as it is.");
        }
    }

    // ---- hint 2: the thread's CPU clock ----

    @Test
    @Order(2)
    @Tag("hint:2")
    void runsTheTaskOnTheCallingThreadAndLetsItsExceptionsThrough(Random random) {
        Thread caller = Thread.currentThread();
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        measureChecked(() -> ranOn.set(Thread.currentThread()));
        if (ranOn.get() != caller) {
            fail("The task ran on thread '" + ranOn.get().getName() + "', not on the thread that called"
                    + " measure(), '" + caller.getName() + "'. A thread's CPU clock counts only that thread's"
                    + " work, and the task's exceptions belong to its caller: call task.run() yourself,"
                    + " between the readings.");
        }

        for (int i = 0; i < 4; i++) {
            RuntimeException fromTask = switch (random.nextInt(3)) {
                case 0 -> new IllegalStateException("task " + random.nextInt(1000) + " failed");
                case 1 -> new UncheckedIOException(new IOException("connection reset #" + random.nextInt(1000)));
                default -> new ArithmeticException("/ by zero in task " + random.nextInt(1000));
            };
            Throwable thrown = null;
            Measurement m = null;
            try {
                m = WorkloadProbe.measure(() -> {
                    throw fromTask;
                });
            } catch (Throwable t) {
                thrown = t;
            }
            if (thrown != fromTask) {
                fail("The task threw " + fromTask + "; measure() must throw that same exception, unchanged, but it "
                        + (thrown == null ? "returned " + m
                        : thrown.getCause() == fromTask ? "threw " + thrown + ", which wraps it"
                        : "threw " + thrown) + ".");
            }
        }
    }

    @Test
    @Order(3)
    @Tag("hint:2")
    void cpuTimeIsTheCallingThreadsToTheNanosecond(Random random) {
        List<Observed> seen = observeRandomTasks(random);

        for (Observed o : seen) {
            Duration cpu = o.measurement().cpu();
            if (cpu.compareTo(o.insideCpu()) < 0) {
                fail(o.task() + " used at least " + exact(o.insideCpu()) + " of its thread's CPU time (the"
                        + " test read that thread's CPU clock at the task's first and last line), but measure()"
                        + " reported " + exact(cpu) + "." + (seen.stream().allMatch(
                                s -> s.measurement().cpu().toNanos() % 10_000_000 == 0)
                        ? " Every CPU time measure() reported was a whole number of 10 ms, most of them 0: the step"
                        + " of a coarse clock, such as the user-time clock getCurrentThreadUserTime() (which also"
                        + " leaves out the kernel's work for the thread) or the whole process's CPU time."
                        + " getCurrentThreadCpuTime() counts this thread's user and kernel time, to the nanosecond."
                        : " Read getCurrentThreadCpuTime() just before task.run() and just after it, and report the"
                        + " difference in nanoseconds."));
            }
            if (cpu.compareTo(o.outsideCpu()) > 0) {
                fail(o.task() + " was measured with a CPU time of " + exact(cpu) + " (wall "
                        + exact(o.measurement().wall()) + "), but the calling thread used only "
                        + exact(o.outsideCpu()) + " of CPU from the call to measure() to its return."
                        + cpuTooLongEvidence(o));
            }
        }
        if (WholeMicroseconds.allCut(seen.stream().map(o -> o.measurement().cpu().toNanos()).toList(),
                seen.stream().map(Observed::insideCpuNanos).toList())) {
            fail("Every one of the " + seen.size() + " CPU times measure() reported was a whole number of"
                    + " microseconds, though the thread's CPU clock counts single nanoseconds here (the test's own"
                    + " readings were not whole microseconds): the nanoseconds below the microsecond were lost."
                    + " Hand Duration.ofNanos the difference of the two readings as it is.");
        }
    }

    // ---- hint 3: the label ----

    @Test
    @Order(4)
    @Tag("hint:3")
    void classifiesByTheRuleOfOneHalfToTheNanosecond(Random random) {
        List<Duration[]> cases = new ArrayList<>();
        // The edges every seed meets: nothing at all, exactly half, half a nanosecond short of half.
        add(cases, 0, 0);
        add(cases, 0, 1 + random.nextInt(1_000));
        add(cases, 1, 0);
        add(cases, 1, 1);
        add(cases, 2, 1);
        add(cases, 3, 1);
        add(cases, 3, 2);
        for (int i = 0; i < 300; i++) {
            long wall = randomWallNanos(random);
            long half = wall / 2;
            switch (i % 5) {
                case 0 -> add(cases, wall, wall - half);                    // the least that is at least half
                case 1 -> add(cases, wall, Math.max(0, wall - half - 1));   // one nanosecond less
                case 2 -> add(cases, wall, (long) (random.nextDouble() * 2 * wall));
                case 3 -> add(cases, wall, wall + random.nextInt(1_000));   // the clocks' readings overlap
                default -> add(cases, wall, random.nextInt(1 + (int) Math.min(wall, 1_000)));
            }
        }

        for (Duration[] c : cases) {
            Duration wall = c[0];
            Duration cpu = c[1];
            Bound expected = rule(wall, cpu);
            Bound actual;
            try {
                actual = WorkloadProbe.classify(wall, cpu);
            } catch (RuntimeException e) {
                fail("classify(wall " + exact(wall) + ", cpu " + exact(cpu) + ") threw " + e + "; the rule says "
                        + expected + ". " + why(wall, cpu));
                return;
            }
            if (actual != expected) {
                fail("classify(wall " + exact(wall) + ", cpu " + exact(cpu) + ") returned " + actual
                        + ", but the rule says " + expected + ". " + why(wall, cpu));
            }
        }
    }

    @Test
    @Order(5)
    @Tag("hint:3")
    void labelsEveryMeasurementByItsOwnTimes(Random random) {
        List<Observed> seen = observeRandomTasks(random);

        for (Observed o : seen) {
            assertLabelFollowsTheTimes(o);
        }
    }

    @Test
    @Order(6)
    @Tag("hint:3")
    void labelsABlockingSocketReadIoBound(Random random) throws Exception {
        Duration replyDelay = Duration.ofNanos(300_000 + random.nextInt(2_700_000));
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            server.setSoTimeout(5_000);
            AtomicReference<Throwable> serverFailed = new AtomicReference<>();
            Thread serving = new Thread(() -> {
                try {
                    serveOneSlowReply(server, replyDelay);
                } catch (Throwable t) {
                    serverFailed.set(t);
                }
            }, "slow-server");
            serving.start();
            try (Socket client = new Socket()) {
                client.connect(server.getLocalSocketAddress(), 5_000);
                client.setSoTimeout(5_000);
                OutputStream request = client.getOutputStream();
                InputStream reply = client.getInputStream();
                // The request goes out inside the task: the server's delay starts only once it has arrived,
                // so the read that follows blocks for the whole of it.
                Observed o = observe("A task that asked a server for a reply and blocked in a socket read"
                        + " while the server took " + readable(replyDelay) + " to answer", () -> {
                            try {
                                request.write("GET\n".getBytes(StandardCharsets.US_ASCII));
                                request.flush();
                                reply.readAllBytes();
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        });
                assertLabelFollowsTheTimes(o);
            } finally {
                serving.join(5_000);
            }
            assertNull(serverFailed.get(), "The test's own server failed: a fault in the test setup.");
        }
    }

    // ---- hint 4: a thread without a CPU clock ----

    @Test
    @Order(7)
    @Tag("hint:4")
    void refusesAThreadWithoutACpuClockWithoutRunningTheTask() throws InterruptedException {
        boolean[] ran = new boolean[1];
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread virtual = Thread.ofVirtual().name("virtual-caller").start(() -> {
            try {
                outcome.set(WorkloadProbe.measure(() -> ran[0] = true));
            } catch (Throwable t) {
                outcome.set(t);
            }
        });
        virtual.join();

        Object result = outcome.get();
        if (!(result instanceof IllegalStateException)) {
            fail("measure() was called on a virtual thread, whose CPU clock answers -1: there is no CPU time"
                    + " to measure, so it must throw IllegalStateException, but it "
                    + (result instanceof Throwable t ? "threw " + t : "returned " + result) + ".");
        }
        assertTrue(!ran[0], "measure() threw IllegalStateException on a virtual thread, but only after it had run the"
                + " task: read the CPU clock, and give up, before task.run().");
        refusesAPlatformThreadWhoseCpuClockIsSwitchedOff();
    }

    /**
     * The same rule on a platform thread: the JVM can be told to stop measuring threads' CPU time, and then every
     * thread's CPU clock answers -1. What decides is the reading, not the kind of thread.
     */
    private static void refusesAPlatformThreadWhoseCpuClockIsSwitchedOff() {
        if (!THREADS.isThreadCpuTimeSupported() || !THREADS.isThreadCpuTimeEnabled()) {
            return; // this JVM gives no CPU clock to switch off; the virtual thread above stands for the rule
        }
        boolean[] ran = new boolean[1];
        Object outcome;
        THREADS.setThreadCpuTimeEnabled(false);
        try {
            outcome = WorkloadProbe.measure(() -> ran[0] = true);
        } catch (RuntimeException | Error e) {
            outcome = e;
        } finally {
            THREADS.setThreadCpuTimeEnabled(true);
        }
        if (!(outcome instanceof IllegalStateException)) {
            fail("measure() was called on a platform thread while the JVM measured no thread's CPU time"
                    + " (ThreadMXBean.setThreadCpuTimeEnabled(false)), so its CPU clock answered -1; it must throw"
                    + " IllegalStateException, as on a virtual thread, but it "
                    + (outcome instanceof Throwable t ? "threw " + t : "returned " + outcome) + ". What tells that"
                    + " the CPU time cannot be read is the clock's answer, a negative reading, not the kind of"
                    + " thread.");
        }
        assertTrue(!ran[0], "measure() threw IllegalStateException while the JVM measured no thread's CPU time, but"
                + " only after it had run the task: read the CPU clock, and give up, before task.run().");
    }

    // ---- last, the means: read off the compiled class ----

    @Test
    @Order(8)
    @Tag("hint:1")
    void readsTheWallClockWithSystemNanoTime() {
        CompiledNest classes = compiled();
        var timeOfDay = CompiledNest.forbiddenUses(classes, "a clock of the time of day",
                WorkloadProbeTest::isTimeOfDay);
        if (!timeOfDay.isEmpty()) {
            fail("WorkloadProbe reads the time of day: " + String.join("; ", timeOfDay) + ". That clock tells"
                    + " the date, counts in coarse steps on many systems and jumps when the system clock is set;"
                    + " a duration is the difference between two readings of System.nanoTime().");
        }
        if (!CompiledNest.usesAny(classes, (owner, name) -> owner.equals("java.lang.System")
                && name.equals("nanoTime"))) {
            fail("WorkloadProbe never calls System.nanoTime(). The wall time is the difference between two"
                    + " readings of it, one just before task.run() and one just after.");
        }
    }


    @Test
    @Order(9)
    @Tag("hint:2")
    void readsTheCallingThreadsCpuClock() {
        CompiledNest classes = compiled();
        var userTime = CompiledNest.forbiddenUses(classes, "user time only", (owner, name) -> isManagement(owner)
                && (name.equals("getCurrentThreadUserTime") || name.equals("getThreadUserTime")));
        if (!userTime.isEmpty()) {
            fail("WorkloadProbe reads the thread's user time: " + String.join("; ", userTime) + ". That clock"
                    + " leaves out the work the kernel does for the thread (system mode), which CPU time"
                    + " includes, and on Linux it moves in steps of 10 ms. Read getCurrentThreadCpuTime().");
        }
        var process = CompiledNest.forbiddenUses(classes, "every thread's CPU time",
                WorkloadProbeTest::isProcessCpuClock);
        if (!process.isEmpty()) {
            fail("WorkloadProbe reads the CPU time of the whole process: " + String.join("; ", process) + "."
                    + " That adds up every thread of the JVM; the task's CPU time is the calling thread's own:"
                    + " getCurrentThreadCpuTime().");
        }
    }


    // ---- the tasks and what they saw ----

    /** One call to measure(): the task's own readings of both clocks, and the test's around the call. */
    private record Observed(String task, Measurement measurement, long insideWallNanos, long insideCpuNanos,
            long outsideWallNanos, long outsideCpuNanos) {
        Duration insideWall() {
            return Duration.ofNanos(insideWallNanos);
        }

        Duration insideCpu() {
            return Duration.ofNanos(insideCpuNanos);
        }

        Duration outsideWall() {
            return Duration.ofNanos(outsideWallNanos);
        }

        Duration outsideCpu() {
            return Duration.ofNanos(outsideCpuNanos);
        }

        boolean provablyWaited() {
            // A right answer's CPU time is at most outsideCpu and its wall time at least insideWall.
            return outsideCpuNanos * 2 < insideWallNanos;
        }

        boolean provablyComputed() {
            return insideCpuNanos * 2 >= outsideWallNanos;
        }
    }

    /**
     * Tasks of every kind, most of them far shorter than a millisecond: sleeps, computations that run
     * until the thread has used a given amount of CPU time, and tasks that return at once.
     */
    private static List<Observed> observeRandomTasks(Random random) {
        List<Observed> seen = new ArrayList<>();
        // A thread of the test's, running before and after the task, whose CPU time is not the caller's.
        ExecutorService other = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-other-thread"));
        try {
            waitFor(other.submit(() -> { }));
            for (int i = 0; i < TASKS; i++) {
                int kind = i < FIRST_KINDS.length ? FIRST_KINDS[i] : random.nextInt(3);
                boolean longer = i < FIRST_KINDS.length ? i >= 3 : random.nextInt(4) == 0;
                long nanos = longer ? 500_000 + random.nextInt(1_500_000) : 20_000 + random.nextInt(480_000);
                seen.add(switch (kind) {
                    case 0 -> observe("A task that slept " + readable(Duration.ofNanos(nanos)),
                            () -> sleep(Duration.ofNanos(nanos)));
                    case 1 -> observe("A task that computed until its thread had used "
                            + readable(Duration.ofNanos(nanos)) + " of CPU time", () -> spinFor(nanos));
                    case 2 -> observe("A task that returned at once", () -> { });
                    default -> observe("A task that waited while " + ANOTHER_THREAD + " computed until it had used "
                            + readable(Duration.ofNanos(nanos)) + " of CPU time",
                            () -> waitFor(other.submit(() -> spinFor(nanos))));
                });
            }
        } finally {
            other.shutdownNow();
        }
        return seen;
    }

    /**
     * The kinds of the first tasks, whatever the seed: a short sleep, spin and empty task, then a long sleep and
     * spin, and a long wait for another thread's spin (kind 3, never drawn at random).
     */
    private static final int[] FIRST_KINDS = {0, 1, 2, 0, 1, 3};

    /** How the task that waits for another thread's work names that thread; its evidence looks for it. */
    private static final String ANOTHER_THREAD = "another, already running thread";

    private static void waitFor(Future<?> work) {
        try {
            work.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the other thread", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the test's other thread failed", e.getCause());
        }
    }

    private static Observed observe(String what, Runnable body) {
        long[] inside = new long[4];
        int[] runs = new int[1];
        Runnable task = () -> {
            runs[0]++;
            long wallStart = System.nanoTime();
            long cpuStart = THREADS.getCurrentThreadCpuTime();
            body.run();
            long cpuEnd = THREADS.getCurrentThreadCpuTime();
            long wallEnd = System.nanoTime();
            inside[0] = wallStart;
            inside[1] = wallEnd;
            inside[2] = cpuStart;
            inside[3] = cpuEnd;
        };
        long wallBefore = System.nanoTime();
        long cpuBefore = THREADS.getCurrentThreadCpuTime();
        Measurement m = measureChecked(task);
        long cpuAfter = THREADS.getCurrentThreadCpuTime();
        long wallAfter = System.nanoTime();
        if (runs[0] != 1) {
            fail("measure() ran the task " + runs[0] + " times; it must run it exactly once.");
        }
        return new Observed(what, m, inside[1] - inside[0], inside[3] - inside[2], wallAfter - wallBefore,
                cpuAfter - cpuBefore);
    }

    private static Measurement measureChecked(Runnable task) {
        Measurement m = WorkloadProbe.measure(task);
        assertNotNull(m, "measure() returned null; return a new Measurement(wall, cpu, bound)");
        return m;
    }

    private static void assertLabelFollowsTheTimes(Observed o) {
        Measurement m = o.measurement();
        Bound rule = rule(m.wall(), m.cpu());
        if (m.bound() != rule) {
            fail(o.task() + " was measured at wall " + exact(m.wall()) + " and CPU " + exact(m.cpu())
                    + ", which the rule calls " + rule + ", but measure() labelled it " + m.bound()
                    + ". The label is classify() of the two durations measure() reports.");
        }
        // With the rule followed, a wrong label here can only come from wrong times; say so plainly.
        if (o.provablyWaited() && m.bound() != Bound.IO_BOUND) {
            fail(o.task() + "; its thread used at most " + exact(o.outsideCpu()) + " of CPU in at least "
                    + exact(o.insideWall()) + ", so it is IO_BOUND, but measure() reported wall "
                    + exact(m.wall()) + " and CPU " + exact(m.cpu()) + " and labelled it " + m.bound() + ".");
        }
        if (o.provablyComputed() && m.bound() != Bound.CPU_BOUND) {
            fail(o.task() + "; its thread used at least " + exact(o.insideCpu()) + " of CPU in at most "
                    + exact(o.outsideWall()) + ", so it is CPU_BOUND, but measure() reported wall "
                    + exact(m.wall()) + " and CPU " + exact(m.cpu()) + " and labelled it " + m.bound() + ".");
        }
    }

    /** What the wall times that came out too short have in common, when they have something. */
    private static String wallTooShortEvidence(List<Observed> seen) {
        boolean someTime = seen.stream().anyMatch(o -> o.measurement().wall().toNanos() > 0);
        if (!someTime) {
            return " Every wall time measure() reported was zero. Read System.nanoTime() just before task.run()"
                    + " and just after it, and report the difference.";
        }
        boolean aMillionth = seen.stream()
                .allMatch(o -> o.measurement().wall().toNanos() <= o.outsideWallNanos() / 1_000_000 + 1);
        if (aMillionth) {
            return " Every one of the " + seen.size() + " wall times measure() reported was about a millionth of the"
                    + " time that passed: a count of milliseconds went where nanoseconds belong. Read"
                    + " System.nanoTime(), which counts nanoseconds, and hand the difference to Duration.ofNanos.";
        }
        boolean wholeMillis = seen.stream().allMatch(o -> o.measurement().wall().toNanos() % 1_000_000 == 0);
        if (wholeMillis) {
            return " Every one of the " + seen.size() + " wall times measure() reported was a whole number of"
                    + " milliseconds, though most tasks were far shorter than one: the nanoseconds below the"
                    + " millisecond were lost. Hand Duration.ofNanos the difference of two System.nanoTime()"
                    + " readings as it is.";
        }
        return " The wall time covers everything between the start and the end of task.run(): read"
                + " System.nanoTime() just before task.run() and just after it.";
    }

    /** What a CPU time that came out too long shows, when it shows something. */
    private static String cpuTooLongEvidence(Observed o) {
        Duration cpu = o.measurement().cpu();
        if (o.task().contains(ANOTHER_THREAD)) {
            return " While the task waited, the other thread's work was counted as the task's: a CPU clock of the"
                    + " whole process, or CPU times added up over all threads, counts every thread's work, as"
                    + " Python's time.process_time() does. The task's CPU time is the calling thread's alone:"
                    + " getCurrentThreadCpuTime().";
        }
        if (cpu.compareTo(o.outsideWall()) > 0) {
            return " That is more CPU time than the " + exact(o.outsideWall()) + " of wall time that passed: the"
                    + " thread's CPU clock counts from the moment the thread started, so only the difference"
                    + " between a reading before task.run() and one after it is the task's.";
        }
        if (o.task().contains("slept") && cpu.compareTo(o.insideWall()) >= 0) {
            return " The task slept, yet its CPU time came out as long as its sleep: a clock that keeps running"
                    + " while the thread sleeps, like System.nanoTime(), measures wall time. The CPU clock is"
                    + " getCurrentThreadCpuTime().";
        }
        return " The CPU time counts more than this thread's work during the task. Read"
                + " getCurrentThreadCpuTime() just before task.run() and just after it.";
    }

    private static String why(Duration wall, Duration cpu) {
        long w = wall.toNanos();
        String half = w % 2 == 0 ? exact(Duration.ofNanos(w / 2)) : String.format(Locale.ROOT, "%,d.5 ns", w / 2);
        return "Half of the wall time is " + half + ", and a CPU time of " + exact(cpu) + " is "
                + (cpu.toNanos() * 2 >= w ? "at least that" : "less than that") + ": CPU_BOUND when the CPU time"
                + " is at least half the wall time, exactly, IO_BOUND otherwise.";
    }

    private static Bound rule(Duration wall, Duration cpu) {
        return cpu.toNanos() * 2 >= wall.toNanos() ? Bound.CPU_BOUND : Bound.IO_BOUND;
    }

    /** Wall times from a few nanoseconds to seconds, odd and even, whole milliseconds and not. */
    private static long randomWallNanos(Random random) {
        return switch (random.nextInt(5)) {
            case 0 -> 1 + random.nextInt(2_000);
            case 1 -> 1_000 + random.nextInt(999_000);
            case 2 -> 1_000_000L * (1 + random.nextInt(500)) + random.nextInt(2);
            case 3 -> 1_000_000L + random.nextInt(999_000_000);
            default -> 1_000_000_000L * (1 + random.nextInt(3)) + random.nextInt(1_000_000_000);
        };
    }

    private static void add(List<Duration[]> cases, long wallNanos, long cpuNanos) {
        cases.add(new Duration[] {Duration.ofNanos(wallNanos), Duration.ofNanos(cpuNanos)});
    }

    /** What the learner's class uses, read from its class files, once for both rules. */
    private static synchronized CompiledNest compiled() {
        if (compiled == null) {
            compiled = CompiledNest.of(WorkloadProbe.class);
        }
        return compiled;
    }

    private static boolean isTimeOfDay(String owner, String name) {
        return owner.equals("java.lang.System") && name.equals("currentTimeMillis")
                || owner.startsWith("java.time.") && name.equals("now")
                || owner.equals("java.time.Clock") || owner.equals("java.time.InstantSource")
                || owner.equals("java.util.Date") || owner.equals("java.util.Calendar");
    }

    private static boolean isProcessCpuClock(String owner, String name) {
        return isManagement(owner) && name.equals("getProcessCpuTime")
                || owner.equals("java.lang.ProcessHandle$Info") && name.equals("totalCpuDuration");
    }

    private static boolean isManagement(String owner) {
        return owner.startsWith("java.lang.management.") || owner.startsWith("com.sun.management.");
    }

    private static void sleep(Duration howLong) {
        try {
            Thread.sleep(howLong);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sleeping", e);
        }
    }

    /** Busy until this thread has used {@code cpuNanos} of CPU, however long that takes on the wall clock. */
    private static void spinFor(long cpuNanos) {
        long until = THREADS.getCurrentThreadCpuTime() + cpuNanos;
        long sink = 0;
        while (THREADS.getCurrentThreadCpuTime() < until) {
            for (int i = 0; i < 100; i++) {
                sink += i * 31L ^ sink;
            }
        }
        blackhole = sink;
    }

    /** Reads one request line, waits {@code delay} as a slow server would, answers and hangs up. */
    private static void serveOneSlowReply(ServerSocket server, Duration delay) throws IOException {
        try (Socket peer = server.accept()) {
            peer.setSoTimeout(5_000);
            InputStream in = peer.getInputStream();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new IOException("the client closed the connection before its request ended");
                }
            }
            sleep(delay);
            OutputStream out = peer.getOutputStream();
            out.write("pong\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
    }

    /** A duration to the nanosecond, as the tests compare it: 1,000,001 ns. */
    private static String exact(Duration d) {
        return String.format(Locale.ROOT, "%,d ns", d.toNanos());
    }

    /** A duration in the unit a person reads most easily: 2 ms, 412 \u00b5s, 201 ns. */
    private static String readable(Duration d) {
        long nanos = d.toNanos();
        if (nanos >= 1_000_000) {
            return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
        }
        if (nanos >= 1_000) {
            return nanos / 1_000 + " \u00b5s";
        }
        return nanos + " ns";
    }
}
