package dev.tutor.runtime.poll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tutor.runtime.time.FakeClock;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class PollerTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private Pipe pipe;

    @BeforeEach
    void openPipe() throws IOException {
        pipe = Pipe.open();
        pipe.source().configureBlocking(false);
        pipe.sink().configureBlocking(false);
    }

    @AfterEach
    void closePipe() throws IOException {
        pipe.source().close();
        pipe.sink().close();
    }

    @Test
    void aFakePollMovesTheClockToTheFirstReadinessWithinItsTimeOutAndRecordsIt() {
        FakeClock clock = new FakeClock();
        FakePoller poller = new FakePoller(clock);
        poller.watch(pipe.source(), SelectionKey.OP_READ, "reader");
        poller.becomeReadyAt(clock.nanoTime() + 30 * MS, pipe.source(), SelectionKey.OP_READ);
        long start = clock.nanoTime();

        assertThat(poller.poll(10 * MS)).isEmpty();
        assertThat(clock.nanoTime() - start).isEqualTo(10 * MS);
        List<Poller.Ready> ready = poller.poll(-1);
        assertThat(clock.nanoTime() - start).isEqualTo(30 * MS);
        assertThat(ready).containsExactly(new Poller.Ready(pipe.source(), "reader", SelectionKey.OP_READ));
        // Level-triggered: still ready until drained, and no time passes.
        assertThat(poller.poll(5 * MS)).hasSize(1);
        poller.clear(pipe.source(), SelectionKey.OP_READ);
        assertThat(poller.poll(0)).isEmpty();
        assertThat(poller.timeouts()).containsExactly(10 * MS, -1L, 5 * MS, 0L);
    }

    @Test
    void aFakePollWithTheLongestTimeOutWaitsForTheReadinessAndDoesNotWrapRound() {
        FakeClock clock = new FakeClock(7 * MS);
        FakePoller poller = new FakePoller(clock);
        poller.watch(pipe.source(), SelectionKey.OP_READ, "reader");
        poller.becomeReadyAt(clock.nanoTime() + 30 * MS, pipe.source(), SelectionKey.OP_READ);

        assertThat(poller.poll(Long.MAX_VALUE)).extracting(Poller.Ready::attachment).containsExactly("reader");
        assertThat(clock.nanoTime()).isEqualTo(37 * MS);
    }

    @Test
    void aFakePollThatWouldWaitForEverThrowsInsteadOfHanging() {
        FakePoller poller = new FakePoller(new FakeClock());
        poller.watch(pipe.source(), SelectionKey.OP_READ, null);
        assertThatThrownBy(() -> poller.poll(-1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("sleep for ever");
    }

    @Test
    void readinessForAnOperationNotWatchedIsNotReported() {
        FakeClock clock = new FakeClock();
        FakePoller poller = new FakePoller(clock);
        poller.watch(pipe.sink(), 0, null);
        poller.becomeReady(pipe.sink(), SelectionKey.OP_WRITE);
        assertThat(poller.poll(MS)).isEmpty();
        poller.watch(pipe.sink(), SelectionKey.OP_WRITE, "w");
        assertThat(poller.poll(MS)).extracting(Poller.Ready::attachment).containsExactly("w");
        assertThat(poller.interestOf(pipe.sink())).isEqualTo(SelectionKey.OP_WRITE);
    }

    @Test
    void aSelectorPollerReportsAPipeReadableUntilItIsDrainedAndWakesUpOnRequest() throws Exception {
        try (Poller poller = Poller.selector()) {
            poller.watch(pipe.source(), SelectionKey.OP_READ, "reader");
            assertThat(poller.poll(0)).isEmpty();
            pipe.sink().write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            assertThat(poller.poll(-1)).extracting(Poller.Ready::attachment).containsExactly("reader");
            assertThat(poller.poll(0)).hasSize(1); // level-triggered
            pipe.source().read(ByteBuffer.allocate(16));
            assertThat(poller.poll(0)).isEmpty();
            Thread waker = Thread.ofPlatform().start(poller::wakeUp);
            assertThat(poller.poll(-1)).isEmpty();
            waker.join();
            poller.forget(pipe.source());
            pipe.sink().write(ByteBuffer.wrap(new byte[] {4}));
            assertThat(poller.poll(MS / 2)).isEmpty();
        }
    }
}
