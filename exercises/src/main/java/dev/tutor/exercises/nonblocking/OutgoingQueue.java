package dev.tutor.exercises.nonblocking;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/**
 * The bytes waiting to go out on one non-blocking connection. A non-blocking write takes only what fits
 * in the socket's send buffer now and says how much that was; the rest has to wait somewhere until the
 * peer has read enough to make room. This queue is that somewhere, and it is bounded, so that a peer that
 * never reads cannot make the program hold an unlimited amount for it.
 *
 * <p>{@link #offer} copies the bytes in, so the caller may reuse its buffer at once. {@link #flushTo} writes
 * as much as the channel takes now, in the order the bytes were offered, and stops at the first write that
 * takes nothing: writing again at once would only spin on a full socket. Call it again when the socket has
 * room (lesson 9's selector says when). It never hands the channel an empty buffer, and with nothing
 * pending it does not write at all.
 *
 * <p>Exercise: complete the constructor, {@link #offer}, {@link #flushTo} and {@link #pendingBytes}. Keep the
 * public signatures; add any private fields and methods you like. One queue serves one connection and one
 * thread.
 */
public final class OutgoingQueue {

    // TODO: fields: the limit, the queued bytes in the order they were offered, how many are pending.

    /**
     * @param limitBytes the most bytes this queue holds at once, 0 or more
     * @throws IllegalArgumentException if {@code limitBytes} is negative
     */
    public OutgoingQueue(int limitBytes) {
        // TODO
    }

    /**
     * Queues a copy of {@code data}'s remaining bytes (position to limit) behind everything queued before,
     * and moves {@code data}'s position to its limit, as a write would. Any kind of buffer will do: heap,
     * direct, read-only, a slice.
     *
     * @return true if the bytes were queued (0 bytes always are); false if {@code pendingBytes()} plus them
     *         would pass the limit, in which case nothing is queued and {@code data} is left as it was
     */
    public boolean offer(ByteBuffer data) {
        // TODO
        return false;
    }

    /**
     * Writes queued bytes to {@code channel}, oldest first, for as long as the channel takes them, and stops
     * at the first write that returns 0. What was not written stays queued, also when the channel throws.
     *
     * @return true if nothing is left to write; false if bytes are still waiting for room
     * @throws IOException what the channel threw; the bytes it did not take are still queued
     */
    public boolean flushTo(WritableByteChannel channel) throws IOException {
        // TODO
        return false;
    }

    /** Returns how many offered bytes have not been written yet. */
    public int pendingBytes() {
        // TODO
        return 0;
    }
}
