package dev.tutor.runtime.meter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tutor.runtime.time.Clock;
import dev.tutor.runtime.time.FakeClock;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The probes' bounds: a count and a time, each enough on its own to stop every client. */
@Timeout(30)
class ProbeClientsTest {
    private final FakeClock clock = new FakeClock();

    @Test
    void eachClientStopsAfterItsLastRequestAndEveryReplyIsRecorded() throws Exception {
        LatencyWindow window = new LatencyWindow(clock, 1_000_000_000L);
        try (SelectorServer server = SelectorServer.start();
             ProbeClients probes = ProbeClients.start(server.address(),
                     new ProbeClients.Plan(3, 16, Duration.ZERO, 7, Duration.ofMinutes(1)), window, clock)) {
            probes.awaitDone(); // ends on its own: the count is the bound
            assertThat(probes.requests()).isEqualTo(21);
            assertThat(probes.failures()).isZero();
            assertThat(window.stats().count()).isEqualTo(21); // the fake clock stood still: all in the window
        }
    }

    @Test
    void noClientSendsOnceItsTimeIsUp() throws Exception {
        LatencyWindow window = new LatencyWindow(clock, 1_000_000_000L);
        Duration maxTime = Duration.ofSeconds(1);
        try (ThreadPerClientServer server = ThreadPerClientServer.start()) {
            // The deadline is read first, at 0; every later reading is already past it, before any client runs.
            AtomicInteger readings = new AtomicInteger();
            Clock jumpy = () -> readings.getAndIncrement() == 0 ? 0 : maxTime.toNanos();
            try (ProbeClients probes = ProbeClients.start(server.address(),
                    new ProbeClients.Plan(2, 16, Duration.ZERO, 1_000_000, maxTime), window, jumpy)) {
                probes.awaitDone();
                assertThat(probes.requests()).isZero();
            }
        }
    }

    @Test
    void closeStopsClientsThatWouldRunOnAndEndsTheirThreads() throws IOException {
        LatencyWindow window = new LatencyWindow(clock, 1_000_000_000L);
        try (BusyPollServer server = BusyPollServer.start()) {
            ProbeClients probes = ProbeClients.start(server.address(),
                    new ProbeClients.Plan(2, 16, Duration.ofMillis(1), Long.MAX_VALUE, Duration.ofDays(1)), window,
                    clock);
            probes.close();
            assertThat(MeterThreads.alive()).noneMatch(name -> name.startsWith("meter-probe-"));
            assertThat(probes.failures()).isZero();
        }
    }
}
