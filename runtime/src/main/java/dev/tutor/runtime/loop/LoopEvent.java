package dev.tutor.runtime.loop;

import java.nio.channels.SelectionKey;
import java.util.List;

/**
 * What the event loop did in one phase of one turn, reported to a {@link LoopListener} so a trace or
 * the TUI can show the loop at work.
 *
 * <p>A turn reports, in this order: {@link TurnStarted}, {@link CancelledTimersDropped},
 * {@link TimeoutChosen}, {@link SelectReturned}, {@link TimersDue}, one {@link CallbackRan} per callback
 * run, and {@link TurnEnded}. These are the five phases of asyncio's {@code BaseEventLoop._run_once}.
 * Times are in nanoseconds of the loop's clock. Every record is immutable.
 */
public sealed interface LoopEvent {

    /** The number of the turn this event belongs to, counting from 1. */
    long turn();

    /** A turn began at {@code timeNanos} with {@code ready} callbacks queued and {@code timers} timers. */
    record TurnStarted(long turn, long timeNanos, int ready, int timers) implements LoopEvent {
    }

    /**
     * Phase 1: cancelled timers were taken out of the timer heap. Usually only those at its head; the
     * whole heap is rebuilt ({@code heapRebuilt}) when more than half of many timers are cancelled.
     */
    record CancelledTimersDropped(long turn, int dropped, boolean heapRebuilt, int timersLeft)
            implements LoopEvent {
    }

    /** Why the loop chose the select time-out it did. */
    enum TimeoutReason {
        /** Callbacks are ready, so select must not wait: time-out zero. */
        CALLBACKS_READY,
        /** stop() was called, so finish quickly: time-out zero. */
        STOPPING,
        /** Nothing is ready; wait until the earliest timer is due (at most a day). */
        NEXT_TIMER,
        /** Nothing is ready and no timer exists; wait for I/O or a wake-up, for ever if need be. */
        NOTHING_SCHEDULED
    }

    /**
     * Phase 2: the select time-out was chosen. {@code timeoutNanos} is -1 for "block until something
     * happens"; {@code ready} names the callbacks already queued (at most {@link #NAME_LIMIT});
     * {@code nextDeadlineNanos} is the earliest timer's due time, or -1 when there is none.
     */
    record TimeoutChosen(long turn, TimeoutReason reason, long timeoutNanos, int readyCount, List<String> ready,
                         long nextDeadlineNanos) implements LoopEvent {
    }

    /** A channel that select reported ready, with what the loop asked for and what came back. */
    record ReadyKey(String channel, int interestOps, int readyOps) {

        /** Spells selection-key operations as letters: a=accept, c=connect, r=read, w=write. */
        public static String opsText(int ops) {
            StringBuilder text = new StringBuilder();
            if ((ops & SelectionKey.OP_ACCEPT) != 0) text.append('a');
            if ((ops & SelectionKey.OP_CONNECT) != 0) text.append('c');
            if ((ops & SelectionKey.OP_READ) != 0) text.append('r');
            if ((ops & SelectionKey.OP_WRITE) != 0) text.append('w');
            return text.isEmpty() ? "-" : text.toString();
        }
    }

    /** Phase 3: select returned after {@code waitedNanos} with these channels ready. */
    record SelectReturned(long turn, List<ReadyKey> keys, long waitedNanos) implements LoopEvent {
    }

    /** Phase 4: timers now due moved to the ready queue; {@code nextDeadlineNanos} is -1 if none is left. */
    record TimersDue(long turn, List<String> due, int timersLeft, long nextDeadlineNanos) implements LoopEvent {
    }

    /**
     * Phase 5: one callback ran for {@code durationNanos}; {@code slow} when it exceeded the loop's
     * slow-callback threshold; {@code error} is what it threw, or null.
     */
    record CallbackRan(long turn, String name, long durationNanos, boolean slow, Throwable error)
            implements LoopEvent {
    }

    /** The turn ended after running {@code callbacksRun} callbacks; {@code readyLeft} wait for the next. */
    record TurnEnded(long turn, int callbacksRun, int readyLeft) implements LoopEvent {
    }

    /** Lists of names in events stop after this many entries, so a trace line stays readable. */
    int NAME_LIMIT = 16;
}
