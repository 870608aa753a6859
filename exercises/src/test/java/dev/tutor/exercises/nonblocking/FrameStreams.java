package dev.tutor.exercises.nonblocking;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;

/**
 * The streams of frames {@link FrameDecoderTest} decodes, drawn from its seed: the frames' bodies, the stream
 * they make, how it is cut into chunks, the kind of buffer each chunk comes in, and the lengths the failure
 * messages show. Not a test itself.
 */
final class FrameStreams {
    /** How a stream is cut into chunks. */
    enum Cut { ONE_BYTE, RANDOM, SEVERAL_FRAMES, INSIDE_LENGTHS }

    /** The kind of buffer a chunk comes in. */
    enum Kind { HEAP, HEAP_WITH_OFFSET, DIRECT, READ_ONLY }

    private FrameStreams() {
    }

    /** Random bodies of 0 to max bytes; among them, when there are two or more, an empty one and one of exactly max. */
    static List<byte[]> bodies(Random random, int count, int max) {
        List<byte[]> bodies = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            bodies.add(body(random, random.nextInt(max + 1)));
        }
        if (count >= 2) {
            bodies.set(random.nextInt(count), new byte[0]);
        }
        if (count >= 3) {
            int at = random.nextInt(count);
            if (bodies.get(at).length > 0) {
                bodies.set(at, body(random, max));
            }
        }
        return bodies;
    }

    static byte[] body(Random random, int length) {
        byte[] body = new byte[length];
        random.nextBytes(body);
        return body;
    }

    static byte[] frame(byte[] body) {
        return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
    }

    static byte[] stream(List<byte[]> bodies) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        bodies.forEach(body -> out.writeBytes(frame(body)));
        return out.toByteArray();
    }

    static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    static int framesCompleteIn(List<byte[]> bodies, long bytes) {
        int complete = 0;
        long end = 0;
        for (byte[] body : bodies) {
            end += 4 + body.length;
            if (end > bytes) {
                break;
            }
            complete++;
        }
        return complete;
    }

    /** The sizes of the chunks a stream is cut into. */
    static List<Integer> cut(byte[] stream, List<byte[]> bodies, Cut cut, Random random) {
        List<Integer> sizes = new ArrayList<>();
        int longest = bodies.stream().mapToInt(b -> b.length + 4).max().orElse(4);
        switch (cut) {
            case ONE_BYTE -> {
                for (int i = 0; i < stream.length; i++) {
                    sizes.add(1);
                }
            }
            case RANDOM -> {
                for (int at = 0; at < stream.length; ) {
                    int size = Math.min(stream.length - at, 1 + random.nextInt(2 * longest));
                    sizes.add(size);
                    at += size;
                }
            }
            case SEVERAL_FRAMES -> {
                for (int at = 0; at < stream.length; ) {
                    int size = Math.min(stream.length - at, longest * (2 + random.nextInt(3)) + random.nextInt(4));
                    sizes.add(size);
                    at += size;
                }
            }
            case INSIDE_LENGTHS -> { // every cut falls 1 to 3 bytes into a frame's 4-byte length
                int at = 0;
                int end = 0;
                for (byte[] body : bodies) {
                    int cutAt = end + 1 + random.nextInt(3);
                    sizes.add(cutAt - at);
                    at = cutAt;
                    end += 4 + body.length;
                }
                sizes.add(stream.length - at);
            }
        }
        sizes.removeIf(size -> size == 0);
        return sizes;
    }

    static String describe(Cut cut) {
        return switch (cut) {
            case ONE_BYTE -> "one byte at a time";
            case RANDOM -> "random pieces";
            case SEVERAL_FRAMES -> "several frames and a part of one per chunk";
            case INSIDE_LENGTHS -> "every cut 1 to 3 bytes into a 4-byte length";
        };
    }

    static ByteBuffer chunk(byte[] bytes, Kind kind, Random random) {
        return switch (kind) {
            case HEAP -> ByteBuffer.wrap(bytes.clone());
            case HEAP_WITH_OFFSET -> offsetChunk(bytes, random, random::nextBoolean);
            case DIRECT -> ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
            case READ_ONLY -> ByteBuffer.wrap(bytes.clone()).asReadOnlyBuffer();
        };
    }

    /** {@code bytes} inside a larger array, wrapped at their offset or, where {@code slice} says so, sliced. */
    static ByteBuffer offsetChunk(byte[] bytes, Random random, BooleanSupplier slice) {
        int before = 1 + random.nextInt(16);
        byte[] larger = new byte[before + bytes.length + 1 + random.nextInt(16)];
        Arrays.fill(larger, (byte) '#');
        System.arraycopy(bytes, 0, larger, before, bytes.length);
        ByteBuffer wrapped = ByteBuffer.wrap(larger, before, bytes.length);
        return slice.getAsBoolean() ? wrapped.slice() : wrapped;
    }

    static int longest(List<byte[]> frames) {
        return frames.stream().mapToInt(frame -> frame.length).max().orElse(0);
    }

    static List<Integer> lengths(List<byte[]> frames) {
        return frames.stream().map(frame -> frame.length).toList();
    }
}
