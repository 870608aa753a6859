package dev.tutor.lessons.eventloop;

import dev.tutor.runtime.loop.LoopEvent;
import dev.tutor.runtime.loop.LoopListener;
import dev.tutor.runtime.poll.Poller;
import dev.tutor.runtime.time.Clock;
import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * The learner's own event loop (exercise mini-loop) reporting to the runtime's {@link LoopListener}, so
 * that lesson 10's trace can be drawn from their code instead of the bundled loop's.
 *
 * <p>Why it exists: the learner's {@code MiniLoop} has no listener; the exercise never asks for one. So this
 * adapter watches it from outside. It hands the loop a poller that notes each poll (the time-out asked for,
 * how long it waited, which channels came back), wraps every callback it queues to note its name and
 * duration, and drives the loop one {@code runOnce()} at a time, so it knows where each turn begins and ends.
 *
 * <p>What it cannot see, so that the trace is coarser than the bundled loop's ({@link #COARSER} says it on
 * screen): there is no {@link LoopEvent.CancelledTimersDropped}, because the learner's {@code cancel()}
 * takes a timer out at once; {@link LoopEvent.TimersDue} names the timers whose callbacks ran in the turn,
 * which is where the exercise says a due timer runs; a time-out's reason is inferred from the callbacks and
 * timers this adapter knows are waiting; and the events of a turn reach the listener together when the turn
 * ends, in {@link LoopEvent}'s order.
 *
 * <p>Contract: not thread-safe; every method is called on the thread that runs the loop, callbacks
 * included. The caller owns the poller and closes it, after the loop.
 */
public final class TracedMiniLoop {
    /** One line for the screen: why this trace has fewer phases than the bundled loop's. */
    public static final String COARSER = "Your loop has no listener, so the tutor traces it from outside (its poller"
            + " and its callbacks): no 'dropped' phase, and 'due' names the timers that ran in the turn.";

    /** Longer than this, a callback is marked SLOW, as the bundled loop's default (asyncio's 100 ms). */
    private static final long SLOW_NANOS = Duration.ofMillis(100).toNanos();

    private final LearnerLoopCalls loop;
    private final Clock clock;
    private final LoopListener listener;
    private final Map<SelectableChannel, Watched> watched = new IdentityHashMap<>();
    private final List<Exception> failures = new ArrayList<>();

    private long turn;
    private int readySoon;
    private int timersWaiting;
    private final List<LoopEvent> phases = new ArrayList<>();
    private final List<String> timersRan = new ArrayList<>();
    private final List<LoopEvent.CallbackRan> callbacksRan = new ArrayList<>();

    private TracedMiniLoop(String className, Poller poller, Clock clock, LoopListener listener) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.loop = LearnerLoopCalls.create(className, new NotingPoller(Objects.requireNonNull(poller, "poller")),
                clock, failures::add);
    }

    /**
     * Makes a loop of the learner's class {@code className} (with {@code MiniLoop}'s constructor and methods)
     * that waits with {@code poller}, reads {@code clock} and reports each turn to {@code listener}.
     *
     * @throws IllegalArgumentException when the class is missing or lacks what the exercise asks for
     */
    public static TracedMiniLoop create(String className, Poller poller, Clock clock, LoopListener listener) {
        return new TracedMiniLoop(className, poller, clock, listener);
    }

    /** The loop's clock, the scale of its timers. */
    public long time() {
        return clock.nanoTime();
    }

    /** The exceptions the learner's loop handed to its {@code onError}, oldest first. */
    public List<Exception> failures() {
        return List.copyOf(failures);
    }

    /** Queues {@code callback} through the learner's {@code callSoon}, under {@code name} in the trace. */
    public void callSoon(String name, Runnable callback) {
        Runnable traced = traced(name, callback);
        readySoon++;
        loop.callSoon(() -> {
            readySoon--;
            traced.run();
        });
    }

    /**
     * Starts a timer through the learner's {@code callLater}, under {@code name} in the trace; the returned
     * action cancels it through the learner's {@code Timer.cancel()}.
     */
    public Runnable callLater(Duration delay, String name, Runnable callback) {
        Runnable traced = traced(name, callback);
        boolean[] over = {false};
        timersWaiting++;
        Runnable cancel = loop.callLater(delay, () -> {
            if (!over[0]) {
                over[0] = true;
                timersWaiting--;
            }
            timersRan.add(name);
            traced.run();
        });
        return () -> {
            if (!over[0]) {
                over[0] = true;
                timersWaiting--;
            }
            cancel.run();
        };
    }

    /** Watches {@code channel} through the learner's {@code watch}, under {@code name} in the trace. */
    public void watch(SelectableChannel channel, int ops, String name, Runnable callback) {
        watched.put(channel, new Watched(name, ops));
        loop.watch(channel, ops, traced(name, callback));
    }

    /** Stops watching {@code channel} through the learner's {@code unwatch}. */
    public void unwatch(SelectableChannel channel) {
        loop.unwatch(channel);
        watched.remove(channel);
    }

    /** A channel as the trace names it, with the operations it was watched for. */
    private record Watched(String name, int ops) {
    }

    /** Runs one turn of the learner's loop and reports it. */
    public void runOnce() {
        turn++;
        phases.clear();
        timersRan.clear();
        callbacksRan.clear();
        LoopEvent.TurnStarted started = new LoopEvent.TurnStarted(turn, clock.nanoTime(), readySoon, timersWaiting);
        try {
            loop.runOnce();
        } finally {
            report(started);
        }
    }

    /**
     * Runs turns until {@code done} says so, or {@code maxTurns} have run, or {@code deadline} has passed on the
     * loop's clock; returns whether {@code done} was reached. The bound keeps a demo from running for ever on a
     * loop that, say, never runs its timers.
     */
    public boolean runUntil(BooleanSupplier done, int maxTurns, Duration deadline) {
        long end = clock.nanoTime() + deadline.toNanos();
        for (int i = 0; i < maxTurns && !done.getAsBoolean() && clock.nanoTime() < end; i++) {
            runOnce();
        }
        return done.getAsBoolean();
    }

    private void report(LoopEvent.TurnStarted started) {
        listener.onEvent(started);
        phases.forEach(listener::onEvent);
        listener.onEvent(new LoopEvent.TimersDue(turn, List.copyOf(timersRan), timersWaiting, -1));
        callbacksRan.forEach(listener::onEvent);
        listener.onEvent(new LoopEvent.TurnEnded(turn, callbacksRan.size(), readySoon));
    }

    private Runnable traced(String name, Runnable callback) {
        Objects.requireNonNull(callback, "callback");
        return () -> {
            long start = clock.nanoTime();
            Throwable error = null;
            try {
                callback.run();
            } catch (RuntimeException | Error e) {
                error = e;
                throw e;
            } finally {
                long took = clock.nanoTime() - start;
                callbacksRan.add(new LoopEvent.CallbackRan(turn, name, took, took > SLOW_NANOS, error));
            }
        };
    }

    /** The learner's poller, seen through: notes the time-out of each poll, its wait and what came back. */
    private final class NotingPoller implements Poller {
        private final Poller poller;

        NotingPoller(Poller poller) {
            this.poller = poller;
        }

        @Override
        public void watch(SelectableChannel channel, int interestOps, Object attachment) throws IOException {
            poller.watch(channel, interestOps, attachment);
        }

        @Override
        public void forget(SelectableChannel channel) {
            poller.forget(channel);
        }

        @Override
        public List<Ready> poll(long timeoutNanos) throws IOException {
            phases.add(new LoopEvent.TimeoutChosen(turn, reason(timeoutNanos), timeoutNanos, readySoon, List.of(), -1));
            long start = clock.nanoTime();
            List<Ready> ready = poller.poll(timeoutNanos);
            long waited = clock.nanoTime() - start;
            List<LoopEvent.ReadyKey> keys = new ArrayList<>();
            for (Ready r : ready) {
                Watched w = watched.getOrDefault(r.channel(), new Watched(r.channel().toString(), r.readyOps()));
                keys.add(new LoopEvent.ReadyKey(w.name(), w.ops(), r.readyOps()));
            }
            phases.add(new LoopEvent.SelectReturned(turn, List.copyOf(keys), waited));
            return ready;
        }

        @Override
        public void wakeUp() {
            poller.wakeUp();
        }

        @Override
        public void close() throws IOException {
            poller.close();
        }
    }

    private LoopEvent.TimeoutReason reason(long timeoutNanos) {
        if (timeoutNanos < 0) {
            return LoopEvent.TimeoutReason.NOTHING_SCHEDULED;
        }
        return timeoutNanos == 0 && readySoon > 0 ? LoopEvent.TimeoutReason.CALLBACKS_READY
                : LoopEvent.TimeoutReason.NEXT_TIMER;
    }
}
