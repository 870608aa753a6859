package dev.tutor.runtime.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tutor.runtime.time.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class EventLoopSchedulingTest {

    private final FakeClock clock = new FakeClock();
    private final RecordingLog log = new RecordingLog();
    private final EventLoop loop = EventLoop.create(LoopOptions.defaults().withClock(clock).withLog(log));
    private final List<String> ran = new ArrayList<>();

    @AfterEach
    void closeLoop() {
        loop.close();
    }

    @Test
    void runsReadyCallbacksInFifoOrder() {
        for (String name : List.of("a", "b", "c", "d")) {
            loop.callSoon(() -> ran.add(name));
        }
        loop.runOnce();
        assertThat(ran).containsExactly("a", "b", "c", "d");
    }

    @Test
    void callbackQueuedByACallbackRunsInTheNextTurnNotThisOne() {
        loop.callSoon(() -> {
            ran.add("first");
            loop.callSoon(() -> ran.add("queued by first"));
        });
        loop.callSoon(() -> ran.add("second"));
        loop.runOnce();
        assertThat(ran).containsExactly("first", "second");
        loop.runOnce();
        assertThat(ran).containsExactly("first", "second", "queued by first");
    }

    @Test
    void firesTimersInDueOrderAndTiesInSchedulingOrder() {
        loop.callLater(Duration.ofMillis(5), () -> ran.add("5ms first"));
        loop.callLater(Duration.ofMillis(1), () -> ran.add("1ms"));
        loop.callLater(Duration.ofMillis(5), () -> ran.add("5ms second"));
        loop.callLater(Duration.ofMillis(5), () -> ran.add("5ms third"));
        loop.callLater(Duration.ofMillis(9), () -> ran.add("9ms"));
        clock.advanceMillis(5);
        loop.runOnce();
        assertThat(ran).containsExactly("1ms", "5ms first", "5ms second", "5ms third");
        clock.advanceMillis(4);
        loop.runOnce();
        assertThat(ran).endsWith("9ms");
    }

    @Test
    void doesNotFireATimerBeforeItsTime() {
        loop.callLater(Duration.ofMillis(10), () -> ran.add("timer"));
        clock.advanceMillis(9);
        loop.callSoon(() -> ran.add("soon")); // keeps select from waiting for real time
        loop.runOnce();
        assertThat(ran).containsExactly("soon");
    }

    @Test
    void cancelledTimerNeverRunsAndIsDroppedFromTheHeap() {
        RecordingListener listener = new RecordingListener();
        loop.addListener(listener);
        TimerHandle cancelled = loop.callLater(Duration.ofMillis(1), () -> ran.add("cancelled"));
        loop.callLater(Duration.ofMillis(2), () -> ran.add("kept"));
        cancelled.cancel();
        clock.advanceMillis(2);
        loop.runOnce();
        assertThat(ran).containsExactly("kept");
        assertThat(cancelled.isCancelled()).isTrue();
        LoopEvent.CancelledTimersDropped dropped = listener.last(LoopEvent.CancelledTimersDropped.class);
        assertThat(dropped.dropped()).isEqualTo(1);
        assertThat(dropped.heapRebuilt()).isFalse();
    }

    @Test
    void rebuildsTheHeapWhenMostOfManyTimersAreCancelled() {
        RecordingListener listener = new RecordingListener();
        loop.addListener(listener);
        List<TimerHandle> timers = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            timers.add(loop.callLater(Duration.ofSeconds(100 + i), () -> ran.add("late")));
        }
        // Cancel those at the tail: popping the head alone would never reach them.
        timers.subList(40, 150).forEach(TimerHandle::cancel);
        loop.callSoon(() -> ran.add("soon"));
        loop.runOnce();
        LoopEvent.CancelledTimersDropped dropped = listener.last(LoopEvent.CancelledTimersDropped.class);
        assertThat(dropped.heapRebuilt()).isTrue();
        assertThat(dropped.dropped()).isEqualTo(110);
        assertThat(dropped.timersLeft()).isEqualTo(40);
    }

    @Test
    void cancelledCallSoonDoesNotRun() {
        Handle handle = loop.callSoon(() -> ran.add("cancelled"));
        loop.callSoon(() -> ran.add("kept"));
        handle.cancel();
        loop.runOnce();
        assertThat(ran).containsExactly("kept");
    }

    @Test
    void reportsAFailingCallbackAndRunsTheNextOne() {
        loop.callSoon("explodes", () -> {
            throw new IllegalStateException("boom");
        });
        loop.callSoon(() -> ran.add("after"));
        loop.runOnce();
        assertThat(ran).containsExactly("after");
        assertThat(log.errors).singleElement().asString().contains("explodes").contains("boom");
    }

    @Test
    void warnsAboutASlowCallbackNamingItAndItsDuration() {
        loop.callSoon("parse-request", () -> clock.advanceMillis(150));
        loop.callSoon("quick", () -> clock.advanceMillis(99));
        loop.runOnce();
        assertThat(log.warnings).containsExactly("Executing parse-request took 0.150 seconds");
    }

    @Test
    void slowCallbackThresholdIsConfigurable() {
        RecordingLog quiet = new RecordingLog();
        try (EventLoop tolerant = EventLoop.create(LoopOptions.defaults().withClock(clock).withLog(quiet)
                .withSlowCallbackDuration(Duration.ofMillis(200)))) {
            tolerant.callSoon(() -> clock.advanceMillis(150));
            tolerant.callSoon("very slow", () -> clock.advanceMillis(250));
            tolerant.runOnce();
        }
        assertThat(quiet.warnings).containsExactly("Executing very slow took 0.250 seconds");
    }

    @Test
    void slowCallbackIsFlaggedInTheTrace() {
        RecordingListener listener = new RecordingListener();
        loop.addListener(listener);
        loop.callSoon("slow one", () -> clock.advanceMillis(120));
        loop.runOnce();
        LoopEvent.CallbackRan ran = listener.last(LoopEvent.CallbackRan.class);
        assertThat(ran.name()).isEqualTo("slow one");
        assertThat(ran.slow()).isTrue();
        assertThat(ran.durationNanos()).isEqualTo(Duration.ofMillis(120).toNanos());
    }

    @Test
    void runUntilCompleteReturnsTheFutureResult() {
        Future<String> future = loop.createFuture();
        loop.callSoon(() -> future.setResult("done"));
        assertThat(loop.runUntilComplete(future)).isEqualTo("done");
        assertThat(loop.isRunning()).isFalse();
    }

    @Test
    void runUntilCompleteThatStoppedEarlyLeavesNoStopBehind() {
        Future<String> future = loop.createFuture();
        loop.callSoon(loop::stop);
        assertThatThrownBy(() -> loop.runUntilComplete(future)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("stopped before the future completed");
        future.setResult("late");
        loop.callSoon(() -> ran.add("turn 1"));
        loop.callSoon(() -> loop.callSoon(() -> {
            ran.add("turn 2");
            loop.stop();
        }));
        loop.runForever(); // would stop after turn 1 if the old runUntilComplete callback were still there
        assertThat(ran).containsExactly("turn 1", "turn 2");
    }

    @Test
    void stopFinishesTheCurrentTurnThenReturns() {
        loop.callSoon(() -> {
            ran.add("stopper");
            loop.stop();
            loop.callSoon(() -> ran.add("next turn"));
        });
        loop.callSoon(() -> ran.add("same turn"));
        loop.runForever();
        assertThat(ran).containsExactly("stopper", "same turn");
    }

    @Test
    void closedLoopRefusesWork() {
        loop.close();
        loop.close(); // twice is harmless
        assertThat(loop.isClosed()).isTrue();
        assertThatThrownBy(() -> loop.callSoon(() -> { })).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void namesLambdasAfterTheClassThatDeclaredThem() {
        assertThat(loop.callSoon(() -> { }).name()).isEqualTo("lambda in EventLoopSchedulingTest");
        assertThat(loop.callSoon("named", () -> { }).name()).isEqualTo("named");
    }
}
