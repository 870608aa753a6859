package dev.tutor.runtime.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tutor.runtime.loop.LoopEvent.TimeoutReason;
import dev.tutor.runtime.time.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The select time-out choice, cross-thread wake-ups and the order of trace events in a turn. */
@Timeout(10)
class EventLoopTurnTest {

    private final FakeClock clock = new FakeClock();
    private final EventLoop loop = EventLoop.create(LoopOptions.defaults().withClock(clock).withLog(new RecordingLog()));
    private final RecordingListener listener = new RecordingListener();

    @AfterEach
    void closeLoop() {
        loop.close();
    }

    @Test
    void choosesZeroTimeoutWhenCallbacksAreReady() {
        loop.addListener(listener);
        loop.callLater(Duration.ofSeconds(10), () -> { });
        loop.callSoon(() -> { });
        loop.runOnce();
        LoopEvent.TimeoutChosen chosen = listener.last(LoopEvent.TimeoutChosen.class);
        assertThat(chosen.reason()).isEqualTo(TimeoutReason.CALLBACKS_READY);
        assertThat(chosen.timeoutNanos()).isZero();
        assertThat(chosen.readyCount()).isEqualTo(1);
        assertThat(chosen.nextDeadlineNanos()).isEqualTo(Duration.ofSeconds(10).toNanos());
    }

    @Test
    void choosesTheTimeUntilTheNextTimerWhenNothingIsReady() {
        wakeSelectAsSoonAsTheTimeoutIsChosen();
        loop.callLater(Duration.ofSeconds(30), () -> { });
        loop.callLater(Duration.ofSeconds(10), () -> { });
        clock.advanceMillis(2500);
        loop.runOnce();
        LoopEvent.TimeoutChosen chosen = listener.of(LoopEvent.TimeoutChosen.class).get(0);
        assertThat(chosen.reason()).isEqualTo(TimeoutReason.NEXT_TIMER);
        assertThat(chosen.timeoutNanos()).isEqualTo(Duration.ofMillis(7500).toNanos());
    }

    @Test
    void capsTheTimeoutAtOneDay() {
        wakeSelectAsSoonAsTheTimeoutIsChosen();
        loop.callLater(Duration.ofDays(3), () -> { });
        loop.runOnce();
        assertThat(listener.of(LoopEvent.TimeoutChosen.class).get(0).timeoutNanos())
                .isEqualTo(Duration.ofDays(1).toNanos());
    }

    @Test
    void blocksWithoutTimeoutWhenNothingIsScheduled() {
        wakeSelectAsSoonAsTheTimeoutIsChosen();
        loop.runOnce();
        LoopEvent.TimeoutChosen chosen = listener.of(LoopEvent.TimeoutChosen.class).get(0);
        assertThat(chosen.reason()).isEqualTo(TimeoutReason.NOTHING_SCHEDULED);
        assertThat(chosen.timeoutNanos()).isEqualTo(-1);
    }

    @Test
    void reportsTheFivePhasesOfATurnInOrder() {
        loop.addListener(listener);
        loop.callLater(Duration.ofMillis(1), () -> { });
        loop.callSoon("ready one", () -> { });
        clock.advanceMillis(1);
        loop.runOnce();
        assertThat(listener.events).extracting(e -> e.getClass().getSimpleName()).containsExactly(
                "TurnStarted", "CancelledTimersDropped", "TimeoutChosen", "SelectReturned", "TimersDue",
                "CallbackRan", "CallbackRan", "TurnEnded");
        assertThat(listener.last(LoopEvent.TimeoutChosen.class).ready()).containsExactly("ready one");
        assertThat(listener.last(LoopEvent.TimersDue.class).due()).containsExactly("lambda in EventLoopTurnTest");
        assertThat(listener.last(LoopEvent.TurnEnded.class).callbacksRun()).isEqualTo(2);
    }

    @Test
    void callSoonThreadsafeWakesALoopBlockedInSelect() throws Exception {
        EventLoop realLoop = EventLoop.create();
        CountDownLatch selecting = new CountDownLatch(1);
        CountDownLatch ran = new CountDownLatch(1);
        realLoop.addListener(event -> {
            if (event instanceof LoopEvent.TimeoutChosen chosen && chosen.timeoutNanos() < 0) {
                selecting.countDown();
            }
        });
        Thread runner = new Thread(realLoop::runForever, "loop-under-test");
        runner.start();
        try {
            assertThat(selecting.await(5, TimeUnit.SECONDS)).isTrue();
            realLoop.callSoonThreadsafe(() -> {
                ran.countDown();
                realLoop.stop();
            });
            assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
            runner.join(5_000);
            assertThat(runner.isAlive()).isFalse();
        } finally {
            if (runner.isAlive()) {
                realLoop.callSoonThreadsafe(realLoop::stop);
                runner.join(5_000);
            }
            realLoop.close();
        }
    }

    @Test
    void refusesCallSoonFromAnotherThreadWhileRunning() throws Exception {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        loop.callSoon(() -> {
            Thread other = new Thread(() -> {
                try {
                    loop.callSoon(() -> { });
                } catch (Throwable t) {
                    thrown.set(t);
                }
            }, "intruder");
            other.start();
            try {
                other.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        loop.runOnce();
        assertThat(thrown.get()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("intruder").hasMessageContaining("callSoonThreadsafe");
    }

    @Test
    void refusesToRunTwiceOrCloseWhileRunning() {
        List<Throwable> errors = new ArrayList<>();
        loop.callSoon(() -> {
            try {
                loop.runOnce();
            } catch (IllegalStateException e) {
                errors.add(e);
            }
            try {
                loop.close();
            } catch (IllegalStateException e) {
                errors.add(e);
            }
        });
        loop.runOnce();
        assertThat(errors).hasSize(2);
        assertThat(errors.get(0)).hasMessageContaining("already running");
        assertThat(errors.get(1)).hasMessageContaining("stop it first");
    }

    @Test
    void runUntilCompleteRejectsAFutureOfAnotherLoop() {
        try (EventLoop other = EventLoop.create()) {
            Future<Object> foreign = other.createFuture();
            assertThatThrownBy(() -> loop.runUntilComplete(foreign)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    /** With a fake clock the select would wait real time; this makes it return at once instead. */
    private void wakeSelectAsSoonAsTheTimeoutIsChosen() {
        loop.addListener(listener);
        loop.addListener(event -> {
            if (event instanceof LoopEvent.TimeoutChosen) {
                loop.callSoonThreadsafe(() -> { }); // a wake-up before select makes select return at once
            }
        });
    }
}
