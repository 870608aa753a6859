package dev.tutor.lessons.eventloop;

import dev.tutor.runtime.poll.Poller;
import dev.tutor.runtime.time.Clock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SelectableChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * A learner's loop as the exercise asks for it, in few lines: what {@link TracedMiniLoop} is tested on, since
 * the lessons module cannot see the exercise's solution. Public, as the learner's class is.
 */
public final class FakeLearnerLoop {
    /** A started timer. */
    public final class Timer {
        final long due;
        final long sequence;
        final Runnable callback;
        boolean cancelled;

        Timer(long due, long sequence, Runnable callback) {
            this.due = due;
            this.sequence = sequence;
            this.callback = callback;
        }

        public void cancel() {
            cancelled = true;
            timers.remove(this);
        }
    }

    private final Poller poller;
    private final Clock clock;
    private final Consumer<Exception> onError;
    private final ArrayDeque<Runnable> ready = new ArrayDeque<>();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>(
            Comparator.<Timer>comparingLong(t -> t.due).thenComparingLong(t -> t.sequence));
    private final Map<SelectableChannel, Runnable> watched = new IdentityHashMap<>();
    private long started;

    public FakeLearnerLoop(Poller poller, Clock clock, Consumer<Exception> onError) {
        this.poller = poller;
        this.clock = clock;
        this.onError = onError;
    }

    public void callSoon(Runnable callback) {
        ready.addLast(callback);
    }

    public Timer callLater(Duration delay, Runnable callback) {
        Timer timer = new Timer(clock.nanoTime() + Math.max(0, delay.toNanos()), started++, callback);
        timers.add(timer);
        return timer;
    }

    public void watch(SelectableChannel channel, int ops, Runnable callback) {
        try {
            poller.watch(channel, ops, callback);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        watched.put(channel, callback);
    }

    public void unwatch(SelectableChannel channel) {
        if (watched.remove(channel) != null) {
            poller.forget(channel);
        }
    }

    public void runOnce() {
        long timeout = !ready.isEmpty() ? 0 : timers.isEmpty() ? -1 : Math.max(0, timers.peek().due - clock.nanoTime());
        try {
            for (Poller.Ready r : poller.poll(timeout)) {
                Runnable callback = watched.get(r.channel());
                if (callback != null) {
                    ready.addLast(callback);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long now = clock.nanoTime();
        while (!timers.isEmpty() && timers.peek().due <= now) {
            Timer t = timers.poll();
            ready.addLast(() -> {
                if (!t.cancelled) {
                    t.callback.run();
                }
            });
        }
        for (int n = ready.size(); n > 0; n--) {
            try {
                ready.pollFirst().run();
            } catch (Exception e) {
                onError.accept(e);
            }
        }
    }
}
