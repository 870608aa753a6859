package dev.tutor.lessons.eventloop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tutor.runtime.loop.LoopEvent;
import dev.tutor.runtime.loop.TurnTraceFormatter;
import dev.tutor.runtime.poll.FakePoller;
import dev.tutor.runtime.time.FakeClock;
import java.io.IOException;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The learner's loop seen through the runtime's listener, on a fake clock and a fake poller. */
@Timeout(10)
class TracedMiniLoopTest {
    private final FakeClock clock = new FakeClock();
    private final FakePoller poller = new FakePoller(clock);
    private final List<LoopEvent> events = new ArrayList<>();
    private final List<String> lines = new ArrayList<>();

    private TracedMiniLoop traced() {
        TurnTraceFormatter formatter = new TurnTraceFormatter(lines::add);
        return TracedMiniLoop.create(FakeLearnerLoop.class.getName(), poller, clock, event -> {
            events.add(event);
            formatter.onEvent(event);
        });
    }

    @Test
    void reportsEachTurnInTheListenersOrderWithTheCallbacksAndTimersThatRan() {
        TracedMiniLoop loop = traced();
        List<String> order = new ArrayList<>();
        loop.callSoon("A", () -> {
            order.add("A");
            loop.callSoon("C", () -> order.add("C"));
        });
        loop.callSoon("B", () -> order.add("B"));
        loop.callLater(Duration.ZERO, "T", () -> order.add("T"));

        assertTrue(loop.runUntil(() -> order.contains("C"), 10, Duration.ofSeconds(1)));

        assertEquals(List.of("A", "B", "T", "C"), order);
        assertEquals(2, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(0).startsWith("turn 1 +0.000ms | ready 2 | timeout 0ms (callbacks ready) | select 0"
                + " | due 1 [T] | ran 3 [A "), lines.get(0));
        assertTrue(lines.get(1).contains("| ready 1 |") && lines.get(1).contains("ran 1 [C "), lines.get(1));
        assertEquals(List.of(LoopEvent.TurnStarted.class, LoopEvent.TimeoutChosen.class,
                LoopEvent.SelectReturned.class, LoopEvent.TimersDue.class, LoopEvent.CallbackRan.class,
                LoopEvent.CallbackRan.class, LoopEvent.CallbackRan.class, LoopEvent.TurnEnded.class),
                events.subList(0, 8).stream().map(Object::getClass).toList());
    }

    @Test
    void aTurnWithOnlyATimerWaitingShowsTheExactTimeoutAndTheWait() {
        TracedMiniLoop loop = traced();
        loop.callLater(Duration.ofNanos(2_500_123), "later", () -> { });

        loop.runOnce();

        LoopEvent.TimeoutChosen chosen = only(LoopEvent.TimeoutChosen.class);
        assertEquals(LoopEvent.TimeoutReason.NEXT_TIMER, chosen.reason());
        assertEquals(2_500_123, chosen.timeoutNanos());
        assertEquals(2_500_123, only(LoopEvent.SelectReturned.class).waitedNanos());
        assertEquals(List.of("later"), only(LoopEvent.TimersDue.class).due());
        assertEquals(0, only(LoopEvent.TimersDue.class).timersLeft());
    }

    @Test
    void aReadyChannelIsNamedWithWhatItWasWatchedFor() throws IOException {
        TracedMiniLoop loop = traced();
        Pipe pipe = Pipe.open();
        try {
            pipe.source().configureBlocking(false);
            int[] reads = {0};
            loop.watch(pipe.source(), SelectionKey.OP_READ, "pipe", () -> reads[0]++);
            poller.becomeReadyAt(clock.nanoTime() + 1_000_000, pipe.source(), SelectionKey.OP_READ);
            loop.callLater(Duration.ofMillis(5), "timer 5ms", () -> { });

            loop.runOnce();

            assertEquals(1, reads[0]);
            LoopEvent.SelectReturned selected = only(LoopEvent.SelectReturned.class);
            assertEquals(List.of(new LoopEvent.ReadyKey("pipe", SelectionKey.OP_READ, SelectionKey.OP_READ)),
                    selected.keys());
            assertTrue(lines.get(0).contains("select 1 [pipe r/r]") && lines.get(0).contains("ran 1 [pipe "),
                    lines.get(0));
        } finally {
            pipe.source().close();
            pipe.sink().close();
        }
    }

    @Test
    void aCancelledTimerNoLongerCountsAndNeverRuns() {
        TracedMiniLoop loop = traced();
        boolean[] ran = {false};
        Runnable cancel = loop.callLater(Duration.ofMillis(1), "gone", () -> ran[0] = true);
        loop.callLater(Duration.ofMillis(2), "kept", () -> { });
        cancel.run();

        loop.runOnce();

        assertEquals(false, ran[0]);
        assertEquals(1, only(LoopEvent.TurnStarted.class).timers());
        assertEquals(List.of("kept"), only(LoopEvent.TimersDue.class).due());
    }

    @Test
    void aCallbackThatThrowsIsMarkedFailedAndHandedToTheLearnersErrorHandler() {
        TracedMiniLoop loop = traced();
        loop.callSoon("boom", () -> {
            throw new IllegalStateException("boom");
        });

        loop.runOnce();

        assertEquals(1, loop.failures().size());
        assertTrue(lines.get(0).contains("ran 1 [FAILED boom "), lines.get(0));
    }

    @Test
    void aClassWithoutTheExercisesMethodsIsOneLineNamingWhatIsMissing() {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> TracedMiniLoop.create("no.such.Loop", poller, clock, event -> { }));
        assertEquals("No class no.such.Loop on the class path.", missing.getMessage());
        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
                () -> TracedMiniLoop.create(String.class.getName(), poller, clock, event -> { }));
        assertEquals("String has no public constructor (Poller, Clock, Consumer<Exception>), which the exercise"
                + " asks for.", wrong.getMessage());
    }

    private <T extends LoopEvent> T only(Class<T> type) {
        List<T> found = events.stream().filter(type::isInstance).map(type::cast).toList();
        assertEquals(1, found.size(), events.toString());
        return found.get(0);
    }
}
