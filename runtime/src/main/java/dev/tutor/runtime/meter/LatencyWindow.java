package dev.tutor.runtime.meter;

import dev.tutor.runtime.time.Clock;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;

/**
 * The latencies of the requests that finished in the last {@code span}, for a live meter: their median, the worst
 * and how many there were.
 *
 * <p>Why a window and not a running average: an average hides the one slow request and never forgets an old one;
 * the last second's median and worst say what a request costs now. Thread-safe: probe clients record from their
 * own threads while the meter reads.
 */
public final class LatencyWindow {
    /** The window's summary: how many requests finished in it, their median and worst latency in nanoseconds. */
    public record Stats(int count, long medianNanos, long worstNanos, long spanNanos) {
        /** Requests finished per second over the window. */
        public double perSecond() {
            return count * 1e9 / spanNanos;
        }
    }

    private final Clock clock;
    private final long spanNanos;
    /** {finished at, latency} pairs, oldest first. */
    private final ArrayDeque<long[]> samples = new ArrayDeque<>();

    public LatencyWindow(Clock clock, long spanNanos) {
        if (spanNanos <= 0) {
            throw new IllegalArgumentException("A window must span some time: " + spanNanos);
        }
        this.clock = clock;
        this.spanNanos = spanNanos;
    }

    /** Records a request that finished now and took {@code latencyNanos}. */
    public synchronized void record(long latencyNanos) {
        long now = clock.nanoTime();
        samples.addLast(new long[] {now, latencyNanos});
        forgetBefore(now - spanNanos);
    }

    /** The requests that finished within the span up to now; median and worst are 0 when there were none. */
    public synchronized Stats stats() {
        forgetBefore(clock.nanoTime() - spanNanos);
        long[] latencies = new long[samples.size()];
        int i = 0;
        for (long[] sample : samples) {
            latencies[i++] = sample[1];
        }
        if (latencies.length == 0) {
            return new Stats(0, 0, 0, spanNanos);
        }
        Arrays.sort(latencies);
        // The lower middle of an even count: a latency that was really measured, not the mean of two.
        return new Stats(latencies.length, latencies[(latencies.length - 1) / 2], latencies[latencies.length - 1],
                spanNanos);
    }

    private void forgetBefore(long oldest) {
        Iterator<long[]> it = samples.iterator();
        while (it.hasNext() && it.next()[0] <= oldest) {
            it.remove();
        }
    }
}
