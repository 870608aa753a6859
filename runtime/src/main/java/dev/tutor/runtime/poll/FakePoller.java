package dev.tutor.runtime.poll;

import dev.tutor.runtime.time.FakeClock;
import java.nio.channels.IllegalBlockingModeException;
import java.nio.channels.SelectableChannel;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link Poller} for tests, on a {@link FakeClock}: the test says which channel becomes ready when,
 * and a poll moves the clock to the first of those moments (or by its whole time-out) instead of waiting.
 * Every poll's time-out is recorded, so a test can check what a loop asked for: zero while callbacks were
 * ready, the time to the next timer otherwise, never zero with nothing to do (a spin).
 *
 * <p>A poll with no time-out, when nothing watched will ever become ready, throws instead of waiting for
 * ever: in a test that is a loop that would hang, and it should fail at once. Not thread-safe, except
 * {@link #wakeUp()}.
 */
public final class FakePoller implements Poller {
    private record Watch(int interestOps, Object attachment) {
    }

    private record Scheduled(long atNanos, SelectableChannel channel, int ops) {
    }

    private final FakeClock clock;
    private final Map<SelectableChannel, Watch> watched = new IdentityHashMap<>();
    private final Map<SelectableChannel, Integer> ready = new IdentityHashMap<>();
    private final List<Scheduled> scheduled = new ArrayList<>();
    private final List<Long> timeouts = new ArrayList<>();
    private volatile boolean wokenUp;
    private boolean closed;

    public FakePoller(FakeClock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    // ---- what the test says -----------------------------------------------------------------------

    /** Makes {@code channel} ready for {@code ops} from now on, until {@link #clear}. */
    public void becomeReady(SelectableChannel channel, int ops) {
        ready.merge(channel, ops, (a, b) -> a | b);
    }

    /** Makes {@code channel} ready for {@code ops} once the clock reaches {@code atNanos}. */
    public void becomeReadyAt(long atNanos, SelectableChannel channel, int ops) {
        scheduled.add(new Scheduled(atNanos, channel, ops));
    }

    /** Makes {@code channel} no longer ready for {@code ops}, as reading everything drains a socket. */
    public void clear(SelectableChannel channel, int ops) {
        ready.computeIfPresent(channel, (c, now) -> (now & ~ops) == 0 ? null : now & ~ops);
    }

    /** The time-out of every poll so far, in nanoseconds (negative: none), oldest first. */
    public List<Long> timeouts() {
        return List.copyOf(timeouts);
    }

    /** What {@code channel} is watched for now; 0 when it is registered for nothing or not at all. */
    public int interestOf(SelectableChannel channel) {
        Watch watch = watched.get(channel);
        return watch == null ? 0 : watch.interestOps();
    }

    /** Whether {@code channel} is registered, even for nothing. */
    public boolean isWatched(SelectableChannel channel) {
        return watched.containsKey(channel);
    }

    // ---- what the loop asks -----------------------------------------------------------------------

    @Override
    public void watch(SelectableChannel channel, int interestOps, Object attachment) {
        requireOpen();
        if (channel.isBlocking()) {
            throw new IllegalBlockingModeException();
        }
        watched.put(channel, new Watch(interestOps, attachment));
    }

    @Override
    public void forget(SelectableChannel channel) {
        watched.remove(channel);
    }

    @Override
    public List<Ready> poll(long timeoutNanos) {
        requireOpen();
        timeouts.add(timeoutNanos);
        arrive();
        List<Ready> now = readyNow();
        if (!now.isEmpty() || timeoutNanos == 0 || consumeWakeUp()) {
            return now;
        }
        // Saturated, not added: a time-out near Long.MAX_VALUE would wrap round to a moment in the past and
        // make a long wait look like one that ends at once.
        long limit = timeoutNanos < 0 ? Long.MAX_VALUE : saturatedAdd(clock.nanoTime(), timeoutNanos);
        long next = Long.MAX_VALUE;
        for (Scheduled s : scheduled) {
            Watch watch = watched.get(s.channel());
            if (watch != null && (watch.interestOps() & s.ops()) != 0) {
                next = Math.min(next, s.atNanos());
            }
        }
        if (next != Long.MAX_VALUE && next <= limit) {
            advanceTo(next);
            return readyNow();
        }
        if (timeoutNanos < 0) {
            throw new IllegalStateException("poll() was asked to wait with no time-out, and nothing it watches"
                    + " will ever become ready: this loop would sleep for ever.");
        }
        advanceTo(limit);
        return readyNow();
    }

    @Override
    public void wakeUp() {
        wokenUp = true;
    }

    @Override
    public void close() {
        closed = true;
        watched.clear();
    }

    private static long saturatedAdd(long now, long timeoutNanos) {
        long sum = now + timeoutNanos;
        return sum < now ? Long.MAX_VALUE : sum;
    }

    private boolean consumeWakeUp() {
        boolean was = wokenUp;
        wokenUp = false;
        return was;
    }

    private void advanceTo(long nanos) {
        long now = clock.nanoTime();
        if (nanos > now) {
            clock.advanceNanos(nanos - now);
        }
        arrive();
    }

    /** Moves the scheduled readiness whose time has come into the ready set. */
    private void arrive() {
        long now = clock.nanoTime();
        scheduled.removeIf(s -> {
            if (s.atNanos() <= now) {
                becomeReady(s.channel(), s.ops());
                return true;
            }
            return false;
        });
    }

    private List<Ready> readyNow() {
        List<Ready> out = new ArrayList<>();
        for (Map.Entry<SelectableChannel, Watch> entry : watched.entrySet()) {
            int ops = ready.getOrDefault(entry.getKey(), 0) & entry.getValue().interestOps();
            if (ops != 0) {
                out.add(new Ready(entry.getKey(), entry.getValue().attachment(), ops));
            }
        }
        return out;
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("This poller is closed.");
        }
    }
}
