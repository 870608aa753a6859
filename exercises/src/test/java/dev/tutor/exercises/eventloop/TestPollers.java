package dev.tutor.exercises.eventloop;

import dev.tutor.runtime.poll.Poller;
import dev.tutor.runtime.time.Clock;
import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * The pollers {@link MiniLoopTest} puts around or instead of the fake one: {@link Audit}, which records every
 * poll and stops a loop that spins, {@link Idle}, which has nothing to watch, and {@link Failing}, whose poll or
 * watch throws. Not a test itself.
 */
final class TestPollers {
    private TestPollers() {
    }

    /** Time-outs as the failure messages show them: nanoseconds, or "none" for a negative one, no limit. */
    static String text(List<Long> timeouts) {
        List<String> out = new ArrayList<>();
        for (long t : timeouts) {
            out.add(t < 0 ? "none (" + t + ")" : t + " ns");
        }
        return out.toString();
    }

    /** A poller with nothing to watch that returns at once, whatever the time-out. */
    static final class Idle implements Poller {
        @Override
        public void watch(SelectableChannel channel, int interestOps, Object attachment) {
            throw new UnsupportedOperationException("this test watches no channel");
        }

        @Override
        public void forget(SelectableChannel channel) {
        }

        @Override
        public List<Ready> poll(long timeoutNanos) {
            return List.of();
        }

        @Override
        public void wakeUp() {
        }

        @Override
        public void close() {
        }
    }

    /**
     * A poller that fails with the given exception, an IOException or a RuntimeException (a real selector throws
     * ClosedSelectorException, for one): its n-th poll (and only that one), or every watch.
     */
    static final class Failing extends ForwardingPoller {
        private final int failingPoll;
        private final boolean failWatch;
        private final Exception problem;
        private int polls;

        Failing(Poller inner, int failingPoll, boolean failWatch, Exception problem) {
            super(inner);
            this.failingPoll = failingPoll;
            this.failWatch = failWatch;
            this.problem = problem;
        }

        @Override
        public void watch(SelectableChannel channel, int interestOps, Object attachment) throws IOException {
            if (failWatch) {
                throw thrown();
            }
            super.watch(channel, interestOps, attachment);
        }

        @Override
        public List<Ready> poll(long timeoutNanos) throws IOException {
            if (++polls == failingPoll) {
                throw thrown();
            }
            return inner.poll(timeoutNanos);
        }

        /** The problem to throw: an IOException as it is, a RuntimeException thrown from here. */
        private IOException thrown() {
            if (problem instanceof RuntimeException unchecked) {
                throw unchecked;
            }
            return (IOException) problem;
        }
    }

    /** Thrown by the audit when a loop polls far more often than its work needs: a spin, stopped. */
    static final class Spin extends AssertionError {
        Spin(String message) {
            super(message);
        }
    }

    /** A poller that records every poll and stops a loop that spins. */
    static final class Audit extends ForwardingPoller {
        private final Clock clock;
        private final int most;
        final List<Long> timeouts = new ArrayList<>();
        private final List<List<Ready>> answers = new ArrayList<>();
        private volatile boolean expired;
        private final long started;

        Audit(Poller inner, Clock clock, int most) {
            super(inner);
            this.clock = clock;
            this.most = most;
            this.started = clock.nanoTime();
        }

        int polls() {
            return timeouts.size();
        }

        void expire() {
            expired = true;
        }

        List<Ready> firstNonEmptyAnswer() {
            return answers.stream().filter(a -> !a.isEmpty()).findFirst().orElse(List.of());
        }

        private boolean laterHalfAllZero() {
            return timeouts.subList(timeouts.size() / 2, timeouts.size()).stream().allMatch(t -> t == 0);
        }

        String timeoutsText() {
            List<Long> shown = timeouts.size() > 12 ? timeouts.subList(0, 12) : timeouts;
            String text = text(shown);
            return timeouts.size() > 12 ? text.substring(0, text.length() - 1) + ", ... " + (timeouts.size() - 12)
                    + " more]" : text;
        }

        @Override
        public List<Ready> poll(long timeoutNanos) throws IOException {
            if (expired) {
                throw new Spin("run() was still running 10 s later. Polls' time-outs: " + timeoutsText() + ".");
            }
            if (timeouts.size() >= most) {
                timeouts.add(timeoutNanos);
                throw new Spin("the loop polled " + timeouts.size() + " times in "
                        + String.format("%.3f ms", (clock.nanoTime() - started) / 1e6) + " where its work needs at most "
                        + (most - 1) + " turns; the time-outs were " + timeoutsText() + ". Each turn polls once, with a"
                        + " time-out of 0 only when a callback is ready, and runs what became ready; a loop that polls"
                        + " again and again with nothing to run is spinning." + (laterHalfAllZero()
                        ? " The later half of the time-outs were all 0. A timer whose due time equals the clock's"
                        + " reading gives a time-out of 0, and is due; after the poll, move every timer with"
                        + " due <= now to the ready queue, or the next turn computes 0 again." : ""));
            }
            timeouts.add(timeoutNanos);
            List<Ready> answer = inner.poll(timeoutNanos);
            answers.add(List.copyOf(answer));
            return answer;
        }
    }
}
