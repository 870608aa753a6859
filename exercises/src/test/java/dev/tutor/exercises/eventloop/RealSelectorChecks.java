package dev.tutor.exercises.eventloop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tutor.exercises.eventloop.TestPollers.Audit;
import dev.tutor.runtime.poll.Poller;
import dev.tutor.runtime.time.Clock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.TestReporter;

/**
 * The checks {@link MiniLoopTest} runs on a real selector and the real clock, where fake time cannot show what they
 * measure: the CPU a loop burns while it waits for a timer, and fairness under a mixed load. A watchdog thread stops
 * a loop still running after 10 s, and the figures measured are published beside the verdict. Not a test itself.
 */
final class RealSelectorChecks {
    private final LoopRig rig;
    private final List<Exception> errors;

    RealSelectorChecks(LoopRig rig) {
        this.rig = rig;
        this.errors = rig.errors;
    }

    /** A loop waiting 300 ms for its only timer uses almost no CPU, and runs the timer once it is due. */
    void waitsForATimerWithoutBurningCpu(TestReporter reporter) throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (Poller selector = Poller.selector()) {
            Audit audit = new Audit(selector, Clock.system(), 60);
            MiniLoop loop = new MiniLoop(audit, Clock.system(), errors::add);
            long delay = TimeUnit.MILLISECONDS.toNanos(300);
            long[] ranAt = {-1};
            long start = System.nanoTime();
            loop.callLater(Duration.ofNanos(delay), () -> ranAt[0] = System.nanoTime());
            CountDownLatch done = new CountDownLatch(1);
            Thread watchdog = Thread.ofPlatform().daemon().start(() -> {
                try {
                    if (!done.await(10, TimeUnit.SECONDS)) {
                        audit.expire();
                        selector.wakeUp();
                    }
                } catch (InterruptedException ignored) {
                    // the test is over
                }
            });
            long cpuBefore = threads.getCurrentThreadCpuTime();
            try {
                rig.run(loop, audit, "A timer due in 300 ms on a real selector and the real clock");
            } finally {
                done.countDown();
                watchdog.join();
            }
            long cpu = threads.getCurrentThreadCpuTime() - cpuBefore;
            long wall = System.nanoTime() - start;
            assertTrue(ranAt[0] >= start + delay, () -> "The timer due in 300 ms ran after "
                    + (ranAt[0] < 0 ? "never" : String.format("%.3f ms", (ranAt[0] - start) / 1e6)) + ": a timer runs"
                    + " once its due time has come, not before. Polls' time-outs: " + audit.timeoutsText() + ".");
            assertTrue(cpu < TimeUnit.MILLISECONDS.toNanos(120), () -> String.format("Waiting %.0f ms for a timer,"
                    + " the loop's thread used %.1f ms of CPU time in %d polls (time-outs %s). A loop that waits in the"
                    + " poll uses almost none; this one kept the CPU busy while it waited.",
                    wall / 1e6, cpu / 1e6, audit.timeouts.size(), audit.timeoutsText()));
            reporter.publishEntry("CPU while idle", String.format("%.1f ms of CPU waiting %.0f ms for a timer, in %d"
                    + " poll(s)", cpu / 1e6, wall / 1e6, audit.timeouts.size()));
        }
    }

    /**
     * A callback that queues itself again after every run and writes to a pipe now and then, beside timers due over
     * the next 40 ms: the callback runs once a turn, every timer runs once and none early, every byte is read.
     */
    void keepsTimersAndAChannelMovingBesideABusyCallback(Random random, TestReporter reporter) throws Exception {
        int timerCount = 20 + random.nextInt(21);
        long[] dueAt = new long[timerCount];
        long[] ranAt = new long[timerCount];
        int[] runs = new int[timerCount];
        Pipe pipe = rig.openPipe();
        pipe.source().configureBlocking(false);
        try (Poller selector = Poller.selector()) {
            LoopMeter meter = new LoopMeter(selector);
            MiniLoop loop = new MiniLoop(meter, Clock.system(), errors::add);
            long[] delays = new long[timerCount];
            for (int i = 0; i < timerCount; i++) {
                delays[i] = random.nextLong(TimeUnit.MILLISECONDS.toNanos(40));
            }
            // Started from inside the loop once it has warmed up, so that the figures are the loop's own and not
            // the JVM's first moments (class loading, the selector's first poll, the compiler).
            int warmUpRuns = 200;
            boolean[] timersStarted = {false};
            Runnable startTimers = () -> {
                meter.reset();
                for (int i = 0; i < timerCount; i++) {
                    int timer = i;
                    dueAt[timer] = System.nanoTime() + delays[timer];
                    loop.callLater(Duration.ofNanos(delays[timer]), meter.counted(() -> {
                        ranAt[timer] = System.nanoTime();
                        runs[timer]++;
                    }));
                }
                timersStarted[0] = true;
            };
            long[] written = {0};
            long[] read = {0};
            ByteBuffer into = ByteBuffer.allocate(256);
            loop.watch(pipe.source(), SelectionKey.OP_READ, meter.counted(() -> {
                try {
                    for (int n; (n = pipe.source().read(into.clear())) > 0; ) {
                        read[0] += n;
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }));
            int mostRuns = 100_000;
            long[] busyRuns = {0};
            long[] lastTurn = {-1};
            String[] twice = {null};
            Runnable[] busy = new Runnable[1];
            busy[0] = meter.counted(() -> {
                busyRuns[0]++;
                if (meter.polls() == lastTurn[0]) {
                    twice[0] = "in turn " + meter.polls() + " it ran again, after " + busyRuns[0] + " runs in all";
                    loop.unwatch(pipe.source());
                    return; // queued again, it would run in this turn for ever
                }
                lastTurn[0] = meter.polls();
                if (busyRuns[0] % 7 == 0) {
                    try {
                        written[0] += pipe.sink().write(ByteBuffer.wrap(new byte[] {(byte) busyRuns[0]}));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
                if (busyRuns[0] == warmUpRuns) {
                    startTimers.run();
                }
                boolean timersLeft = !timersStarted[0] || Arrays.stream(runs).anyMatch(r -> r == 0);
                if ((timersLeft || read[0] < written[0]) && busyRuns[0] < mostRuns) {
                    loop.callSoon(busy[0]);
                } else {
                    loop.unwatch(pipe.source());
                }
            });
            loop.callSoon(busy[0]);
            CountDownLatch done = new CountDownLatch(1);
            Thread watchdog = Thread.ofPlatform().daemon().start(() -> {
                try {
                    if (!done.await(10, TimeUnit.SECONDS)) {
                        meter.expire();
                        selector.wakeUp();
                    }
                } catch (InterruptedException ignored) {
                    // the test is over
                }
            });
            String script = "A callback that queues itself again after each run and writes a byte to a pipe every 7th"
                    + " run, " + timerCount + " timers due within 40 ms, on a real selector and the real clock";
            try {
                loop.run();
            } catch (RuntimeException | AssertionError e) {
                fail(script + ": after " + meter.polls() + " polls, with " + read[0] + " of " + written[0]
                        + " bytes read and " + Arrays.stream(runs).filter(r -> r == 0).count() + " of " + timerCount
                        + " timers not run, run() threw " + LoopRig.sentence(e), e);
            } finally {
                done.countDown();
                watchdog.join();
            }
            assertTrue(twice[0] == null, () -> script + ": the callback ran twice in one turn (" + twice[0] + "). A"
                    + " callback queued while a turn runs waits for the next turn; run only what was ready when the"
                    + " turn began, or a callback that queues itself starves timers and channels.");
            assertTrue(errors.isEmpty(), () -> script + ": the error handler was given " + errors + ".");
            for (int i = 0; i < timerCount; i++) {
                int timer = i;
                assertEquals(1, runs[timer], () -> script + ": timer " + timer + " ran " + runs[timer] + " time(s);"
                        + " each runs once, when it is due, even while a callback keeps the queue busy.");
                assertTrue(ranAt[timer] >= dueAt[timer], () -> script + String.format(": timer %d ran %.3f ms before"
                        + " it was due.", timer, (dueAt[timer] - ranAt[timer]) / 1e6));
            }
            assertEquals(written[0], read[0], () -> script + ": " + written[0] + " bytes were written to the pipe and"
                    + " its callback read " + read[0] + "; a watched channel that is ready has its callback queued in"
                    + " every turn, busy or not.");
            long[] lateness = new long[timerCount];
            for (int i = 0; i < timerCount; i++) {
                lateness[i] = ranAt[i] - dueAt[i];
            }
            Arrays.sort(lateness);
            reporter.publishEntry("worst timer lateness", String.format("%.3f ms (median %.3f ms, %d timers, beside a"
                    + " callback that queues itself)", lateness[timerCount - 1] / 1e6, lateness[timerCount / 2] / 1e6,
                    timerCount));
            reporter.publishEntry("longest turn", String.format("%.3f ms", meter.longestTurnNanos() / 1e6));
            reporter.publishEntry("callbacks per turn", meter.callbacksPerTurnText());
        }
    }
}
