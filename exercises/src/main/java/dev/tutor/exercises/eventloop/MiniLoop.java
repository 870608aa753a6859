package dev.tutor.exercises.eventloop;

import dev.tutor.runtime.poll.Poller;
import dev.tutor.runtime.time.Clock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SelectableChannel;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A small event loop of your own: one thread, a queue of callbacks ready to run, a heap of timers, and a
 * {@link Poller} that says which channels are ready. It is the skeleton of asyncio's loop and of the
 * tutor's own {@code EventLoop}, with nothing else.
 *
 * <p><b>Scheduling.</b> {@link #callSoon} puts a callback at the back of the ready queue. {@link #callLater}
 * starts a timer due at {@code clock.nanoTime() + delay}; timers become ready in the order of their due
 * times, and timers due at the same nanosecond in the order they were started. {@link Timer#cancel()} stops
 * a timer for good: a cancelled timer never runs, even when it was cancelled in the very turn it became
 * due, and it no longer counts as work (see {@link #run()}). {@link #watch} asks the poller to watch a
 * channel; in every turn whose poll reports the channel ready, its callback is queued once. Readiness is
 * level-triggered: a channel that stays ready is reported, and its callback queued, turn after turn, until
 * the callback drains it or {@link #unwatch} is called.
 *
 * <p><b>One turn</b> ({@link #runOnce()}) does four things, in this order:
 * <ol>
 *   <li>chooses the poll's time-out: {@code 0} when a callback is ready; otherwise, when a timer that is not
 *       cancelled waits, the nanoseconds from now until the earliest such timer is due ({@code 0} if it is
 *       due already, never negative), exact to the nanosecond and however long (the {@link Poller} takes
 *       nanoseconds and does its own rounding, so no rounding up to milliseconds and no one-day cap as in
 *       the bundled loop's {@code select}); otherwise a negative time-out, which {@link Poller#poll} takes
 *       as "wait without a limit";</li>
 *   <li>calls {@code poller.poll(timeout)} exactly once, and queues the callback of every channel it
 *       returns, in the order it returns them;</li>
 *   <li>reads the clock once and moves every timer due at or before that time to the ready queue, in due
 *       order;</li>
 *   <li>runs the callbacks that are in the ready queue now, and only those, oldest first. A callback queued
 *       while they run (by {@code callSoon}, or a timer started with a delay of zero) waits for the next
 *       turn: that is what keeps a callback that queues itself again from starving timers and channels.</li>
 * </ol>
 * The poll is the loop's only way to wait: no sleeping, no threads, no polling again and again with a
 * time-out of zero while nothing is ready. These are the lesson's steps 2 to 5. Its step 1, the sweep of
 * cancelled timers, has no counterpart: {@link Timer#cancel()} does that work at once. Nor has its "zero
 * while stopping": {@link #run()} looks at the stop flag before each turn and starts none after a stop.
 * A turn with nothing left (no callback ready, no timer, no channel watched) still polls once, with a
 * negative time-out, and so waits until the poller is woken: call {@link #run()} to stop when nothing is
 * left.
 *
 * <p><b>Failures.</b> An {@link Exception} thrown by a callback is handed to the {@code onError} handler
 * given to the constructor, and the loop goes on with the next callback, as asyncio reports a failed
 * callback and carries on. Anything else a callback throws (an {@link Error}, an {@code AssertionError}
 * for instance) is not the handler's: it leaves {@code runOnce()} and {@code run()} as it is, and the
 * callbacks of that turn that had not run yet stay at the head of the ready queue, to run first in the
 * next turn. An exception from the poller is not a callback's either: it leaves {@code run()} and
 * {@code runOnce()} as it is ({@link IOException} wrapped in {@link UncheckedIOException}), before any
 * callback of that turn has run, and what was queued stays queued.
 *
 * <p>Not thread-safe: every method is called on the thread that runs the loop, callbacks included. The
 * caller owns the poller and closes it.
 *
 * <p>Exercise: complete the methods marked {@code TODO}, and {@link Timer#cancel()}. Keep the public
 * signatures: the tests call them. Add any fields and private methods you need.
 */
public final class MiniLoop {

    /** A callback waiting for its moment; returned by {@link #callLater} so that it can be cancelled. */
    public final class Timer {
        private final long dueNanos;
        private final long sequence;
        private final Runnable callback;
        private boolean cancelled;

        private Timer(long dueNanos, long sequence, Runnable callback) {
            this.dueNanos = dueNanos;
            this.sequence = sequence;
            this.callback = callback;
        }

        /** The clock reading at which this timer becomes due. */
        public long dueNanos() {
            return dueNanos;
        }

        /** True once {@link #cancel()} was called. */
        public boolean isCancelled() {
            return cancelled;
        }

        /**
         * Makes sure this timer never runs and no longer keeps the loop alive. Harmless on a timer that has
         * run already or was cancelled before.
         */
        public void cancel() {
            cancelled = true;
            // TODO: a cancelled timer must not run, must not decide a poll's time-out, and must not keep run()
            //       going. Either take it out of your timers now, or make the loop pass over it.
        }
    }

    private final Poller poller;
    private final Clock clock;
    private final Consumer<Exception> onError;

    // TODO: the ready queue, the timers, the watched channels, and whatever else the loop needs.

    /**
     * A loop that waits with {@code poller}, reads the time from {@code clock} and hands every exception a
     * callback throws to {@code onError}.
     */
    public MiniLoop(Poller poller, Clock clock, Consumer<Exception> onError) {
        this.poller = Objects.requireNonNull(poller, "poller");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.onError = Objects.requireNonNull(onError, "onError");
    }

    /** Queues {@code callback} behind the callbacks already ready; it runs in this turn's successor at the earliest. */
    public void callSoon(Runnable callback) {
        Objects.requireNonNull(callback, "callback");
        // TODO: put the callback at the back of the ready queue.
    }

    /**
     * Starts a timer that queues {@code callback} once the clock reaches {@code clock.nanoTime() +
     * delay} (a negative delay counts as zero), and returns it so that it can be cancelled.
     */
    public Timer callLater(Duration delay, Runnable callback) {
        Objects.requireNonNull(callback, "callback");
        // TODO: work out the due time, number the timer (for ties), and add it to the timers.
        return new Timer(clock.nanoTime() + Math.max(0, delay.toNanos()), 0, callback);
    }

    /**
     * Watches {@code channel} (non-blocking) for the operations in {@code ops}, {@code SelectionKey}'s bits,
     * and queues {@code callback} in every turn in which the poller reports it ready. Watching a channel again
     * replaces its operations and its callback. A watched channel keeps {@link #run()} going. A callback the
     * current turn has already queued for the channel (step 2) stays queued: watching it again, or
     * {@link #unwatch}, from an earlier callback of the same turn changes the turns that follow, not this one.
     */
    public void watch(SelectableChannel channel, int ops, Runnable callback) {
        Objects.requireNonNull(callback, "callback");
        try {
            poller.watch(channel, ops, callback);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not watch " + channel + ": " + e.getMessage(), e);
        }
        // TODO: remember that this channel is watched, and with which callback.
    }

    /** Stops watching {@code channel}; harmless when it is not watched. */
    public void unwatch(SelectableChannel channel) {
        // TODO: forget the channel here and in the poller.
    }

    /**
     * Runs turns until nothing is left, or until the end of the turn in which a callback called
     * {@link #stop()}. Nothing is left when no callback is ready, no timer that is not cancelled waits and
     * no channel is watched; then {@code run()} returns at once, without polling. After a stop, whatever
     * is still queued stays queued and runs when {@code run()} is called again.
     */
    public void run() {
        // TODO: call runOnce() while there is something left and stop() has not been called.
    }

    /**
     * Asks {@link #run()} to return at the end of the current turn; called by a callback of that run(). Called
     * while no run() is going on (before it, or by a callback of a {@link #runOnce()} called directly), it
     * does nothing: the next run() runs as usual.
     */
    public void stop() {
        // TODO
    }

    /** Runs exactly one turn, the four steps in this class's description. */
    public void runOnce() {
        // TODO: 1. the time-out, 2. one poll and the ready channels' callbacks, 3. the due timers,
        //       4. the callbacks that are ready now, and only those.
    }
}
