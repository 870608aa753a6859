package dev.tutor.exercises.nonblocking;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayDeque;

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
 * <p>One queue per connection; not thread-safe.
 */
public final class OutgoingQueue {

    private final int limitBytes;
    /** Copies of the offered bytes, oldest first, each in read mode; the first may be partly written. */
    private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
    private int pendingBytes;

    /**
     * @param limitBytes the most bytes this queue holds at once, 0 or more
     * @throws IllegalArgumentException if {@code limitBytes} is negative
     */
    public OutgoingQueue(int limitBytes) {
        if (limitBytes < 0) {
            throw new IllegalArgumentException("limitBytes < 0: " + limitBytes);
        }
        this.limitBytes = limitBytes;
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
        int size = data.remaining();
        if ((long) pendingBytes + size > limitBytes) {
            return false;
        }
        if (size > 0) {
            queue.addLast(ByteBuffer.allocate(size).put(data).flip());
            pendingBytes += size;
        }
        return true;
    }

    /**
     * Writes queued bytes to {@code channel}, oldest first, for as long as the channel takes them, and stops
     * at the first write that returns 0. What was not written stays queued, also when the channel throws.
     *
     * @return true if nothing is left to write; false if bytes are still waiting for room
     * @throws IOException what the channel threw; the bytes it did not take are still queued
     */
    public boolean flushTo(WritableByteChannel channel) throws IOException {
        while (!queue.isEmpty()) {
            ByteBuffer oldest = queue.peekFirst();
            int written = channel.write(oldest);
            pendingBytes -= written;
            if (!oldest.hasRemaining()) {
                queue.pollFirst();
            } else if (written == 0) {
                return false; // the socket is full: wait until it has room
            }
        }
        return true;
    }

    /** Returns how many offered bytes have not been written yet. */
    public int pendingBytes() {
        return pendingBytes;
    }
}
