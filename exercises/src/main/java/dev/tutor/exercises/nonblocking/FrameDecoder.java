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
 * sent, each as a new array of its own, which later calls never change.
 *
 * <p>A length is checked as soon as its 4 bytes are in: above {@code maxFrameBytes}, or negative, is an
 * {@link IllegalArgumentException} whose message contains the declared length, thrown at once, before
 * anything is allocated or buffered for that frame, since a peer can declare two gigabytes in four bytes.
 * A frame of exactly {@code maxFrameBytes} is allowed. After that exception the stream cannot be trusted:
 * drop the decoder with its connection.
 *
 * <p>Memory: every buffer the decoder holds bytes in, or reads into, is at most 64 KiB, unless a frame
 * needs more room; then it grows, but never beyond {@code maxFrameBytes + 4} bytes, the room of one
 * largest frame and its length.
 *
 * <p>Exercise: complete the constructor, {@link #feed}, {@link #readFrom} and {@link #ended}. Keep the
 * public signatures; add any private fields and methods you like. One decoder serves one connection and
 * one thread.
 */
public final class FrameDecoder {

    // TODO: fields: the limit, a ByteBuffer of your own for the bytes that are not yet a whole frame,
    //  how many frames were completed so far, and whether the stream has ended.

    /**
     * @param maxFrameBytes the longest frame body accepted, 0 or more
     * @throws IllegalArgumentException if {@code maxFrameBytes} is negative
     */
    public FrameDecoder(int maxFrameBytes) {
        // TODO
    }

    /**
     * Takes the bytes one read returned: {@code chunk} in read mode, its bytes from position to limit. The
     * chunk may be any kind of buffer (heap, direct, read-only, a slice). Consumes all of its bytes (the
     * chunk's position ends at its limit) and returns the frames they completed, in order, possibly none.
     * A partial frame at the end, even part of a length, is kept for the next call.
     *
     * @throws IllegalArgumentException if a frame declares a length above {@code maxFrameBytes} or below 0;
     *                                  the message contains the declared length
     */
    public List<byte[]> feed(ByteBuffer chunk) {
        List<byte[]> frames = new ArrayList<>();
        // TODO: add the chunk's bytes to what you kept, take out every whole frame, keep the rest.
        return frames;
    }

    /**
     * Reads {@code channel}, a non-blocking channel, until a read returns 0 (nothing more for now) and
     * returns the frames completed meanwhile, in order. It never reads again after a 0 in the same call:
     * on a real socket that is a loop that spins.
     *
     * <p>When a read returns -1 (end of stream), {@link #ended()} becomes true and the frames completed so
     * far are returned; but if the stream ended inside a frame, an {@link EOFException} is thrown instead (the
     * frames completed earlier in the same call go with it: the peer broke the protocol),
     * whose message names the frame by its number ("frame 12": the first frame of the stream is frame 1)
     * and how many bytes of it were missing: of its 4-byte length if that was incomplete, of its body
     * otherwise. Once the stream has ended, this returns an empty list without reading.
     *
     * @throws IllegalArgumentException as {@link #feed} does
     * @throws IOException              if the channel throws, or the stream ended inside a frame
     */
    public List<byte[]> readFrom(ReadableByteChannel channel) throws IOException {
        List<byte[]> frames = new ArrayList<>();
        // TODO: read, take out frames, until a read returns 0; handle -1.
        return frames;
    }

    /** Returns true once a read from the channel has returned -1: the peer will send nothing more. */
    public boolean ended() {
        // TODO
        return false;
    }
}
