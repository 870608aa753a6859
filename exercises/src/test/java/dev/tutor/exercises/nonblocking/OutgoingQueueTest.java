package dev.tutor.exercises.nonblocking;

import static org.junit.jupiter.api.Assertions.fail;

import dev.tutor.exercises.support.Seeded;
import dev.tutor.runtime.net.LoopbackServer;
import dev.tutor.runtime.net.ServerOptions;
import dev.tutor.runtime.net.SlowReadingServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Grades {@link OutgoingQueue}: first {@code offer} and its limit (hint 1), then {@code flushTo} against a
 * channel the test controls (hint 2), then, with both in place, that the queue kept a copy of what it was
 * offered (hint 1) and frees room under the limit as bytes go out, long random runs, a channel that fails,
 * and a real non-blocking socket to the bundled slow-reading server (hint 3).
 *
 * <p>The test's channel plays a socket's send buffer: each write takes a random amount of what it is
 * handed, never more than the room the test gave it, and 0 once the room is used up. A second write in the
 * same flush after one that took 0 throws at once: on a real socket that loop spins at 100 % CPU until
 * the peer reads.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 10, unit = TimeUnit.SECONDS)
@ExtendWith(Seeded.class)
class OutgoingQueueTest {

    /** How long the real socket may stay full before the test gives up on the server. */
    private static final int SOCKET_WAIT_MILLIS = 3_000;

    private enum Kind { HEAP, HEAP_WITH_OFFSET, SLICE, DIRECT, READ_ONLY }

    // ---- offer: hint 1 ----

    @Test
    @Order(1)
    @Tag("hint:1")
    void countsTheBytesOfferedAndConsumesTheCallersBuffer(Random random) {
        OutgoingQueue queue = new OutgoingQueue(1_000_000);
        long total = 0;
        for (int i = 0; i < 40; i++) {
            Kind kind = Kind.values()[i % Kind.values().length];
            byte[] bytes = bytes(random, random.nextInt(2000));
            ByteBuffer data = buffer(bytes, kind, random);
            int limit = data.limit();
            boolean accepted = offer(queue, data, kind);
            total += bytes.length;
            if (!accepted) {
                fail("offer() of " + bytes.length + " bytes to a queue with a limit of 1,000,000 holding " + (total
                        - bytes.length) + " returned false; refuse only what would pass the limit.");
            }
            if (data.position() != limit) {
                fail("After offer() took the " + bytes.length + " bytes of a " + kind + " buffer, its position was "
                        + data.position() + "; it must be at its limit, " + limit + ", as after a write: the bytes are"
                        + " consumed.");
            }
            if (queue.pendingBytes() != total) {
                fail("After offers of " + total + " bytes in all and no flush, pendingBytes() returned "
                        + queue.pendingBytes() + ".");
            }
        }
    }

    @Test
    @Order(2)
    @Tag("hint:1")
    void refusesWhatWouldPassTheLimitAndNothingElse(Random random) throws IOException {
        OutgoingQueue nothing = new OutgoingQueue(0);
        if (!offer(nothing, ByteBuffer.allocate(0), Kind.HEAP) || offer(nothing, ByteBuffer.allocate(1), Kind.HEAP)) {
            fail("new OutgoingQueue(0) must accept an offer of 0 bytes and refuse one of 1 byte.");
        }
        int negative = -1 - random.nextInt(100);
        try {
            new OutgoingQueue(negative);
            fail("new OutgoingQueue(" + negative + ") returned normally; a negative limit must throw"
                    + " IllegalArgumentException.");
        } catch (IllegalArgumentException expected) {
            // a negative limit makes no sense
        }
        for (int round = 0; round < 30; round++) {
            int limit = 1 + random.nextInt(5000);
            OutgoingQueue queue = new OutgoingQueue(limit);
            List<Integer> offers = new ArrayList<>();
            int held = 0;
            while (held < limit) {
                int size = Math.min(limit - held, 1 + random.nextInt(limit));
                offers.add(size);
                if (!offer(queue, buffer(bytes(random, size), Kind.HEAP, random), Kind.HEAP)) {
                    fail("new OutgoingQueue(" + limit + ") refused an offer of " + size + " bytes after offers of "
                            + offers.subList(0, offers.size() - 1) + " bytes: that makes " + sum(offers) + ", within the"
                            + " limit. Exactly the limit is allowed.");
                }
                held += size;
            }
            String full = "new OutgoingQueue(" + limit + ") holding exactly " + limit + " bytes (offers of " + offers + ")";
            int extra = 1 + random.nextInt(100);
            byte[] over = bytes(random, extra);
            ByteBuffer refused = ByteBuffer.wrap(over.clone());
            if (offer(queue, refused, Kind.HEAP)) {
                fail(full + " accepted an offer of " + extra + " more byte(s); it must refuse what would pass the limit.");
            }
            if (refused.position() != 0 || queue.pendingBytes() != limit) {
                fail(full + " refused an offer of " + extra + " byte(s), and then the offered buffer's position was "
                        + refused.position() + " and pendingBytes() " + queue.pendingBytes() + ". A refused offer queues"
                        + " nothing and leaves the buffer as it was: position 0, pendingBytes() " + limit + ".");
            }
            if (!offer(queue, ByteBuffer.allocate(0), Kind.HEAP)) {
                fail(full + " refused an offer of 0 bytes, which passes no limit.");
            }
        }
    }

    // ---- flushTo: hint 2 ----

    @Test
    @Order(3)
    @Tag("hint:2")
    void writesEverythingInOrderWhenTheChannelTakesIt(Random random) throws IOException {
        for (int round = 0; round < 30; round++) {
            OutgoingQueue queue = new OutgoingQueue(1 << 20);
            ByteArrayOutputStream offered = new ByteArrayOutputStream();
            List<Integer> sizes = new ArrayList<>();
            for (int i = 0, count = 1 + random.nextInt(12); i < count; i++) {
                byte[] bytes = bytes(random, random.nextInt(3) == 0 ? 0 : 1 + random.nextInt(3000));
                sizes.add(bytes.length);
                offer(queue, buffer(bytes, Kind.HEAP, random), Kind.HEAP);
                offered.writeBytes(bytes);
            }
            ScriptedSink sink = new ScriptedSink(random);
            sink.giveRoom(Integer.MAX_VALUE);
            String setting = "Offers of " + sizes + " bytes, then flushTo() a channel with room for all of them, which"
                    + " takes a random part of each buffer it is handed";
            boolean done = flush(queue, sink);
            if (sink.emptyWrites() > 0) {
                fail(setting + ": flushTo() handed write() a buffer with nothing in it " + sink.emptyWrites()
                        + " time(s), and such a write returns 0 as a full socket does. Write only what is left to"
                        + " send; an offer of 0 bytes queues nothing.");
            }
            if (!done && sink.room() > 0) {
                fail(setting + ": flushTo() returned false after " + sink.writes() + " write(s), the last of which took "
                        + sink.lastTook() + " bytes, while the channel still had room. A write that takes some of the"
                        + " bytes, or all of one buffer, does not mean the next will take none: keep writing until"
                        + " the queue is empty or a write takes 0.");
            }
            assertSameBytes(offered.toByteArray(), sink.received(), setting);
            if (!done || queue.pendingBytes() != 0) {
                fail(setting + ": everything went out, and flushTo() returned " + done + " with pendingBytes() "
                        + queue.pendingBytes() + ". It must return true, and pendingBytes() must be 0.");
            }
        }
    }

    @Test
    @Order(4)
    @Tag("hint:2")
    void stopsAtTheFirstWriteThatTakesNothing(Random random) throws IOException {
        for (int round = 0; round < 30; round++) {
            OutgoingQueue queue = new OutgoingQueue(1 << 20);
            ByteArrayOutputStream offered = new ByteArrayOutputStream();
            for (int i = 0, count = 1 + random.nextInt(6); i < count; i++) {
                byte[] bytes = bytes(random, 1 + random.nextInt(3000));
                offer(queue, buffer(bytes, Kind.HEAP, random), Kind.HEAP);
                offered.writeBytes(bytes);
            }
            int total = offered.size();
            int room = round % 3 == 0 ? 0 : random.nextInt(total);
            ScriptedSink sink = new ScriptedSink(random);
            sink.giveRoom(room);
            String setting = total + " bytes queued, and flushTo() a channel with room for " + room + " of them";
            boolean done = flush(queue, sink);
            if (done) {
                fail(setting + " returned true; " + (total - sink.received().length) + " bytes were still waiting, so it"
                        + " must return false.");
            }
            if (sink.room() > 0) {
                fail(setting + " returned false after " + sink.writes() + " write(s), the last of which took "
                        + sink.lastTook() + " bytes, while the channel still had room for " + sink.room() + ". A write"
                        + " that takes some of the bytes does not mean the next will take none: keep writing until a"
                        + " write takes 0.");
            }
            if (queue.pendingBytes() != total - room) {
                fail(setting + ": the channel took " + room + " bytes, and pendingBytes() returned "
                        + queue.pendingBytes() + " instead of " + (total - room) + ".");
            }
            assertSameBytes(Arrays.copyOf(offered.toByteArray(), room), sink.received(), setting);
        }
    }

    @Test
    @Order(5)
    @Tag("hint:2")
    void writesNothingWhenNothingIsPending(Random random) throws IOException {
        OutgoingQueue queue = new OutgoingQueue(1000);
        ScriptedSink sink = new ScriptedSink(random);
        sink.giveRoom(1000);
        if (!flush(queue, sink) || sink.writes() > 0) {
            fail("flushTo() on an empty queue must return true without calling write(); it called write() "
                    + sink.writes() + " time(s). Lesson 9 asks the OS for \"room to write\" only while something is"
                    + " left, and a queue that writes with nothing to send wastes a call per turn.");
        }
        offer(queue, ByteBuffer.allocate(0), Kind.HEAP);
        offer(queue, ByteBuffer.allocateDirect(0), Kind.DIRECT);
        if (!flush(queue, sink) || sink.writes() > 0) {
            fail("After two offers of 0 bytes, flushTo() must return true without calling write(); it called write() "
                    + sink.writes() + " time(s). An offer of 0 bytes queues nothing.");
        }
    }

    // ---- the copy, the room a write frees ----

    @Test
    @Order(6)
    @Tag("hint:1")
    void keepsACopyOfTheOfferedBytesNotTheCallersBuffer(Random random) throws IOException {
        for (Kind kind : Kind.values()) {
            OutgoingQueue queue = new OutgoingQueue(100_000);
            ByteArrayOutputStream offered = new ByteArrayOutputStream();
            for (int i = 0; i < 8; i++) {
                byte[] bytes = bytes(random, 1 + random.nextInt(500));
                ByteBuffer data = buffer(bytes, kind, random);
                offer(queue, data, kind);
                offered.writeBytes(bytes);
                scribble(data); // the caller reuses its buffer at once
            }
            ScriptedSink sink = new ScriptedSink(random);
            sink.giveRoom(Integer.MAX_VALUE);
            flush(queue, sink);
            String setting = "Eight offers from " + kind + " buffers, each overwritten with '#' by the caller right"
                    + " after offer() returned, then one flush to a channel with room for everything";
            byte[] received = sink.received();
            for (int i = 0; i < received.length; i++) {
                if (received[i] == '#') {
                    fail(setting + ": byte " + i + " that reached the channel was '#', which the caller wrote into its"
                            + " own buffer after offer() had returned. The queue kept the caller's buffer, or a view"
                            + " of it such as duplicate() or slice(), which share its bytes; keep a copy.");
                }
            }
            assertSameBytes(offered.toByteArray(), received, setting);
        }
    }

    @Test
    @Order(7)
    @Tag("hint:3")
    void makesRoomUnderTheLimitForWhatWasWritten(Random random) throws IOException {
        for (int round = 0; round < 30; round++) {
            int limit = 1 + random.nextInt(5000);
            OutgoingQueue queue = new OutgoingQueue(limit);
            List<Integer> offers = new ArrayList<>();
            int held = 0;
            while (held < limit) {
                int size = Math.min(limit - held, 1 + random.nextInt(limit));
                offers.add(size);
                if (!offer(queue, buffer(bytes(random, size), Kind.HEAP, random), Kind.HEAP)) {
                    fail("new OutgoingQueue(" + limit + ") refused an offer of " + size + " bytes after offers of "
                            + offers.subList(0, offers.size() - 1) + " bytes, within the limit.");
                }
                held += size;
            }
            String full = "new OutgoingQueue(" + limit + ") holding exactly " + limit + " bytes (offers of " + offers + ")";
            ScriptedSink sink = new ScriptedSink(random);
            int room = 1 + random.nextInt(limit);
            sink.giveRoom(room);
            flush(queue, sink);
            int freed = sink.received().length;
            if (!offer(queue, buffer(bytes(random, freed), Kind.HEAP, random), Kind.HEAP)) {
                fail(full + " wrote " + freed + " bytes to a channel, and then refused an offer of " + freed + " bytes."
                        + " What has been written no longer counts against the limit.");
            }
            if (offer(queue, ByteBuffer.allocate(1), Kind.HEAP)) {
                fail(full + " wrote " + freed + " bytes to a channel and accepted " + freed + " new ones, and then"
                        + " accepted one byte more, which passes the limit.");
            }
        }
    }

    // ---- long runs, failures, a real socket: hint 3 ----

    @Test
    @Order(8)
    @Tag("hint:3")
    void keepsOrderAndContentOverManyOffersAndPartialFlushes(Random random) throws IOException {
        for (int round = 0; round < 12; round++) {
            int limit = 1 + random.nextInt(12_000);
            OutgoingQueue queue = new OutgoingQueue(limit);
            ScriptedSink sink = new ScriptedSink(random);
            ByteArrayOutputStream accepted = new ByteArrayOutputStream();
            List<String> steps = new ArrayList<>();
            for (int step = 0; step < 60; step++) {
                if (random.nextBoolean()) {
                    Kind kind = Kind.values()[random.nextInt(Kind.values().length)];
                    byte[] bytes = bytes(random, random.nextInt(limit / 3 + 2));
                    ByteBuffer data = buffer(bytes, kind, random);
                    boolean fits = queue.pendingBytes() + bytes.length <= limit;
                    int pendingBefore = queue.pendingBytes();
                    boolean took = offer(queue, data, kind);
                    steps.add("offer " + bytes.length + (took ? "" : " (refused)"));
                    if (took != fits) {
                        fail("new OutgoingQueue(" + limit + ") after " + steps + ": offer() of " + bytes.length
                                + " bytes with " + pendingBefore + " pending returned " + took + "; it must return "
                                + fits + ".");
                    }
                    if (took) {
                        accepted.writeBytes(bytes);
                    }
                    scribble(data);
                } else {
                    int room = random.nextInt(4) == 0 ? 0 : random.nextInt(limit / 2 + 2);
                    sink.giveRoom(room);
                    boolean done = flush(queue, sink);
                    steps.add("flush with room " + room + (done ? " (done)" : ""));
                    String setting = "new OutgoingQueue(" + limit + ") after " + steps;
                    int written = sink.received().length;
                    if (queue.pendingBytes() != accepted.size() - written) {
                        fail(setting + ": " + accepted.size() + " bytes were accepted and " + written + " written,"
                                + " and pendingBytes() returned " + queue.pendingBytes() + ".");
                    }
                    if (done != (queue.pendingBytes() == 0)) {
                        fail(setting + ": flushTo() returned " + done + " with " + queue.pendingBytes() + " bytes"
                                + " pending; true means nothing is left.");
                    }
                    if (!done && sink.room() > 0) {
                        fail(setting + ": flushTo() returned false while the channel still had room for "
                                + sink.room() + " bytes; keep writing until a write takes 0.");
                    }
                    assertSameBytes(Arrays.copyOf(accepted.toByteArray(), written), sink.received(), setting);
                }
            }
        }
    }

    @Test
    @Order(9)
    @Tag("hint:3")
    void keepsWhatAFailingChannelDidNotTake(Random random) throws IOException {
        for (int round = 0; round < 30; round++) {
            OutgoingQueue queue = new OutgoingQueue(1 << 20);
            ByteArrayOutputStream offered = new ByteArrayOutputStream();
            for (int i = 0, count = 2 + random.nextInt(6); i < count; i++) {
                byte[] bytes = bytes(random, 1 + random.nextInt(1000));
                offer(queue, buffer(bytes, Kind.HEAP, random), Kind.HEAP);
                offered.writeBytes(bytes);
            }
            ScriptedSink failing = new ScriptedSink(random);
            failing.giveRoom(Integer.MAX_VALUE);
            int failAt = 1 + random.nextInt(6);
            failing.failAtWrite(failAt);
            String setting = offered.size() + " bytes queued, then flushTo() a channel whose write number " + failAt
                    + " throws IOException";
            IOException thrown = null;
            boolean done = false;
            try {
                done = flush(queue, failing);
            } catch (IOException e) {
                thrown = e;
            }
            if (failing.writes() >= failAt && thrown == null) {
                fail(setting + " returned " + done + ". The IOException must reach the caller, who has to drop the"
                        + " broken connection.");
            }
            int written = failing.received().length;
            if (queue.pendingBytes() != offered.size() - written) {
                fail(setting + ": the channel took " + written + " bytes before it threw, and pendingBytes() returned "
                        + queue.pendingBytes() + " instead of " + (offered.size() - written) + ".");
            }
            ScriptedSink healthy = new ScriptedSink(random);
            healthy.giveRoom(Integer.MAX_VALUE);
            flush(queue, healthy);
            byte[] both = Arrays.copyOf(failing.received(), written + healthy.received().length);
            System.arraycopy(healthy.received(), 0, both, written, healthy.received().length);
            assertSameBytes(offered.toByteArray(), both, setting + ", then flushTo() a healthy channel: the two together"
                    + " must have received every byte once, in order");
        }
    }

    @Test
    @Order(10)
    @Tag("hint:3")
    void deliversEverythingToTheSlowReadingServer(Random random) throws IOException {
        int limit = 8 * 1024 + random.nextInt(32 * 1024);
        int total = 64 * 1024 + random.nextInt(64 * 1024);
        try (LoopbackServer server = SlowReadingServer.start(ServerOptions.defaults().withDelay(Duration.ofMillis(1)));
             SocketChannel socket = SocketChannel.open();
             Selector selector = Selector.open()) {
            socket.setOption(StandardSocketOptions.SO_SNDBUF, 4096); // so the socket fills up soon
            socket.connect(server.address());
            socket.configureBlocking(false);
            SelectionKey key = socket.register(selector, 0);
            OutgoingQueue queue = new OutgoingQueue(limit);
            SocketSink sink = new SocketSink(socket);
            byte[] all = bytes(random, total);
            int offered = 0;
            int partialFlushes = 0;
            String setting = "new OutgoingQueue(" + limit + ") carrying " + total + " bytes to the slow-reading server"
                    + " (it reads 1 KiB per millisecond; this socket's send buffer is small)";
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(10 * SOCKET_WAIT_MILLIS);
            while (offered < total || queue.pendingBytes() > 0) {
                while (offered < total) {
                    int size = Math.min(total - offered, 1 + random.nextInt(4096));
                    boolean fits = queue.pendingBytes() + size <= limit;
                    if (offer(queue, ByteBuffer.wrap(all, offered, size), Kind.HEAP) != fits) {
                        fail(setting + ": offer() of " + size + " bytes with " + queue.pendingBytes() + " pending must"
                                + " return " + fits + ".");
                    }
                    if (!fits) {
                        break;
                    }
                    offered += size;
                }
                sink.startFlush();
                boolean done = queue.flushTo(sink);
                sink.rethrowProblem();
                if (!done) {
                    partialFlushes++;
                    key.interestOps(SelectionKey.OP_WRITE); // the test waits for room; the queue must not
                    selector.selectedKeys().clear();
                    if (selector.select(SOCKET_WAIT_MILLIS) == 0) {
                        fail(setting + ": the socket had no room for " + SOCKET_WAIT_MILLIS + " ms.");
                    }
                    key.interestOps(0);
                }
                if (System.nanoTime() > deadline) {
                    fail(setting + ": after " + 10 * SOCKET_WAIT_MILLIS + " ms, " + sink.sent() + " bytes were sent.");
                }
            }
            assertSameBytes(all, sink.sentBytes(), setting);
            socket.shutdownOutput();
            String answer = readAnswer(socket, selector, key);
            if (!answer.equals("received " + total + " bytes")) {
                fail(setting + ": flushTo() returned false " + partialFlushes + " time(s) and finally true, and the server"
                        + " answered \"" + answer + "\" where it should have said \"received " + total + " bytes\".");
            }
        }
    }

    // ---- helpers ----

    // ---- the limit near the top of int: hint 1, last, since it maps a file ----

    /**
     * What is held and what is offered are ints each, and their sum can pass Integer.MAX_VALUE. The offers here
     * are read-only maps of a sparse file of about 2 GiB, which take no memory until read: a queue that adds the
     * two as ints sees a negative sum, accepts, and runs out of memory copying them (a crash in this test).
     */
    @Test
    @Order(11)
    @Tag("hint:1")
    void refusesAnOfferPastTheLimitWhateverItsSize(Random random) throws IOException {
        Path sparse = Files.createTempFile("outgoing-queue", ".sparse");
        try (FileChannel file = FileChannel.open(sparse, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            file.write(ByteBuffer.wrap(new byte[] {1}), Integer.MAX_VALUE - 1L);
            for (int limit : new int[] {1 + random.nextInt(5000), Integer.MAX_VALUE - random.nextInt(1_000)}) {
                OutgoingQueue queue = new OutgoingQueue(limit);
                int held = 1 + random.nextInt(Math.min(limit, 5000));
                // held + size passes Integer.MAX_VALUE, and so every limit.
                int size = Integer.MAX_VALUE - random.nextInt(held);
                if (!offer(queue, ByteBuffer.allocate(held), Kind.HEAP)) {
                    fail("new OutgoingQueue(" + limit + ") refused an offer of " + held + " bytes, within its limit.");
                }
                ByteBuffer offered = file.map(FileChannel.MapMode.READ_ONLY, 0, size);
                String setting = "new OutgoingQueue(" + limit + ") holding " + held + " bytes was offered " + size
                        + " more (a read-only map of a file): " + held + " + " + size + " = " + ((long) held + size)
                        + ", past the limit";
                if (offer(queue, offered, Kind.READ_ONLY)) {
                    fail(setting + ", and it accepted. Added as ints the two wrap around to " + (held + size)
                            + ": add them as longs.");
                }
                if (offered.position() != 0 || queue.pendingBytes() != held) {
                    fail(setting + ". It refused, and then the offered buffer's position was " + offered.position()
                            + " and pendingBytes() " + queue.pendingBytes() + "; a refused offer queues nothing and"
                            + " leaves the buffer as it was: position 0, pendingBytes() " + held + ".");
                }
            }
        } finally {
            Files.deleteIfExists(sparse);
        }
    }

    private static boolean offer(OutgoingQueue queue, ByteBuffer data, Kind kind) {
        try {
            return queue.offer(data);
        } catch (UnsupportedOperationException e) { // ReadOnlyBufferException too
            throw new AssertionError("offer() of a " + kind + " buffer threw " + e + ". A " + kind + " buffer has no"
                    + " array() to reach into: copy its bytes with the buffer's own methods, such as"
                    + " ByteBuffer.put(ByteBuffer).", e);
        }
    }

    private static boolean flush(OutgoingQueue queue, ScriptedSink sink) throws IOException {
        sink.startFlush();
        try {
            return queue.flushTo(sink);
        } finally {
            sink.rethrowProblem();
        }
    }

    private static void assertSameBytes(byte[] expected, byte[] actual, String setting) {
        int at = Arrays.mismatch(expected, actual);
        if (at < 0) {
            return;
        }
        if (at == Math.min(expected.length, actual.length)) {
            fail(setting + ": the channel received " + actual.length + " bytes where " + expected.length + " were"
                    + " expected" + (actual.length > expected.length ? "; some bytes went out twice." : "."));
        }
        fail(setting + ": byte " + at + " of what the channel received was " + (actual[at] & 0xff) + " where "
                + (expected[at] & 0xff) + " was offered" + (actual[at] == '#' ? " ('#' is what the caller wrote into"
                + " its buffer after offer() returned)" : "") + ". Bytes must go out in the order they were offered,"
                + " each once.");
    }

    private static byte[] bytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        for (int i = 0; i < length; i++) {
            if (bytes[i] == '#') {
                bytes[i] = '$'; // '#' marks the caller's scribbles
            }
        }
        return bytes;
    }

    private static ByteBuffer buffer(byte[] bytes, Kind kind, Random random) {
        return switch (kind) {
            case HEAP -> ByteBuffer.wrap(bytes.clone());
            case HEAP_WITH_OFFSET, SLICE -> {
                int before = 1 + random.nextInt(16);
                byte[] larger = new byte[before + bytes.length + 1 + random.nextInt(16)];
                System.arraycopy(bytes, 0, larger, before, bytes.length);
                ByteBuffer view = ByteBuffer.wrap(larger, before, bytes.length);
                yield kind == Kind.SLICE ? view.slice() : view;
            }
            case DIRECT -> ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
            case READ_ONLY -> ByteBuffer.wrap(bytes.clone()).asReadOnlyBuffer();
        };
    }

    /** Overwrites the caller's buffer, as a caller reusing it for the next message does. */
    private static void scribble(ByteBuffer data) {
        if (data.isReadOnly()) {
            return; // nobody can write into it; the test of a read-only buffer is that offer() copes with it
        }
        ByteBuffer whole = data.duplicate().clear(); // the whole buffer, whatever its position and limit
        for (int i = 0; i < whole.capacity(); i++) {
            whole.put(i, (byte) '#');
        }
        if (data.hasArray()) {
            Arrays.fill(data.array(), (byte) '#'); // and the array around a slice
        }
    }

    private static int sum(List<Integer> sizes) {
        return sizes.stream().mapToInt(Integer::intValue).sum();
    }

    private static String readAnswer(SocketChannel socket, Selector selector, SelectionKey key) throws IOException {
        ByteBuffer answer = ByteBuffer.allocate(200);
        key.interestOps(SelectionKey.OP_READ);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SOCKET_WAIT_MILLIS);
        while (answer.hasRemaining() && System.nanoTime() < deadline) {
            selector.selectedKeys().clear();
            selector.select(SOCKET_WAIT_MILLIS);
            if (socket.read(answer) < 0) {
                break;
            }
        }
        return new String(answer.array(), 0, answer.position(), StandardCharsets.US_ASCII).strip();
    }

    // ---- channels ----

    /**
     * Plays a socket's send buffer: takes a random part of what it is handed, never more than the room the
     * test gave it, and 0 once that is used up. A write after a 0 in the same flush throws at once.
     */
    private static final class ScriptedSink implements WritableByteChannel {
        private final Random random;
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();
        private long room;
        private int writes;
        private int emptyWrites;
        private int lastTook;
        private int failAt;
        private boolean zeroThisFlush;
        private AssertionError problem;

        ScriptedSink(Random random) {
            this.random = random;
        }

        void giveRoom(long bytes) {
            room = bytes;
        }

        void failAtWrite(int write) {
            failAt = write;
        }

        void startFlush() {
            zeroThisFlush = false;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            if (zeroThisFlush) {
                AssertionError spin = new AssertionError("flushTo() called write() again after a write that took 0"
                        + " bytes, in the same flush. 0 means the socket's send buffer is full; it stays full until"
                        + " the peer reads, and a loop that writes again at once spins at 100 % CPU meanwhile. Return"
                        + " false at the first write that takes 0.");
                if (problem == null) {
                    problem = spin;
                }
                throw spin;
            }
            writes++;
            if (writes == failAt) {
                throw new IOException("Connection reset by peer (the test's channel, on write " + writes + ")");
            }
            if (!src.hasRemaining()) {
                emptyWrites++;
                lastTook = 0;
                return 0;
            }
            if (room == 0) {
                zeroThisFlush = true;
                lastTook = 0;
                return 0;
            }
            int count = 1 + random.nextInt((int) Math.min(room, src.remaining()));
            byte[] taken = new byte[count];
            src.get(taken);
            received.writeBytes(taken);
            room -= count;
            lastTook = count;
            return count;
        }

        void rethrowProblem() {
            if (problem != null) {
                throw problem;
            }
        }

        byte[] received() {
            return received.toByteArray();
        }

        long room() {
            return room;
        }

        int writes() {
            return writes;
        }

        int emptyWrites() {
            return emptyWrites;
        }

        int lastTook() {
            return lastTook;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    /** Passes writes to a real socket, keeping what it took, and throws at a write after a 0 in one flush. */
    private static final class SocketSink implements WritableByteChannel {
        private final SocketChannel socket;
        private final ByteArrayOutputStream sent = new ByteArrayOutputStream();
        private boolean zeroThisFlush;
        private AssertionError problem;

        SocketSink(SocketChannel socket) {
            this.socket = socket;
        }

        void startFlush() {
            zeroThisFlush = false;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            if (zeroThisFlush) {
                problem = new AssertionError("flushTo() wrote to the real socket again right after a write that"
                        + " took 0 bytes: a loop that spins while the slow-reading server catches up.");
                throw problem;
            }
            ByteBuffer view = src.duplicate();
            int count = socket.write(src);
            byte[] taken = new byte[count];
            view.get(taken);
            sent.writeBytes(taken);
            zeroThisFlush = count == 0;
            return count;
        }

        void rethrowProblem() {
            if (problem != null) {
                throw problem;
            }
        }

        int sent() {
            return sent.size();
        }

        byte[] sentBytes() {
            return sent.toByteArray();
        }

        @Override
        public boolean isOpen() {
            return socket.isOpen();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
