package dev.tutor.exercises.eventloop;

import dev.tutor.runtime.poll.Poller;
import java.io.IOException;
import java.nio.channels.SelectableChannel;

/**
 * A poller that hands everything to another, for the tests' pollers that watch a loop's polls, or make some
 * of them fail, and change nothing else: they override what they watch or fail.
 */
abstract class ForwardingPoller implements Poller {
    /** The poller that does the work. */
    protected final Poller inner;

    ForwardingPoller(Poller inner) {
        this.inner = inner;
    }

    @Override
    public void watch(SelectableChannel channel, int interestOps, Object attachment) throws IOException {
        inner.watch(channel, interestOps, attachment);
    }

    @Override
    public void forget(SelectableChannel channel) {
        inner.forget(channel);
    }

    @Override
    public void wakeUp() {
        inner.wakeUp();
    }

    @Override
    public void close() throws IOException {
        inner.close();
    }
}
