package dev.tutor.exercises.nonblocking;

import static dev.tutor.exercises.nonblocking.FrameStreams.bodies;
import static dev.tutor.exercises.nonblocking.FrameStreams.body;
import static dev.tutor.exercises.nonblocking.FrameStreams.chunk;
import static dev.tutor.exercises.nonblocking.FrameStreams.concat;
import static dev.tutor.exercises.nonblocking.FrameStreams.cut;
import static dev.tutor.exercises.nonblocking.FrameStreams.describe;
import static dev.tutor.exercises.nonblocking.FrameStreams.frame;
import static dev.tutor.exercises.nonblocking.FrameStreams.framesCompleteIn;
import static dev.tutor.exercises.nonblocking.FrameStreams.lengths;
import static dev.tutor.exercises.nonblocking.FrameStreams.longest;
import static dev.tutor.exercises.nonblocking.FrameStreams.offsetChunk;
import static dev.tutor.exercises.nonblocking.FrameStreams.stream;
import static dev.tutor.exercises.nonblocking.TestChannels.SOCKET_WAIT_MILLIS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tutor.exercises.nonblocking.FrameStreams.Cut;
import dev.tutor.exercises.nonblocking.FrameStreams.Kind;
import dev.tutor.exercises.nonblocking.TestChannels.ScriptedChannel;
import dev.tutor.exercises.nonblocking.TestChannels.SocketPair;
import dev.tutor.exercises.nonblocking.TestChannels.WatchedChannel;
import dev.tutor.exercises.support.Seeded;
import java.io.EOFException;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Grades {@link FrameDecoder}: first {@code feed} on whole frames (hint 1), then on a stream cut at random
 * places, with the limit on a frame's length (hint 2), then {@code readFrom} on a channel the test controls
 * and on a real non-blocking socket (hint 3).
 *
 * <p>Every stream is drawn from the test's seed: frame lengths from 0 to the limit, the limit itself (up to
 * Integer.MAX_VALUE), and how the stream is cut into chunks (one byte at a time, random pieces, several
 * frames at once, cuts inside the 4-byte lengths). The test's channel hands out what the test has
 * "delivered" in random amounts, and throws at once when it is read again right after it returned 0 or -1:
 * on a real socket that loop would spin for ever. The checked calls of {@code feed} run on a thread of the
 * test's own, so that one that never returns is reported after a fraction of a second of that thread's CPU
 * time, not at the test's time limit. What a decoder holds is judged by the bytes its thread allocates, which
 * the JVM counts per thread: whatever a learner names their fields, a buffer made too large shows.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 10, unit = TimeUnit.SECONDS)
@ExtendWith(Seeded.class)
class FrameDecoderTest {

    /** The decoder's buffer may start at up to this many bytes, whatever the limit. */
    private static final int FIRST_CAPACITY = 64 * 1024;

    // ---- feed: hint 1 ----

    @Test
    @Order(1)
    @Tag("hint:1")
    void decodesAChunkThatHoldsExactlyOneFrame(Random random) {
        int max = 1 + random.nextInt(300);
        FrameDecoder decoder = new FrameDecoder(max);
        List<byte[]> bodies = bodies(random, 20, max);
        for (int i = 0; i < bodies.size(); i++) {
            byte[] body = bodies.get(i);
            // Every other chunk lies inside a larger array, alternately wrapped at an offset and sliced (its
            // arrayOffset() is then not 0): on every seed, both ways of reading a heap buffer are met.
            boolean sliced = i % 4 == 1;
            ByteBuffer chunk = i % 2 == 0 ? chunk(frame(body), Kind.HEAP, random)
                    : offsetChunk(frame(body), random, () -> sliced);
            List<byte[]> frames = feedChecked(decoder, chunk, "a chunk holding exactly one frame (the 4-byte length "
                    + body.length + ", then " + body.length + " bytes)", max, body.length);
            if (frames.size() != 1 || !Arrays.equals(frames.get(0), body)) {
                fail("new FrameDecoder(" + max + ").feed() of a chunk holding exactly one frame (its 4-byte big-endian"
                        + " length " + body.length + ", then " + body.length + " bytes) returned " + frames.size()
                        + " frame(s) of lengths " + lengths(frames) + (frames.size() == 1 ? ", first difference: "
                        + difference(body, frames.get(0)) : "") + "; it must return that one frame, without its length."
                        + " (It was frame " + (i + 1) + " fed to this decoder.)");
            }
        }
    }

    @Test
    @Order(2)
    @Tag("hint:1")
    void decodesEveryFrameOfAChunkThatHoldsSeveral(Random random) {
        for (int round = 0; round < 30; round++) {
            int max = 1 + random.nextInt(300);
            List<byte[]> bodies = bodies(random, 2 + random.nextInt(20), max);
            FrameDecoder decoder = new FrameDecoder(max);
            List<byte[]> frames = feedChecked(decoder, chunk(stream(bodies), Kind.HEAP, random),
                    "one chunk holding " + bodies.size() + " whole frames", max, longest(bodies));
            assertSameFrames(bodies, frames, "new FrameDecoder(" + max + ").feed() of one chunk holding " + bodies.size()
                    + " whole frames, the way several small messages arrive in one read");
        }
    }

    // ---- feed on a cut stream, the limit: hint 2 ----

    @Test
    @Order(3)
    @Tag("hint:2")
    void decodesAStreamCutAtRandomPlaces(Random random) {
        for (int round = 0; round < 120; round++) {
            Cut cut = Cut.values()[round % Cut.values().length];
            int most = cut == Cut.ONE_BYTE ? 60 : 400; // a byte per chunk: keep those streams short
            int max = random.nextInt(4) == 0 ? random.nextInt(5) : 1 + random.nextInt(most);
            List<byte[]> bodies = bodies(random, 1 + random.nextInt(15), max);
            byte[] stream = stream(bodies);
            List<Integer> sizes = cut(stream, bodies, cut, random);
            FrameDecoder decoder = new FrameDecoder(max);
            List<byte[]> decoded = new ArrayList<>();
            int fed = 0;
            for (int c = 0; c < sizes.size(); c++) {
                Kind kind = Kind.values()[random.nextInt(Kind.values().length)];
                ByteBuffer chunk = chunk(Arrays.copyOfRange(stream, fed, fed + sizes.get(c)), kind, random);
                String what = "chunk " + (c + 1) + " of " + sizes.size() + " (a " + kind + " buffer of " + sizes.get(c)
                        + " bytes)";
                decoded.addAll(feedChecked(decoder, chunk, what, max, longest(bodies)));
                fed += sizes.get(c);
                int complete = framesCompleteIn(bodies, fed);
                if (decoded.size() != complete) {
                    fail("A stream of " + bodies.size() + " frames with lengths " + lengths(bodies) + " (limit " + max
                            + ") was fed in " + sizes.size() + " chunks of " + sizes + " bytes (" + describe(cut) + ")."
                            + " After " + what + ", the first " + fed + " bytes of the stream, which complete " + complete
                            + " frame(s), feed() had returned " + decoded.size() + " frame(s) in all, of lengths "
                            + lengths(decoded) + ". Each call must return exactly the frames its chunk completed, and"
                            + " keep the bytes of an unfinished frame, its length too, for the next call.");
                }
            }
            assertSameFrames(bodies, decoded, "A stream of " + bodies.size() + " frames fed in chunks of " + sizes
                    + " bytes (" + describe(cut) + ", limit " + max + ")");
        }
    }

    @Test
    @Order(4)
    @Tag("hint:2")
    void returnsFramesOfTheirOwnThatLaterChunksDoNotChange(Random random) {
        int max = 50 + random.nextInt(200);
        List<byte[]> bodies = bodies(random, 12, max);
        byte[] stream = stream(bodies);
        FrameDecoder decoder = new FrameDecoder(max);
        List<byte[]> decoded = new ArrayList<>();
        byte[] reused = new byte[stream.length];
        int fed = 0;
        while (fed < stream.length) {
            int size = Math.min(stream.length - fed, 1 + random.nextInt(2 * max));
            System.arraycopy(stream, fed, reused, 0, size);
            decoded.addAll(decoder.feed(ByteBuffer.wrap(reused, 0, size)));
            Arrays.fill(reused, (byte) '#'); // the caller reuses its read buffer for the next read
            fed += size;
        }
        assertSameFrames(bodies, decoded, "One read buffer was reused for every chunk, overwritten with '#' after each"
                + " feed(), as a caller that reads into the same buffer again does. Frames returned earlier must keep"
                + " their bytes: copy each frame into a new array");
    }

    @Test
    @Order(5)
    @Tag("hint:1")
    void holdsNoMoreForOneLargeChunkThanForSmallOnes(Random random) {
        // Frames of at most 8 KiB under a limit of 64 KiB or more: no frame needs more room than the first 64 KiB,
        // so nothing the decoder holds bytes in may be larger, however large a chunk. What feed() allocates for a
        // stream of 2 to 4 MiB in one chunk is compared with the same stream in chunks of up to 16 KiB: the
        // frames, and whatever a right answer allocates per frame or per buffer it fills, cost as much both ways
        // (or more in small chunks), while a buffer that makes room for the whole chunk costs the chunk's size.
        int max = FIRST_CAPACITY + random.nextInt(16 * FIRST_CAPACITY);
        int longest = 2048 + random.nextInt(6 * 1024);
        int size = (2 << 20) + random.nextInt(2 << 20);
        List<byte[]> bodies = new ArrayList<>();
        for (int bytes = 0; bytes < size; ) {
            byte[] body = body(random, random.nextInt(longest + 1));
            bodies.add(body);
            bytes += 4 + body.length;
        }
        byte[] stream = stream(bodies);
        List<Integer> pieces = new ArrayList<>();
        for (int fed = 0; fed < stream.length; fed += pieces.getLast()) {
            pieces.add(Math.min(stream.length - fed, 1 + random.nextInt(16 * 1024)));
        }
        String setting = "new FrameDecoder(" + max + ") was fed a stream of " + bodies.size() + " frames of 0 to "
                + longest + " bytes, " + stream.length + " bytes in all,";
        // A first round, over the stream's first quarter, loads what feed() uses, so neither way below pays for it.
        int quarter = stream.length / 4;
        allocatedFeeding(new FrameDecoder(max), stream, List.of(quarter), new ArrayList<>(), setting + " in one chunk");
        allocatedFeeding(new FrameDecoder(max), stream, pieces.subList(0, quarter / (16 * 1024)), new ArrayList<>(),
                setting + " in chunks of up to 16 KiB");
        List<byte[]> inPieces = new ArrayList<>();
        long costInPieces = allocatedFeeding(new FrameDecoder(max), stream, pieces, inPieces, setting + " in "
                + pieces.size() + " chunks of up to 16 KiB");
        assertSameFrames(bodies, inPieces, setting + " in " + pieces.size() + " chunks of up to 16 KiB");
        List<byte[]> inOne = new ArrayList<>();
        long costInOne = allocatedFeeding(new FrameDecoder(max), stream, List.of(stream.length), inOne, setting
                + " in one chunk");
        assertSameFrames(bodies, inOne, setting + " in one chunk");
        if (costInOne >= 0 && costInPieces >= 0 && costInOne - costInPieces > stream.length / 2) {
            fail(setting + " once in one chunk and once in " + pieces.size() + " chunks of up to 16 KiB. In one chunk,"
                    + " feed() allocated " + costInOne + " bytes; in small chunks, " + costInPieces + " bytes, the same"
                    + " frames included. The large chunk cost " + (costInOne - costInPieces) + " bytes more (it held "
                    + stream.length + "), though no frame needed more room than the first " + FIRST_CAPACITY + " bytes:"
                    + " every buffer the decoder holds bytes in stays within " + FIRST_CAPACITY + " bytes here. A chunk"
                    + " may be larger than the room left, so take frames out as the buffer fills instead of making room"
                    + " for the whole chunk at once.");
        }
    }

    @Test
    @Order(6)
    @Tag("hint:2")
    void refusesALengthAboveTheLimitAsSoonAsItsFourBytesArrive(Random random) {
        assertRefusesLimit(-1 - random.nextInt(4));
        assertRefusesLimit(Integer.MIN_VALUE + random.nextInt(1000));
        for (int round = 0; round < 40; round++) {
            // Every fifth limit is above what a first buffer holds, so that a decoder whose buffer has not yet
            // grown to maxFrameBytes + 4 is asked too: the check may not wait until the buffer is full. Those
            // rounds meet every declared length below (5 and 6 have no common factor).
            int max = round % 5 == 0 ? 0 : round % 5 == 1 ? FIRST_CAPACITY + random.nextInt(1 << 20)
                    : random.nextInt(5000);
            long[] candidates = {max + 1L, max + 2L + random.nextInt(100_000), Integer.MAX_VALUE, -1,
                    Integer.MIN_VALUE, -1 - random.nextInt(Integer.MAX_VALUE)};
            int declared = (int) candidates[round % candidates.length];
            List<byte[]> before = bodies(random, random.nextInt(4), Math.min(max, 5000));
            byte[] good = stream(before);
            byte[] badLength = ByteBuffer.allocate(4).putInt(declared).array();
            FrameDecoder decoder = new FrameDecoder(max);
            List<byte[]> decoded = new ArrayList<>();
            int split = random.nextInt(4); // how many bytes of the bad length come with the good frames
            decoded.addAll(decoder.feed(ByteBuffer.wrap(concat(good, Arrays.copyOf(badLength, split)))));
            assertSameFrames(before, decoded, "new FrameDecoder(" + max + ") was fed " + before.size() + " good frame(s)"
                    + " and the first " + split + " of the 4 bytes of a next length");
            Throwable thrown = null;
            try {
                decoder.feed(ByteBuffer.wrap(Arrays.copyOfRange(badLength, split, 4)));
            } catch (Throwable e) {
                thrown = e;
            }
            String setting = "new FrameDecoder(" + max + ") was fed " + before.size() + " good frame(s) and then a length"
                    + " of " + declared + ", its 4 bytes in two chunks, the second ending right after them";
            if (thrown == null) {
                fail(setting + ". feed() returned normally; it must throw IllegalArgumentException as soon as it has the"
                        + " 4 bytes of a length " + (declared < 0 ? "below 0" : "above the limit") + ", before any byte"
                        + " of that frame arrives: a peer can declare 2 GB in four bytes."
                        + (4L + max > FIRST_CAPACITY ? " This limit is above the " + FIRST_CAPACITY + " bytes a first"
                        + " buffer may hold, so a check that waits until the buffer is full, or has grown to"
                        + " maxFrameBytes + 4, comes too late." : ""));
            }
            if (thrown instanceof OutOfMemoryError) {
                fail(setting + ". feed() threw " + thrown + ": it made room for the declared length before checking"
                        + " it against the limit. Check a length as soon as its 4 bytes are in.");
            }
            if (!(thrown instanceof IllegalArgumentException)) {
                fail(setting + ". feed() threw " + thrown + "; it must throw IllegalArgumentException.");
            }
            if (!containsNumber(thrown.getMessage(), declared)) {
                fail(setting + ". feed() threw IllegalArgumentException(\"" + thrown.getMessage() + "\"), whose"
                        + " message does not contain the declared length, " + declared + ". Put it in the message:"
                        + " it is what the person reading the log needs.");
            }
        }
    }

    @Test
    @Order(7)
    @Tag("hint:2")
    void growsItsBufferForAFrameOfExactlyTheLimit(Random random) {
        // A decoder starts small whatever its limit. One that allocates room for its largest frame up front is told
        // so here, with a limit of some MiB, rather than when the next test's limits near 2 GiB run it out of memory.
        int roomy = (8 << 20) + random.nextInt(8 << 20);
        long before = allocatedHere();
        new FrameDecoder(roomy);
        long allocated = allocatedHere() - before;
        if (before >= 0 && allocated > 4L * FIRST_CAPACITY) {
            fail("new FrameDecoder(" + roomy + ") allocated " + allocated + " bytes before any byte arrived. A decoder"
                    + " starts with a buffer of at most " + FIRST_CAPACITY + " bytes and grows it only when a frame needs"
                    + " more room, since every connection pays for what its decoder holds, idle ones too.");
        }
        int max = FIRST_CAPACITY + 1 + random.nextInt(4 * FIRST_CAPACITY);
        List<byte[]> bodies = new ArrayList<>(bodies(random, 3, 100));
        bodies.add(1 + random.nextInt(3), body(random, max));
        byte[] stream = stream(bodies);
        for (boolean whole : new boolean[] {true, false}) {
            FrameDecoder decoder = new FrameDecoder(max);
            List<byte[]> decoded = new ArrayList<>();
            List<Integer> sizes = new ArrayList<>();
            int fed = 0;
            while (fed < stream.length) {
                int size = whole ? stream.length : Math.min(stream.length - fed, 1 + random.nextInt(20_000));
                sizes.add(size);
                decoded.addAll(feedChecked(decoder, ByteBuffer.wrap(stream, fed, size).slice(), "a chunk of " + size
                        + " bytes of a stream holding a frame of exactly the limit, " + max + " bytes", max, max));
                fed += size;
            }
            assertSameFrames(bodies, decoded, "new FrameDecoder(" + max + ") was fed frames of lengths " + lengths(bodies)
                    + (whole ? " in one chunk" : " in chunks of " + sizes.size() + " random sizes") + "; a frame of"
                    + " exactly the limit is allowed, and needs more room than a buffer of " + FIRST_CAPACITY + " bytes");
        }
    }

    @Test
    @Order(8)
    @Tag("hint:2")
    void worksWithALimitNearTheLargestInt(Random random) {
        // Any limit of 0 or more is allowed. Within 4 of Integer.MAX_VALUE, maxFrameBytes + 4 and 4 + length pass
        // what an int holds. Those limits come first: there a decoder that allocates its largest frame up front
        // asks for a negative capacity and fails with a message, where below them it would run out of memory,
        // which ends the test JVM (the tutor runs it with -XX:+ExitOnOutOfMemoryError) without a hint.
        int[] limits = {Integer.MAX_VALUE, Integer.MAX_VALUE - 1 - random.nextInt(3),
                Integer.MAX_VALUE - 4 - random.nextInt(1 << 24)};
        for (int max : limits) {
            FrameDecoder decoder = constructed(max);
            List<byte[]> bodies = new ArrayList<>(bodies(random, 6, 300));
            byte[] large = body(random, FIRST_CAPACITY + 1 + random.nextInt(FIRST_CAPACITY));
            bodies.add(random.nextInt(bodies.size() + 1), large);
            byte[] stream = stream(bodies);
            List<byte[]> decoded = new ArrayList<>();
            List<Integer> sizes = new ArrayList<>();
            for (int fed = 0; fed < stream.length; ) {
                int size = Math.min(stream.length - fed, 1 + random.nextInt(40_000));
                sizes.add(size);
                decoded.addAll(feedChecked(decoder, ByteBuffer.wrap(stream, fed, size).slice(), "a chunk of " + size
                        + " bytes of a stream of frames of lengths " + lengths(bodies), max, longest(bodies)));
                fed += size;
            }
            assertSameFrames(bodies, decoded, "new FrameDecoder(" + max + ") was fed frames of lengths "
                    + lengths(bodies) + " in chunks of " + sizes + " bytes; the one of " + large.length + " bytes"
                    + " needs a buffer larger than " + FIRST_CAPACITY + " bytes");

            // Only the length of a next frame, one the limit allows: nothing of that frame is there to take yet. A
            // decoder that takes it anyway, because 4 + length came out negative, runs out of memory allocating it:
            // a crash, not a pass.
            int declared = max - random.nextInt(4);
            int split = random.nextInt(5);
            byte[] length = ByteBuffer.allocate(4).putInt(declared).array();
            String setting = "new FrameDecoder(" + max + ") was fed those frames and then only the 4 bytes of a next"
                    + " length, " + declared + ", in chunks of " + split + " and " + (4 - split) + " bytes";
            List<byte[]> early = new ArrayList<>();
            try {
                early.addAll(feedWatched(decoder, ByteBuffer.wrap(length, 0, split), setting, ""));
                early.addAll(feedWatched(decoder, ByteBuffer.wrap(length, split, 4 - split), setting, ""));
            } catch (RuntimeException | OutOfMemoryError e) {
                fail(setting + ". feed() threw " + e + ". That length is within the limit, so the decoder keeps its 4"
                        + " bytes and waits for the frame's " + declared + " bytes, none of which has arrived"
                        + (4L + declared > Integer.MAX_VALUE ? ". Mind that 4 + " + declared + " is more than an int"
                        + " holds: in int arithmetic it comes out negative." : "."), e);
            }
            if (!early.isEmpty()) {
                fail(setting + ". feed() returned " + early.size() + " frame(s), of lengths " + lengths(early)
                        + "; a frame is complete only when all " + declared + " of its bytes are there"
                        + (4L + declared > Integer.MAX_VALUE ? ". Mind that 4 + " + declared + " is more than an int"
                        + " holds: in int arithmetic it comes out negative." : "."));
            }
        }
    }

    private static FrameDecoder constructed(int max) {
        try {
            return new FrameDecoder(max);
        } catch (OutOfMemoryError e) {
            throw new AssertionError("new FrameDecoder(" + max + ") threw " + e + ": it allocated room for the largest"
                    + " frame up front. The buffer starts at no more than " + FIRST_CAPACITY + " bytes and grows only"
                    + " when a frame needs more room.", e);
        } catch (RuntimeException e) {
            throw new AssertionError("new FrameDecoder(" + max + ") threw " + e + "; any limit of 0 or more is"
                    + " allowed, Integer.MAX_VALUE too" + (4L + max > Integer.MAX_VALUE ? ". For this limit,"
                    + " maxFrameBytes + 4 is more than an int holds: in int arithmetic it comes out negative."
                    : "."), e);
        }
    }

    // ---- readFrom: hint 3 ----

    @Test
    @Order(9)
    @Tag("hint:3")
    void readFromReadsEverythingThereAndStopsAtTheFirstZero(Random random) throws IOException {
        for (int round = 0; round < 40; round++) {
            int max = 1 + random.nextInt(500);
            List<byte[]> bodies = bodies(random, 1 + random.nextInt(25), max);
            byte[] stream = stream(bodies);
            ScriptedChannel channel = new ScriptedChannel(stream, random, 1 + random.nextInt(64));
            WatchedChannel watched = new WatchedChannel(channel);
            FrameDecoder decoder = new FrameDecoder(max);
            List<byte[]> decoded = new ArrayList<>();
            List<Integer> arrivals = new ArrayList<>();
            while (channel.delivered() < stream.length) {
                int arrival = Math.min(stream.length - channel.delivered(), 1 + random.nextInt(3 * max + 8));
                arrivals.add(arrival);
                channel.deliver(arrival);
                String setting = "A stream of " + bodies.size() + " frames with lengths " + lengths(bodies) + " (limit "
                        + max + ") arrived in " + arrivals.size() + " batch(es) so far, of " + arrivals + " bytes, and the"
                        + " test's channel hands out at most " + channel.mostPerRead() + " bytes per read";
                decoded.addAll(readChecked(decoder, watched, setting));
                if (channel.available() > 0) {
                    fail(setting + ". readFrom() returned after " + watched.readsThisCall() + " read(s) while "
                            + channel.available() + " more bytes were waiting in the channel: "
                            + (watched.lastZeroHadNoRoom() ? "its last read() was handed a buffer with no room left"
                            + " (position == limit), and a full buffer reads 0 bytes whatever is waiting. Make room"
                            + " before each read." : "read until a read returns 0."));
                }
                int complete = framesCompleteIn(bodies, channel.delivered());
                if (decoded.size() != complete) {
                    fail(setting + ". The " + channel.delivered() + " bytes delivered complete " + complete + " frame(s),"
                            + " and readFrom() had returned " + decoded.size() + " in all, of lengths " + lengths(decoded)
                            + ".");
                }
                if (decoder.ended()) {
                    fail(setting + ". Every read that found nothing returned 0, never -1, and yet ended() is true. 0 means"
                            + " nothing more for now; only -1 is the end of the stream.");
                }
            }
            assertSameFrames(bodies, decoded, "readFrom() on a stream that arrived in batches of " + arrivals + " bytes");
        }
    }

    @Test
    @Order(10)
    @Tag("hint:3")
    void readFromReadsAFrameLargerThanItsFirstBuffer(Random random) throws IOException {
        for (int bigMax : largeLimits(random)) {
            List<byte[]> bodies = new ArrayList<>(bodies(random, 20, 1000));
            bodies.add(random.nextInt(bodies.size()), body(random, bigMax));
            ScriptedChannel channel = new ScriptedChannel(stream(bodies), random, stream(bodies).length);
            WatchedChannel watched = new WatchedChannel(channel);
            channel.deliver(stream(bodies).length);
            String setting = "new FrameDecoder(" + bigMax + ").readFrom() on a channel holding "
                    + stream(bodies).length + " bytes, frames of lengths " + lengths(bodies);
            List<byte[]> decoded = readChecked(new FrameDecoder(bigMax), watched, setting);
            if (channel.available() > 0) {
                fail(setting + ". It returned after " + watched.readsThisCall() + " read(s) with " + channel.available()
                        + " bytes still waiting"
                        + (watched.lastZeroHadNoRoom() ? ": its last read() was handed a buffer with no room left"
                        + " (position == limit), which reads 0 bytes whatever is waiting. When the frame at the front"
                        + " of the buffer is larger than the buffer, copy it into a larger one (never beyond the limit"
                        + " plus 4) before reading again." : "."));
            }
            assertSameFrames(bodies, decoded, setting);
        }
    }

    @Test
    @Order(11)
    @Tag("hint:2")
    void growsItsBufferOnlyAsFarAsAFrameNeeds(Random random) throws IOException {
        for (int bigMax : largeLimits(random)) {
            for (boolean withBigFrame : new boolean[] {false, true}) {
                List<byte[]> bodies = new ArrayList<>(bodies(random, 20, 1000));
                if (withBigFrame) {
                    bodies.add(random.nextInt(bodies.size()), body(random, bigMax));
                }
                byte[] stream = stream(bodies);
                ScriptedChannel channel = new ScriptedChannel(stream, random, stream.length);
                WatchedChannel watched = new WatchedChannel(channel);
                channel.deliver(stream.length);
                String setting = "new FrameDecoder(" + bigMax + ").readFrom() on a channel holding " + stream.length
                        + " bytes, frames of lengths " + lengths(bodies);
                assertSameFrames(bodies, readChecked(new FrameDecoder(bigMax), watched, setting), setting);
                int allowed = withBigFrame ? Math.max(FIRST_CAPACITY, bigMax + 4) : FIRST_CAPACITY;
                if (watched.largestBuffer() > allowed) {
                    fail(setting + ". It read into a buffer of " + watched.largestBuffer() + " bytes; "
                            + (withBigFrame ? "the largest frame a decoder with this limit needs room for is "
                            + (bigMax + 4) + " bytes, its length included, so the buffer may grow that far and no"
                            + " further." : "no frame was over 1000 bytes, so the buffer had no reason to grow"
                            + " beyond its first " + FIRST_CAPACITY + " bytes. Allocating the limit up front costs"
                            + " every idle connection the largest frame."));
                }
            }
        }
    }

    /**
     * Two limits above the first buffer's size: one below twice that size, where doubling a full buffer
     * would pass the limit plus 4, and one far above it.
     */
    private static int[] largeLimits(Random random) {
        return new int[] {FIRST_CAPACITY + 1 + random.nextInt(FIRST_CAPACITY / 2),
                2 * FIRST_CAPACITY + random.nextInt(8 * FIRST_CAPACITY)};
    }

    @Test
    @Order(12)
    @Tag("hint:3")
    void endsQuietlyWhenTheStreamEndsBetweenFrames(Random random) throws IOException {
        for (int round = 0; round < 20; round++) {
            int max = 1 + random.nextInt(300);
            List<byte[]> bodies = bodies(random, random.nextInt(10), max);
            byte[] stream = stream(bodies);
            ScriptedChannel channel = new ScriptedChannel(stream, random, 1 + random.nextInt(100));
            WatchedChannel watched = new WatchedChannel(channel);
            FrameDecoder decoder = new FrameDecoder(max);
            int first = random.nextInt(stream.length + 1);
            channel.deliver(first);
            String setting = "A stream of " + bodies.size() + " frames, lengths " + lengths(bodies) + ", ended after"
                    + " its last frame";
            List<byte[]> decoded = new ArrayList<>(readChecked(decoder, watched, setting));
            channel.deliver(stream.length - first);
            channel.closeByPeer();
            decoded.addAll(readChecked(decoder, watched, setting));
            if (!watched.sawEnd()) {
                fail(setting + ": the test's channel had " + channel.available() + " bytes left and then -1 to give, and"
                        + " readFrom() returned before reading to the -1.");
            }
            assertSameFrames(bodies, decoded, setting + ". The frames that arrived with the end must be returned");
            assertTrue(decoder.ended(), setting + ", and a read returned -1, yet ended() is false afterwards.");
            List<byte[]> after = readChecked(decoder, watched, setting + ", and readFrom() was called once more");
            assertEquals(0, after.size(), setting + ". After the end, readFrom() must return no frames.");
        }
    }

    @Test
    @Order(13)
    @Tag("hint:3")
    void namesTheFrameAndTheMissingBytesWhenTheStreamEndsInsideOne(Random random) throws IOException {
        for (int round = 0; round < 40; round++) {
            int max = 4 + random.nextInt(300);
            List<byte[]> bodies = bodies(random, 1 + random.nextInt(10), max);
            byte[] last = body(random, 1 + random.nextInt(max));
            byte[] stream = concat(stream(bodies), frame(last));
            boolean insideLength = round % 2 == 0;
            int kept = insideLength ? 1 + random.nextInt(3) : 4 + random.nextInt(last.length);
            int missing = insideLength ? 4 - kept : 4 + last.length - kept;
            int frameNumber = bodies.size() + 1;
            byte[] cutShort = Arrays.copyOf(stream, stream.length - (4 + last.length) + kept);
            ScriptedChannel channel = new ScriptedChannel(cutShort, random, 1 + random.nextInt(100));
            WatchedChannel watched = new WatchedChannel(channel);
            FrameDecoder decoder = new FrameDecoder(max);
            String setting = "A stream of " + bodies.size() + " whole frames (lengths " + lengths(bodies) + ") ended "
                    + (insideLength ? kept + " byte(s) into the 4-byte length of frame " + frameNumber
                    : "inside frame " + frameNumber + " (" + last.length + " bytes) with " + (kept - 4) + " of its bytes there");
            int first = random.nextInt(cutShort.length + 1);
            channel.deliver(first);
            List<byte[]> decoded = new ArrayList<>(readChecked(decoder, watched, setting));
            channel.deliver(cutShort.length - first);
            channel.closeByPeer();
            Throwable thrown = null;
            watched.startCall();
            try {
                decoded.addAll(decoder.readFrom(watched));
            } catch (Throwable e) {
                thrown = e;
            }
            watched.rethrowProblem();
            if (thrown == null) {
                fail(setting + ". readFrom() returned normally; it must throw EOFException: the peer stopped in the"
                        + " middle of a message, and a caller that is told nothing takes the message for never sent.");
            }
            if (!(thrown instanceof EOFException)) {
                fail(setting + ". readFrom() threw " + thrown + "; it must throw EOFException.");
            }
            String message = String.valueOf(thrown.getMessage());
            if (!Pattern.compile("\\bframe " + frameNumber + "\\b").matcher(message).find()
                    || !containsNumber(message, missing)) {
                fail(setting + ", so " + missing + " byte(s) of " + (insideLength ? "its length" : "it") + " were missing."
                        + " readFrom() threw EOFException(\"" + message + "\"); the message must name \"frame "
                        + frameNumber + "\" (frames are counted from 1 over the whole stream) and the " + missing
                        + " missing byte(s).");
            }
            assertTrue(decoder.ended(), setting + ". After the EOFException, ended() must be true.");
            assertSameFrames(bodies.subList(0, Math.min(bodies.size(), decoded.size())), decoded, setting);
        }
    }

    @Test
    @Order(14)
    @Tag("hint:3")
    void decodesFramesFromARealNonBlockingSocket(Random random) throws IOException {
        for (Cut cut : new Cut[] {Cut.ONE_BYTE, Cut.RANDOM, Cut.SEVERAL_FRAMES, Cut.INSIDE_LENGTHS}) {
            int max = 1 + random.nextInt(2000);
            List<byte[]> bodies = bodies(random, cut == Cut.ONE_BYTE ? 1 + random.nextInt(6) : 1 + random.nextInt(30),
                    cut == Cut.ONE_BYTE ? Math.min(max, 100) : max);
            byte[] stream = stream(bodies);
            List<Integer> sizes = cut(stream, bodies, cut, random);
            String setting = "Frames of lengths " + lengths(bodies) + " (limit " + max + ") were written to a real"
                    + " socket in " + sizes.size() + " writes (" + describe(cut) + ")";
            try (SocketPair pair = SocketPair.open()) {
                FrameDecoder decoder = new FrameDecoder(max);
                WatchedChannel watched = new WatchedChannel(pair.reader());
                List<byte[]> decoded = new ArrayList<>();
                int sent = 0;
                for (int size : sizes) {
                    pair.write(stream, sent, size);
                    sent += size;
                    pair.awaitReadable(setting);
                    decoded.addAll(readChecked(decoder, watched, setting));
                }
                pair.endWriting();
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SOCKET_WAIT_MILLIS);
                while (!decoder.ended() && System.nanoTime() < deadline) {
                    pair.awaitReadable(setting);
                    decoded.addAll(readChecked(decoder, watched, setting));
                }
                assertSameFrames(bodies, decoded, setting + ", then the writer shut its side down");
                assertTrue(decoder.ended(), setting + ", then the writer shut its side down, and after "
                        + SOCKET_WAIT_MILLIS + " ms ended() was still false: a read that returns -1 ends the stream.");
            }
        }
    }

    @Test
    @Order(15)
    @Tag("hint:3")
    void throwsEofFromARealSocketThatClosesInsideAFrame(Random random) throws IOException {
        int max = 10 + random.nextInt(500);
        List<byte[]> bodies = bodies(random, 1 + random.nextInt(5), max);
        byte[] last = body(random, 4 + random.nextInt(max - 3));
        int kept = 4 + random.nextInt(last.length);
        byte[] whole = concat(stream(bodies), frame(last));
        byte[] cutShort = Arrays.copyOf(whole, whole.length - (4 + last.length) + kept);
        int frameNumber = bodies.size() + 1;
        int missing = 4 + last.length - kept;
        String setting = "A real socket carried " + bodies.size() + " whole frame(s) and then " + (kept - 4) + " of the "
                + last.length + " bytes of frame " + frameNumber + " before the writer shut its side down";
        try (SocketPair pair = SocketPair.open()) {
            FrameDecoder decoder = new FrameDecoder(max);
            WatchedChannel watched = new WatchedChannel(pair.reader());
            pair.write(cutShort, 0, cutShort.length);
            pair.endWriting();
            Throwable thrown = null;
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SOCKET_WAIT_MILLIS);
            try {
                while (!decoder.ended() && System.nanoTime() < deadline) {
                    pair.awaitReadable(setting);
                    watched.startCall();
                    decoder.readFrom(watched);
                }
            } catch (Throwable e) {
                thrown = e;
            }
            watched.rethrowProblem();
            if (!(thrown instanceof EOFException) || !containsNumber(thrown.getMessage(), missing)
                    || !Pattern.compile("\\bframe " + frameNumber + "\\b").matcher(thrown.getMessage()).find()) {
                fail(setting + ". readFrom() " + (thrown == null ? "never threw" : "threw " + thrown) + "; it must throw"
                        + " EOFException naming \"frame " + frameNumber + "\" and the " + missing + " missing bytes.");
            }
        }
    }

    // ---- checks ----

    /** How much CPU time one feed() may take before the test calls it a loop that does not end. */
    private static final long FEED_CPU_NANOS = TimeUnit.MILLISECONDS.toNanos(300);
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static ExecutorService feeder;
    private static Thread feederThread;

    /**
     * Runs {@code decoder.feed(chunk)} on a thread of the test's own and returns what it returned, or throws
     * what it threw. A right answer takes a few milliseconds at most for any chunk of these tests; one that
     * loops without end is caught after {@link #FEED_CPU_NANOS} of its thread's CPU time, not of the clock,
     * so a busy machine, which only slows a thread, cannot make a right answer look like a hang.
     * {@code setting} says what was fed, and {@code note} ends that failure's message.
     */
    private static List<byte[]> feedWatched(FrameDecoder decoder, ByteBuffer chunk, String setting, String note) {
        return watched(() -> decoder.feed(chunk), setting, note);
    }

    /**
     * Feeds {@code stream} to {@code decoder} in chunks of {@code sizes} bytes (each a slice of its own), adds the
     * frames returned to {@code decoded}, and returns how many bytes the feeding thread allocated inside those
     * feed() calls, the frames included; -1 where this JVM does not count a thread's allocations.
     */
    private static long allocatedFeeding(FrameDecoder decoder, byte[] stream, List<Integer> sizes, List<byte[]> decoded,
            String setting) {
        long total = 0;
        int fed = 0;
        for (int size : sizes) {
            ByteBuffer chunk = ByteBuffer.wrap(stream, fed, size).slice();
            long[] allocated = new long[1];
            decoded.addAll(watched(() -> {
                long before = allocatedHere();
                List<byte[]> frames = decoder.feed(chunk);
                allocated[0] = before < 0 ? -1 : allocatedHere() - before;
                return frames;
            }, setting, ""));
            total = total < 0 || allocated[0] < 0 ? -1 : total + allocated[0];
            fed += size;
        }
        return total;
    }

    /** The bytes the calling thread has allocated so far, or -1 where this JVM does not count them. */
    private static long allocatedHere() {
        return THREADS instanceof com.sun.management.ThreadMXBean counting && counting.isThreadAllocatedMemorySupported()
                && counting.isThreadAllocatedMemoryEnabled() ? counting.getCurrentThreadAllocatedBytes() : -1;
    }

    /** Runs {@code call} as {@link #feedWatched} runs feed(). */
    private static <T> T watched(Callable<T> call, String setting, String note) {
        if (feeder == null) {
            feeder = Executors.newSingleThreadExecutor(task -> {
                feederThread = new Thread(task, "feed");
                feederThread.setDaemon(true); // one that hangs must not keep the JVM alive
                return feederThread;
            });
        }
        Future<T> result = feeder.submit(call);
        long cpuBefore = THREADS.getThreadCpuTime(feederThread.threadId()); // started by submit(), if it was new
        boolean watched = THREADS.isThreadCpuTimeSupported() && THREADS.isThreadCpuTimeEnabled();
        while (true) {
            try {
                return result.get(5, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException runtime) {
                    throw runtime;
                }
                if (e.getCause() instanceof Error error) {
                    throw error;
                }
                throw new AssertionError(setting + ": feed() threw " + e.getCause(), e.getCause());
            } catch (TimeoutException e) {
                long used = THREADS.getThreadCpuTime(feederThread.threadId()) - cpuBefore;
                if (watched && used > FEED_CPU_NANOS) {
                    feeder = null; // its thread is stuck in feed(): the next call gets a new one
                    fail(setting + ": feed() did not return; it was still running after "
                            + TimeUnit.NANOSECONDS.toMillis(used) + " ms of CPU time, where a right answer needs a few"
                            + " milliseconds at most. A loop in it does not end." + note);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(setting + ": the test was interrupted", e);
            }
        }
    }

    /** {@code longest}: the longest frame of the stream the chunk is part of, for the story of a feed() that hangs. */
    private static List<byte[]> feedChecked(FrameDecoder decoder, ByteBuffer chunk, String what, int max, int longest) {
        int limit = chunk.limit();
        List<byte[]> frames;
        try {
            frames = feedWatched(decoder, chunk, "A decoder with a limit of " + max + " was fed " + what,
                    longest > max - 4 ? " This stream has a frame of " + longest + " bytes, which with its 4-byte"
                    + " length takes " + (4L + longest) + " bytes of the decoder's buffer: a decoder must have room for"
                    + " maxFrameBytes + 4 bytes, " + (4L + max) + " here." : "");
        } catch (UnsupportedOperationException e) { // ReadOnlyBufferException too
            throw new AssertionError("feed() of " + what + " threw " + e + ". The chunk was a "
                    + (chunk.isDirect() ? "direct" : "read-only") + " buffer, which has no array() to reach into: read"
                    + " its bytes with the buffer's own get() or put(ByteBuffer) methods.", e);
        } catch (IllegalArgumentException e) {
            if (e.getStackTrace().length > 0 && e.getStackTrace()[0].getClassName().startsWith("java.nio.")) {
                // ByteBuffer.allocate refusing a capacity, not the decoder refusing a length
                throw new AssertionError("feed() of " + what + " threw " + e + " when it allocated a buffer (limit "
                        + max + ")" + (4L + max > Integer.MAX_VALUE ? ". For this limit, maxFrameBytes + 4 is more than"
                        + " an int holds: in int arithmetic it comes out negative." : "."), e);
            }
            throw new AssertionError("feed() of " + what + " threw " + e + ", though every frame of this stream"
                    + " declared a length from 0 to the limit, " + max + ". Either a length of exactly the limit was"
                    + " refused (it is allowed), or a length was read from the wrong bytes or in the wrong order: a"
                    + " length is the first 4 bytes of a frame, big-endian, and the bytes of a frame that is not"
                    + " complete yet, its length included, wait for the next chunk.", e);
        }
        if (frames == null) {
            fail("feed() of " + what + " returned null; return an empty list when no frame is complete.");
        }
        if (chunk.position() != limit || chunk.limit() != limit) {
            fail("feed() of " + what + " left the chunk at position " + chunk.position() + ", limit " + chunk.limit()
                    + "; it must consume all of it: position = limit = " + limit + ".");
        }
        return frames;
    }

    private static List<byte[]> readChecked(FrameDecoder decoder, WatchedChannel channel, String setting)
            throws IOException {
        channel.startCall();
        List<byte[]> frames;
        try {
            frames = decoder.readFrom(channel);
        } catch (RuntimeException | IOException e) {
            channel.rethrowProblem();
            throw new AssertionError(setting + ". readFrom() threw " + e + (e instanceof EOFException
                    ? ", but no frame was cut short: a -1 read with no bytes of an unfinished frame held is a clean"
                    + " end. Set ended() and return the frames."
                    : e instanceof IllegalArgumentException ? ", though every frame declared a length within the"
                    + " limit: a length was read from the wrong bytes, or in the wrong order." : "."), e);
        }
        channel.rethrowProblem();
        if (frames == null) {
            fail(setting + ". readFrom() returned null; return an empty list when no frame is complete.");
        }
        if (!channel.sawZeroThisCall() && !channel.sawEnd()) {
            fail(setting + ". readFrom() returned after " + channel.readsThisCall() + " read(s), none of which returned"
                    + " 0 or -1: there may be more bytes waiting. Read until a read returns 0.");
        }
        return frames;
    }

    private static void assertRefusesLimit(int negative) {
        try {
            new FrameDecoder(negative);
        } catch (IllegalArgumentException expected) {
            return;
        }
        fail("new FrameDecoder(" + negative + ") returned normally; a negative limit must throw IllegalArgumentException.");
    }

    private static void assertSameFrames(List<byte[]> expected, List<byte[]> actual, String setting) {
        for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
            if (!Arrays.equals(expected.get(i), actual.get(i))) {
                fail(setting + ": frame " + (i + 1) + " came out wrong, " + difference(expected.get(i), actual.get(i))
                        + ". Expected frames of lengths " + lengths(expected) + ", got " + lengths(actual) + ".");
            }
        }
        if (expected.size() != actual.size()) {
            fail(setting + ": expected " + expected.size() + " frames, of lengths " + lengths(expected) + ", got "
                    + actual.size() + ", of lengths " + lengths(actual) + ".");
        }
    }

    private static String difference(byte[] expected, byte[] actual) {
        if (expected.length != actual.length) {
            return "its length was " + actual.length + " where " + expected.length + " was sent";
        }
        int at = Arrays.mismatch(expected, actual);
        return "its byte " + at + " was " + show(actual[at]) + " where " + show(expected[at]) + " was sent";
    }

    private static String show(byte b) {
        return b >= 33 && b < 127 ? "'" + (char) b + "'" : Integer.toString(b & 0xff);
    }

    private static boolean containsNumber(String message, long number) {
        return message != null && Pattern.compile("(?<![0-9-])" + Pattern.quote(Long.toString(number)) + "(?![0-9])")
                .matcher(message.replace(",", "")).find();
    }
}
