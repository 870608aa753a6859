package dev.tutor.exercises.eventloop;

import dev.tutor.runtime.poll.Poller;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * Measures a loop's turns while it runs on a real poller: how long the callbacks of each turn took and how many
 * ran, for the fairness and latency figures a learner sees beside the verdict. A turn is counted from its poll,
 * as the loop polls exactly once a turn; a callback is counted when it is wrapped with {@link #counted}.
 */
final class LoopMeter extends ForwardingPoller {
    /** Turns with more callbacks than this are counted together, as "this many or more". */
    private static final int MOST_COUNTED = 255;

    private final long[] turnsWithCallbacks = new long[MOST_COUNTED + 1];
    private long polls;
    private long returnedAt = -1;
    private long longestTurnNanos;
    private int callbacksThisTurn;
    private int mostCallbacks;
    private volatile boolean expired;

    LoopMeter(Poller inner) {
        super(inner);
    }

    /** {@code callback}, counted as one callback of the turn it runs in. */
    Runnable counted(Runnable callback) {
        return () -> {
            callbacksThisTurn++;
            callback.run();
        };
    }

    /** Makes the next poll stop the loop: a test's watchdog calls it when the loop has run too long. */
    void expire() {
        expired = true;
    }

    /** Forgets the turns measured so far, keeping the count of polls: measuring starts again from here. */
    void reset() {
        Arrays.fill(turnsWithCallbacks, 0);
        longestTurnNanos = 0;
        mostCallbacks = 0;
    }

    /** How many polls so far: the number of the turn now running. */
    long polls() {
        return polls;
    }

    /** The longest time from a poll's return to the next poll: what one turn's callbacks took. */
    long longestTurnNanos() {
        return longestTurnNanos;
    }

    /** The callbacks of each turn that ended, as "median M, most N, over T turns". */
    String callbacksPerTurnText() {
        long turns = 0;
        for (long count : turnsWithCallbacks) {
            turns += count;
        }
        if (turns == 0) {
            return "no turn ended";
        }
        long seen = 0;
        int median = 0;
        for (int n = 0; n <= MOST_COUNTED; n++) {
            seen += turnsWithCallbacks[n];
            if (seen * 2 >= turns) {
                median = n;
                break;
            }
        }
        return "median " + median + ", most " + mostCallbacks + ", over " + turns + " turns";
    }

    @Override
    public List<Ready> poll(long timeoutNanos) throws IOException {
        if (expired) {
            throw new AssertionError("run() was still running 10 s later");
        }
        long now = System.nanoTime();
        if (returnedAt >= 0) {
            longestTurnNanos = Math.max(longestTurnNanos, now - returnedAt);
            turnsWithCallbacks[Math.min(MOST_COUNTED, callbacksThisTurn)]++;
            mostCallbacks = Math.max(mostCallbacks, callbacksThisTurn);
        }
        callbacksThisTurn = 0;
        polls++;
        List<Ready> ready = inner.poll(timeoutNanos);
        returnedAt = System.nanoTime();
        return ready;
    }
}
