package dev.tutor.runtime.gil;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tutor.runtime.gil.GilEvent.Kind;
import dev.tutor.runtime.time.FakeClock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The handover of the GIL between two threads, A and B, on a fake clock: every step is driven by the
 * test and confirmed through the event log before the next, so the log is the same on every run.
 */
@Timeout(20)
class GilSwitchingTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    private final FakeClock clock = new FakeClock();
    private final Gil gil = Gil.create(GilOptions.defaults().withClock(clock));
    private final GilRecorder log = new GilRecorder();
    private final ExecutorService a = Executors.newSingleThreadExecutor(runnable -> new Thread(runnable, "A"));
    private final ExecutorService b = Executors.newSingleThreadExecutor(runnable -> new Thread(runnable, "B"));

    GilSwitchingTest() {
        gil.addListener(log);
    }

    @AfterEach
    void stopThreads() throws InterruptedException {
        a.shutdownNow();
        b.shutdownNow();
        assertThat(a.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        assertThat(b.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }

    private void await(Kind kind, String thread) throws InterruptedException {
        assertThat(log.awaitEvent(kind, thread, WAIT)).as("%s %s in %s", kind, thread, log.lines()).isTrue();
    }

    @Test
    void uncontendedAcquireNeverWaits() throws Exception {
        a.submit(() -> gil.run(() -> { })).get(5, TimeUnit.SECONDS);
        assertThat(log.lines()).containsExactly("ACQUIRED A @0.000ms");
        assertThat(gil.stats().badness()).isZero();
    }

    @Test
    void waiterAsksForADropAfterOneSwitchIntervalAndTheHolderHandsOver() throws Exception {
        a.submit(gil::acquire).get(5, TimeUnit.SECONDS);
        Future<?> bTakes = b.submit(gil::acquire);
        await(Kind.WAITING, "B");
        clock.advanceMillis(4); // not yet a whole interval: B keeps waiting quietly
        clock.advanceMillis(1);
        await(Kind.DROP_REQUESTED, "B");
        a.submit(gil::check); // A's next "bytecode": it sees the request and lets go
        await(Kind.WAITING, "A");
        bTakes.get(5, TimeUnit.SECONDS);
        b.submit(gil::release).get(5, TimeUnit.SECONDS);
        // Not await(ACQUIRED, "A"): that matches A's first acquisition, already in the log.
        assertThat(log.await(e -> e.toString().equals("ACQUIRED A @5.000ms"), WAIT)).isTrue();
        assertThat(log.lines()).containsExactly(
                "ACQUIRED A @0.000ms",
                "WAITING B @0.000ms",
                "WAIT_TIMED_OUT B @5.000ms",
                "DROP_REQUESTED B @5.000ms",
                "FORCED_SWITCH A @5.000ms",
                "ACQUIRED B @5.000ms",
                "WAITING A @5.000ms",
                "ACQUIRED A @5.000ms");
        GilStats stats = gil.stats();
        assertThat(stats.switches()).isEqualTo(2);
        assertThat(stats.dropRequests()).isEqualTo(1);
        assertThat(stats.forcedSwitches()).isEqualTo(1);
        // Looks: A first, B first (held), B at time-out (held), B on release, A in check (held), A on release.
        assertThat(stats.checks()).isEqualTo(6);
        assertThat(stats.failedAcquisitions()).isEqualTo(3);
        assertThat(stats.badness()).isEqualTo(0.5);
        assertThat(stats.switchesPerSecond()).isEqualTo(400.0); // 2 switches in 5 ms
    }

    @Test
    void aHolderThatNeverChecksKeepsTheGilHoweverLongOthersWait() throws Exception {
        a.submit(gil::acquire).get(5, TimeUnit.SECONDS);
        b.submit(gil::acquire);
        await(Kind.WAITING, "B");
        clock.advanceMillis(5);
        await(Kind.DROP_REQUESTED, "B");
        log.clear();
        clock.advanceMillis(5);
        assertThat(log.await(e -> e.kind() == Kind.WAIT_TIMED_OUT, WAIT)).isTrue();
        assertThat(log.lines()).containsExactly("WAIT_TIMED_OUT B @10.000ms"); // no second request
        a.submit(gil::release).get(5, TimeUnit.SECONDS);
        await(Kind.ACQUIRED, "B");
    }

    @Test
    void theSwitchIntervalCanBeChangedWhileRunning() throws Exception {
        gil.setSwitchInterval(Duration.ofMillis(1));
        assertThat(gil.switchInterval()).isEqualTo(Duration.ofMillis(1));
        a.submit(gil::acquire).get(5, TimeUnit.SECONDS);
        b.submit(gil::acquire);
        await(Kind.WAITING, "B");
        clock.advanceMillis(1);
        await(Kind.DROP_REQUESTED, "B");
        assertThat(log.lines()).contains("DROP_REQUESTED B @1.000ms");
        a.submit(gil::release).get(5, TimeUnit.SECONDS);
    }

    @Test
    void blockingIoReleasesTheGilAndTakesItBack() throws Exception {
        a.submit(gil::acquire).get(5, TimeUnit.SECONDS);
        Future<?> bTakes = b.submit(gil::acquire);
        await(Kind.WAITING, "B");
        Future<String> io = a.submit(() -> gil.blockingIo(() -> {
            // While A "waits on the network", B gets to run.
            await(Kind.ACQUIRED, "B");
            return "bytes";
        }));
        await(Kind.WAITING, "A");
        bTakes.get(5, TimeUnit.SECONDS);
        b.submit(gil::release).get(5, TimeUnit.SECONDS);
        assertThat(io.get(5, TimeUnit.SECONDS)).isEqualTo("bytes");
        assertThat(log.lines()).containsExactly(
                "ACQUIRED A @0.000ms",
                "WAITING B @0.000ms",
                "RELEASED_FOR_IO A @0.000ms",
                "ACQUIRED B @0.000ms",
                "WAITING A @0.000ms",
                "REACQUIRED A @0.000ms");
    }

    @Test
    void runningIsReportedOncePerIntervalWhileHolding() throws Exception {
        a.submit(() -> {
            gil.acquire();
            gil.check();
            clock.advanceMillis(5);
            gil.check();
            gil.check();
            clock.advanceMillis(4);
            gil.check();
            gil.release();
        }).get(5, TimeUnit.SECONDS);
        assertThat(log.lines()).containsExactly("ACQUIRED A @0.000ms", "RUNNING A @5.000ms");
    }

    @Test
    void onlyTheHolderMayReleaseOrDoBlockingIo() {
        assertThatThrownBy(gil::release).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("does not hold the GIL");
        assertThatThrownBy(() -> gil.blockingIo(() -> 1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void freeThreadedModeLetsTwoThreadsHoldAtOnceAndLogsNothing() throws Exception {
        Gil none = Gil.create(GilOptions.defaults().withClock(clock).freeThreaded());
        none.addListener(log);
        a.submit(none::acquire).get(5, TimeUnit.SECONDS);
        b.submit(none::acquire).get(5, TimeUnit.SECONDS); // would block with a GIL
        assertThat(none.isEnabled()).isFalse();
        assertThat(none.blockingIo(() -> "io")).isEqualTo("io");
        assertThat(log.events()).isEmpty();
    }
}
