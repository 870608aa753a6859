package dev.tutor.exercises.waiting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Grades {@link WorkloadProbe}. The tests run in the order of the exercise: the wall clock first
 * (hint 1), then the CPU clock (hint 2), then the label (hint 3), so the first failure names the
 * first thing to fix.
 *
 * <p>Each test carries {@code @Tag("hint:N")}: when it fails, the tutor offers hint N of the exercise's
 * entry in the course manifest.
 *
 * <p>The tasks are sized for a busy machine: a CPU task spins until it has used a given amount of CPU
 * time, however long the scheduler makes that take, and a sleeping task uses almost none.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class WorkloadProbeTest {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** Where the spinning task leaves its arithmetic, so that the JIT cannot discard the loop. */
    private static volatile long blackhole;

    // Short tasks keep the verdict quick; CPU time is read to the nanosecond, so they are long enough.
    private static final Duration SLEEP = Duration.ofMillis(12);
    private static final Duration SPIN = Duration.ofMillis(8);
    private static final Duration SHORT_SPIN = Duration.ofMillis(6);
    /** A sleeping thread wakes up and goes back to sleep in microseconds; this is generous. */
    private static final Duration MOST_CPU_A_SLEEPER_USES = Duration.ofMillis(4);
    /** One measurement of a sleeping task, shared by the tests that look at it from different sides. */
    private static Measurement sleeping;
    /** Clock reads are not free; a thread can never use more CPU than the time that passed. */
    private static final Duration CLOCK_SLACK = Duration.ofMillis(2);

    @Test
    @Order(1)
    @Tag("hint:1")
    void wallTimeCoversTheWholeTask() {
        Measurement m = sleepingTask();

        assertTrue(m.wall().compareTo(SLEEP) >= 0,
                () -> "The task slept " + describe(SLEEP) + ", so its wall time must be at least "
                        + describe(SLEEP) + ", but measure() reported " + describe(m.wall()) + ". "
                        + whyWallTooShort(m.wall()));
        Duration ceiling = SLEEP.plusSeconds(5);
        assertTrue(m.wall().compareTo(ceiling) <= 0,
                () -> "The task slept " + describe(SLEEP) + " and the test waited for it, yet measure()"
                        + " reported a wall time of " + describe(m.wall()) + "."
                        + " Duration.ofNanos expects nanoseconds:"
                        + " read System.nanoTime() twice and pass it the difference, unscaled.");
    }

    @Test
    @Order(2)
    @Tag("hint:2")
    void cpuTimeExcludesSleeping() {
        Measurement m = sleepingTask();

        assertTrue(m.cpu().compareTo(MOST_CPU_A_SLEEPER_USES) < 0,
                () -> "The task slept " + describe(SLEEP) + " and used almost no CPU, but measure() reported "
                        + describe(m.cpu()) + " of CPU time (wall " + describe(m.wall()) + ")."
                        + " A sleeping thread is off the CPU; System.nanoTime() keeps ticking while it"
                        + " sleeps, so it measures wall time, not CPU time. Read the thread's CPU clock"
                        + " instead: ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime().");
    }

    @Test
    @Order(3)
    @Tag("hint:2")
    void cpuTimeCountsSpinning() {
        Measurement m = measureChecked(() -> spinFor(SPIN));

        Duration floor = SPIN.minus(CLOCK_SLACK);
        assertTrue(m.cpu().compareTo(floor) >= 0,
                () -> "The task kept its thread busy until that thread had used " + describe(SPIN)
                        + " of CPU time, but measure() reported only " + describe(m.cpu()) + " of CPU time."
                        + " Read getCurrentThreadCpuTime() of ManagementFactory.getThreadMXBean() before"
                        + " and after task.run(), on the thread that runs the task.");
        assertTrue(m.cpu().compareTo(m.wall().plus(CLOCK_SLACK)) <= 0,
                () -> "measure() reported " + describe(m.cpu()) + " of CPU time in " + describe(m.wall())
                        + " of wall time. One thread cannot use more CPU time than the time that passed;"
                        + " check that both durations are built from nanoseconds.");
    }

    @Test
    @Order(4)
    @Tag("hint:3")
    void cpuBoundFromHalfTheWallTimeUp() {
        Duration wall = Duration.ofMillis(100);
        assertLabel(Bound.IO_BOUND, wall, Duration.ZERO, "no CPU time at all");
        assertLabel(Bound.IO_BOUND, wall, Duration.ofMillis(49), "49 ms of CPU, just under half");
        assertLabel(Bound.CPU_BOUND, wall, Duration.ofMillis(50), "50 ms of CPU, exactly half");
        assertLabel(Bound.CPU_BOUND, wall, wall, "100 ms of CPU, all of it");
    }

    @Test
    @Order(5)
    @Tag("hint:3")
    void labelsSleepingTaskIoBound() {
        Duration nap = SLEEP;
        Measurement m = sleepingTask();

        assertEquals(Bound.IO_BOUND, m.bound(),
                () -> "The task slept " + describe(nap) + " and measure() reported wall " + describe(m.wall())
                        + " and CPU " + describe(m.cpu()) + ", yet labelled it " + m.bound() + ". "
                        + whyIoBound(m, nap));
    }

    @Test
    @Order(6)
    @Tag("hint:3")
    void labelsSpinningTaskCpuBound() {
        // On a crowded machine a spinning thread can spend longer queued for a core than running on one.
        // Such a run really is not CPU-bound by the rule, so try again; if the machine stays that busy,
        // check that the label follows the rule for the times measured.
        Measurement m = measureChecked(() -> spinFor(SHORT_SPIN));
        for (int retry = 0; retry < 9 && starved(m); retry++) {
            m = measureChecked(() -> spinFor(SHORT_SPIN));
        }
        Measurement last = m;
        if (starved(last)) {
            assertEquals(Bound.IO_BOUND, last.bound(),
                    () -> "On this busy machine the spinning task waited for a core longer than it ran, ten"
                            + " times in a row (last: wall " + describe(last.wall()) + ", CPU "
                            + describe(last.cpu()) + "), so by the rule it was I/O-bound, yet measure()"
                            + " labelled it " + last.bound() + ". A task is CPU-bound only when its CPU"
                            + " time is at least half its wall time.");
            return;
        }
        assertEquals(Bound.CPU_BOUND, last.bound(),
                () -> "The task kept its thread busy on the CPU for " + describe(SHORT_SPIN)
                        + " and measure() reported wall " + describe(last.wall()) + " and CPU "
                        + describe(last.cpu()) + ", yet labelled it " + last.bound() + ". A task is"
                        + " CPU-bound when its CPU time is at least half its wall time: classify() must"
                        + " return CPU_BOUND when cpu * 2 >= wall.");
    }

    @Test
    @Order(7)
    @Tag("hint:3")
    void blockingSocketReadIsIoBound() throws Exception {
        Duration replyDelay = Duration.ofMillis(12);
        ExecutorService serverThread = Executors.newSingleThreadExecutor();
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            server.setSoTimeout(5_000);
            CountDownLatch requestReceived = new CountDownLatch(1);
            Future<?> serving = serverThread.submit(() -> {
                serveOneSlowReply(server, requestReceived, replyDelay);
                return null;
            });

            try (Socket client = new Socket()) {
                client.connect(server.getLocalSocketAddress(), 5_000);
                client.setSoTimeout(5_000);
                client.getOutputStream().write("GET\n".getBytes(StandardCharsets.US_ASCII));
                client.getOutputStream().flush();
                assertTrue(requestReceived.await(5, TimeUnit.SECONDS),
                        "The test's own server never received the request: a fault in the test setup.");

                InputStream reply = client.getInputStream();
                Measurement m = measureChecked(() -> readToEnd(reply));

                assertEquals(Bound.IO_BOUND, m.bound(),
                        () -> "The task blocked in a socket read while the server took "
                                + describe(replyDelay) + " to answer; measure() reported wall "
                                + describe(m.wall()) + " and CPU "
                                + describe(m.cpu()) + ", yet labelled it " + m.bound() + ". "
                                + whyIoBound(m, replyDelay.dividedBy(2)));
            }
            serving.get(5, TimeUnit.SECONDS);
        } finally {
            serverThread.shutdownNow();
        }
    }

    // ---- helpers ----

    private static synchronized Measurement sleepingTask() {
        if (sleeping == null) {
            sleeping = measureChecked(() -> sleep(SLEEP));
        }
        return sleeping;
    }

    private static Measurement measureChecked(Runnable task) {
        Measurement m = WorkloadProbe.measure(task);
        assertNotNull(m, "measure() returned null; return a new Measurement(wall, cpu, bound)");
        assertNotNull(m.wall(), "measure() returned a Measurement whose wall time is null");
        assertNotNull(m.cpu(), "measure() returned a Measurement whose CPU time is null");
        assertNotNull(m.bound(), "measure() returned a Measurement whose label is null");
        assertTrue(!m.wall().isNegative() && !m.cpu().isNegative(),
                () -> "measure() reported wall " + m.wall() + " and CPU " + m.cpu()
                        + "; a duration that passed cannot be negative: subtract the earlier reading"
                        + " from the later one.");
        return m;
    }

    private static void assertLabel(Bound expected, Duration wall, Duration cpu, String what) {
        Bound actual = WorkloadProbe.classify(wall, cpu);
        assertEquals(expected, actual,
                () -> "classify(wall " + describe(wall) + ", cpu " + describe(cpu) + ") returned " + actual
                        + " for " + what + ", but the rule says " + expected + ":"
                        + " CPU_BOUND when the CPU time is at least half the wall time, IO_BOUND otherwise.");
    }

    private static String whyWallTooShort(Duration wall) {
        long times = wall.toNanos() > 0 ? SLEEP.toNanos() / wall.toNanos() : 0;
        if (times >= 100) {
            String about = times >= 300_000 ? "a million"
                    : times >= 300 ? "a thousand"
                    : Long.toString(times);
            return "That is about " + about + " times too little: System.nanoTime() counts nanoseconds and"
                    + " System.currentTimeMillis() milliseconds, so keep to one clock and hand"
                    + " Duration.ofNanos a difference of nanoseconds.";
        }
        return "The wall time is everything between the start and the end of task.run(), the sleep"
                + " included: read System.nanoTime() just before task.run() and just after it, and"
                + " return the difference.";
    }

    private static String whyIoBound(Measurement m, Duration tookAtLeast) {
        if (m.wall().multipliedBy(2).compareTo(tookAtLeast) < 0) {
            return "A wall time of " + describe(m.wall()) + " for a task that took at least "
                    + describe(tookAtLeast) + " means the wall clock is read wrongly;"
                    + " wallTimeCoversTheWholeTask says how.";
        }
        if (m.cpu().multipliedBy(2).compareTo(m.wall()) >= 0) {
            return "Its CPU time is nearly all of its wall time, so the two clocks measured the same thing:"
                    + " the CPU time must come from the thread's CPU clock, which stops while it waits.";
        }
        return "Its CPU time is less than half its wall time, and the rule calls that IO_BOUND;"
                + " check the comparison in classify().";
    }

    /** True when the thread used the CPU it needed but spent longer waiting for a core than on it. */
    private static boolean starved(Measurement m) {
        boolean ranItsShare = m.cpu().compareTo(SHORT_SPIN.minus(CLOCK_SLACK)) >= 0;
        return ranItsShare && m.cpu().multipliedBy(2).compareTo(m.wall()) < 0;
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

    private static void readToEnd(InputStream in) {
        try {
            in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Accepts one client, reads its request line, waits {@code delay}, answers and hangs up. */
    private static void serveOneSlowReply(ServerSocket server, CountDownLatch requestReceived,
            Duration delay) throws IOException {
        try (Socket peer = server.accept()) {
            peer.setSoTimeout(5_000);
            InputStream in = peer.getInputStream();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new IOException("the client closed the connection before its request ended");
                }
            }
            requestReceived.countDown();
            sleep(delay);
            OutputStream out = peer.getOutputStream();
            out.write("pong\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
    }

    /** A duration in the unit a person reads most easily: 200 ms, 61 \u00b5s, 201 ns. */
    private static String describe(Duration d) {
        long nanos = d.toNanos();
        if (Math.abs(nanos) >= 10_000_000_000L) {
            return nanos / 1_000_000_000 + " s";
        }
        if (Math.abs(nanos) >= 1_000_000) {
            return nanos / 1_000_000 + " ms";
        }
        if (Math.abs(nanos) >= 1_000) {
            return nanos / 1_000 + " \u00b5s";
        }
        return nanos + " ns";
    }
}
