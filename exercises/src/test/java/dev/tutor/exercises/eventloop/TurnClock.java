package dev.tutor.exercises.eventloop;

import dev.tutor.runtime.poll.Poller;
import dev.tutor.runtime.time.Clock;
import dev.tutor.runtime.time.FakeClock;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.locks.Condition;

/**
 * A clock that moves while a turn runs, for the test that a turn reads the time once: from the moment a poll
 * returns until the next poll begins, every reading moves it on by a nanosecond, as a real clock moves under a
 * turn's work. Before the first poll and while a poll waits it reads like the fake clock beneath it, which the
 * fake poller moves by each time-out.
 */
final class TurnClock implements Clock {
    private final FakeClock fake;
    private boolean turning;
    private int readings;

    TurnClock(FakeClock fake) {
        this.fake = fake;
    }

    @Override
    public long nanoTime() {
        long now = fake.nanoTime();
        if (turning) {
            readings++;
            fake.advanceNanos(1);
        }
        return now;
    }

    /** How often the loop read this clock since its last poll returned. */
    int readingsThisTurn() {
        return readings;
    }

    /** The poller to give the loop: {@code inner}, with each poll's return starting a turn of this clock. */
    Poller around(Poller inner) {
        return new ForwardingPoller(inner) {
            @Override
            public List<Ready> poll(long timeoutNanos) throws IOException {
                turning = false;
                readings = 0;
                List<Ready> ready = inner.poll(timeoutNanos);
                turning = true;
                return ready;
            }
        };
    }

    @Override
    public void awaitUntil(Condition condition, long deadlineNanos) throws InterruptedException {
        fake.awaitUntil(condition, deadlineNanos);
    }

    @Override
    public AutoCloseable onAdvance(Runnable hook) {
        return fake.onAdvance(hook);
    }
}
