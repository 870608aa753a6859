package dev.tutor.runtime.meter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tutor.runtime.time.FakeClock;
import org.junit.jupiter.api.Test;

/** The rolling window on a fake clock: which requests it still counts is exactly a matter of the clock. */
class LatencyWindowTest {
    private static final long SECOND = 1_000_000_000L;
    private final FakeClock clock = new FakeClock();
    private final LatencyWindow window = new LatencyWindow(clock, SECOND);

    @Test
    void anEmptyWindowHasNoRequestsAndNoLatency() {
        assertThat(window.stats()).isEqualTo(new LatencyWindow.Stats(0, 0, 0, SECOND));
        assertThat(window.stats().perSecond()).isZero();
    }

    @Test
    void theMedianIsAMeasuredLatencyAndTheWorstTheLargest() {
        for (long micros : new long[] {300, 100, 900, 200}) {
            window.record(micros * 1000);
            clock.advanceMillis(10);
        }
        LatencyWindow.Stats stats = window.stats();
        assertThat(stats.count()).isEqualTo(4);
        assertThat(stats.medianNanos()).isEqualTo(200_000); // the lower middle of 100 200 300 900
        assertThat(stats.worstNanos()).isEqualTo(900_000);
        assertThat(stats.perSecond()).isEqualTo(4.0);
    }

    @Test
    void requestsOlderThanTheSpanAreForgotten() {
        window.record(5_000_000); // a slow one, at 0
        clock.advanceMillis(600);
        window.record(1_000_000); // at 600 ms
        clock.advanceMillis(400); // now 1 s: the first has just left the window
        assertThat(window.stats()).isEqualTo(new LatencyWindow.Stats(1, 1_000_000, 1_000_000, SECOND));
        clock.advanceMillis(600);
        assertThat(window.stats().count()).isZero();
    }
}
