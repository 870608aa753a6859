package dev.tutor.exercises.nonblocking;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts the byte stream of one connection back into the messages its peer sent. A socket delivers bytes,
 * not messages: one read may return half a message, or the end of one and three more, or only part of a
 * message's length. So each message travels as a <em>frame</em>: a 4-byte big-endian length, then exactly
 * that many bytes. The decoder keeps whatever is not yet a whole frame until the bytes that complete it
 * arrive.
 *
 * <p>Feed it by hand, one chunk per read ({@link #feed}), or let it read a non-blocking channel itself
 * ({@link #readFrom}). Either way it returns the frames that became complete, in the order they were
 * sent, each as a new array of its own.
 *
 * <p>A length is checked as soon as its 4 bytes are in: above {@code maxFrameBytes}, or negative, is an
 * {@link IllegalArgumentException} whose message contains the length, thrown before anything is
 * allocated or buffered for it, since a peer can declare two gigabytes in four bytes. After that
 * exception the stream cannot be trusted: drop the decoder with its connection.
 *
 * <p>The decoder's own buffer starts at no more than 64 KiB and grows only when a frame needs more room,
 * never beyond {@code maxFrameBytes + 4} bytes, the room of one largest frame and its length.
 *
 * <p>One decoder per connection; not thread-safe.
 */
public final class FrameDecoder {

    /** The bytes of a frame's length. */
    private static final int LENGTH_BYTES = Integer.BYTES;
    /** The most the buffer holds before a frame asks for more. */
    private static final int FIRST_CAPACITY = 64 * 1024;

    private final int maxFrameBytes;
    /**
     * The bytes that are not yet a whole frame, always at the front. Between calls the buffer is in write
     * mode: position = how many bytes it holds, limit = capacity.
     */
    private ByteBuffer pending;
    /** How many frames were completed so far: the next frame's number is one more. */
    private long framesDone;
    private boolean ended;

    /**
     * @param maxFrameBytes the longest frame body accepted, 0 or more
     * @throws IllegalArgumentException if {@code maxFrameBytes} is negative
     */
    public FrameDecoder(int maxFrameBytes) {
        if (maxFrameBytes < 0) {
            throw new IllegalArgumentException("maxFrameBytes < 0: " + maxFrameBytes);
        }
        this.maxFrameBytes = maxFrameBytes;
        this.pending = ByteBuffer.allocate((int) Math.min(FIRST_CAPACITY, roomForLargest()));
    }

    /**
     * Takes the bytes one read returned: {@code chunk} in read mode, its bytes from position to limit.
     * Consumes all of them (the chunk's position ends at its limit) and returns the frames they completed,
     * in order, possibly none. A partial frame at the end is kept for the next call.
     *
     * @throws IllegalArgumentException if a frame declares a length above {@code maxFrameBytes} or below 0;
     *                                  the message contains the declared length
     */
    public List<byte[]> feed(ByteBuffer chunk) {
        List<byte[]> frames = new ArrayList<>();
        while (chunk.hasRemaining()) {
            makeRoom();
            int count = Math.min(chunk.remaining(), pending.remaining());
            pending.put(chunk.slice(chunk.position(), count));
            chunk.position(chunk.position() + count);
            takeFrames(frames);
        }
        return frames;
    }

    /**
     * Reads {@code channel}, a non-blocking channel, until a read returns 0 (nothing more for now) and
     * returns the frames completed meanwhile, in order. It never reads again after a 0 in the same call.
     *
     * <p>When a read returns -1 (end of stream), {@link #ended()} becomes true and the frames completed so
     * far are returned; but if the stream ended inside a frame, an {@link EOFException} is thrown instead (the
     * frames completed earlier in the same call go with it: the peer broke the protocol),
     * naming the frame by its number (the first frame of the stream is frame 1) and how many bytes of it
     * were missing: of its 4-byte length if that was incomplete, of its body otherwise. Once the stream has
     * ended, this returns an empty list without reading.
     *
     * @throws IllegalArgumentException as {@link #feed} does
     * @throws IOException              if the channel throws, or the stream ended inside a frame
     */
    public List<byte[]> readFrom(ReadableByteChannel channel) throws IOException {
        List<byte[]> frames = new ArrayList<>();
        while (!ended) {
            makeRoom(); // a read into a full buffer returns 0 too, and would look like "nothing more now"
            int count = channel.read(pending);
            if (count == 0) {
                return frames;
            }
            if (count < 0) {
                ended = true;
                if (pending.position() > 0) {
                    throw endedInsideAFrame();
                }
                return frames;
            }
            takeFrames(frames);
        }
        return frames;
    }

    /** Returns true once a read from the channel has returned -1: the peer will send nothing more. */
    public boolean ended() {
        return ended;
    }

    /** Moves every whole frame from the buffer into {@code frames}; leaves a partial frame at the front. */
    private void takeFrames(List<byte[]> frames) {
        pending.flip(); // read mode: position 0, limit = the bytes held
        while (pending.remaining() >= LENGTH_BYTES) {
            int length = checked(pending.getInt(pending.position())); // a peek: consume it with the body
            if (pending.remaining() - LENGTH_BYTES < length) {
                break;
            }
            pending.position(pending.position() + LENGTH_BYTES);
            byte[] frame = new byte[length];
            pending.get(frame);
            frames.add(frame);
            framesDone++;
        }
        pending.compact(); // write mode again, the partial frame moved to the front
    }

    /** Grows a full buffer: it is full only when the frame at its front needs more than it has. */
    private void makeRoom() {
        if (pending.hasRemaining()) {
            return;
        }
        long needed = LENGTH_BYTES + (long) pending.getInt(0); // checked when its length arrived
        int capacity = (int) Math.min(Math.max(2L * pending.capacity(), needed), roomForLargest());
        pending = ByteBuffer.allocate(capacity).put(pending.flip());
    }

    private int checked(int length) {
        if (length < 0 || length > maxFrameBytes) {
            throw new IllegalArgumentException("A frame declared a length of " + length + " bytes; the limit is 0 to "
                    + maxFrameBytes + ".");
        }
        return length;
    }

    private EOFException endedInsideAFrame() {
        long frame = framesDone + 1;
        int held = pending.position();
        if (held < LENGTH_BYTES) {
            return new EOFException("The stream ended inside the length of frame " + frame + ": " + (LENGTH_BYTES - held)
                    + " of its 4 bytes were missing.");
        }
        int length = pending.getInt(0);
        return new EOFException("The stream ended inside frame " + frame + ": " + (LENGTH_BYTES + length - held)
                + " of its " + length + " bytes were missing.");
    }

    private long roomForLargest() {
        return LENGTH_BYTES + (long) maxFrameBytes;
    }
}
