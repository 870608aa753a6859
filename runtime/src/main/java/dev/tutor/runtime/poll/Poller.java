package dev.tutor.runtime.poll;

import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.util.List;

/**
 * The one question an event loop asks the operating system each turn: which of my channels are ready,
 * waiting at most this long? A real loop asks a {@link java.nio.channels.Selector} ({@link #selector()});
 * a test asks a {@link FakePoller}, which answers on a fake clock, so that a loop's timers, time-outs and
 * fairness can be checked to the nanosecond without waiting.
 *
 * <p>Interest uses {@link java.nio.channels.SelectionKey}'s bits ({@code OP_READ}, {@code OP_WRITE},
 * {@code OP_ACCEPT}, {@code OP_CONNECT}). Readiness is level-triggered, as Java's {@code Selector} is on
 * Linux: a channel that stays readable is reported on every poll until it is drained.
 *
 * <p>Not thread-safe, except {@link #wakeUp()}: a loop polls from its own thread.
 */
public interface Poller extends AutoCloseable {

    /** A channel that is ready, with the object it was watched with and the operations it is ready for. */
    record Ready(SelectableChannel channel, Object attachment, int readyOps) {
    }

    /** Polls a real {@link java.nio.channels.Selector} of its own. */
    static Poller selector() throws IOException {
        return new SelectorPoller();
    }

    /**
     * Watches {@code channel} for the operations in {@code interestOps}, replacing what was watched
     * before; {@code 0} keeps the channel registered but asks for nothing. The channel must be
     * non-blocking. {@code attachment} comes back with each {@link Ready}.
     */
    void watch(SelectableChannel channel, int interestOps, Object attachment) throws IOException;

    /** Stops watching {@code channel}; harmless if it was not watched. */
    void forget(SelectableChannel channel);

    /**
     * Waits until a watched channel is ready, {@link #wakeUp()} is called, or {@code timeoutNanos} has
     * passed, and returns the ready channels. {@code 0} does not wait at all; a negative time-out waits
     * without a limit.
     */
    List<Ready> poll(long timeoutNanos) throws IOException;

    /** Makes a poll in progress (or the next one) return at once. Safe from any thread. */
    void wakeUp();

    /** Stops watching every channel and releases the poller. Channels stay open. */
    @Override
    void close() throws IOException;
}
