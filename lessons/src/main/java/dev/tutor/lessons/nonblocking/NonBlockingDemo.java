package dev.tutor.lessons.nonblocking;

import dev.tutor.lessons.Prediction;
import dev.tutor.runtime.net.LoopbackServer;
import dev.tutor.runtime.net.ServerOptions;
import dev.tutor.runtime.net.SlowReadingServer;
import dev.tutor.runtime.net.TrickleServer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The demo of lesson 8, "Non-blocking sockets": a read that returns 0 at once, the CPU a thread burns when
 * it retries such reads in a loop, next to a thread that blocks instead, a write that takes only part of
 * what it is handed, and the buffer work that cuts a byte stream back into messages.
 *
 * <p>Why it exists: every claim of the lesson is one section of this output, measured on the learner's
 * machine. It talks only to the bundled servers on loopback: the trickle server, which answers four bytes
 * every {@link #TRICKLE_PAUSE}, and the slow-reading server, which reads 1 KiB every
 * {@link #SLOW_READ_PAUSE}. It runs for about a second.
 *
 * <p>Run it with {@code tutor demo nonblocking}. When a person is at the terminal it asks for the lesson's
 * two predictions, each just before the section that measures it, and prints each beside the measurement.
 */
public final class NonBlockingDemo {

    /** The trickle server's pause between two 4-byte pieces of its answer. */
    static final Duration TRICKLE_PAUSE = Duration.ofMillis(5);
    /** The slow-reading server's pause between two reads of 1 KiB. */
    static final Duration SLOW_READ_PAUSE = Duration.ofMillis(5);
    /** What the demo tries to write in one call: more than a socket's send buffer holds. */
    static final int BIG_WRITE = 8 * 1024 * 1024;
    /** The most any loop below runs, whatever the servers do. */
    private static final Duration LOOP_LIMIT = Duration.ofSeconds(5);
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final byte[] REQUEST = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private NonBlockingDemo() {
    }

    public static void main(String[] args) throws Exception {
        try (LoopbackServer trickle = TrickleServer.start(ServerOptions.defaults().withDelay(TRICKLE_PAUSE))) {
            System.out.println("Trickle server on 127.0.0.1:" + trickle.port() + ", answering " + TrickleServer.CHUNK
                    + " bytes every " + TRICKLE_PAUSE.toMillis() + " ms.");
            readWithNothingThere(trickle);
            Optional<String> cpuGuess = Prediction.ask("A thread reads the trickle server's answer, retrying at once"
                    + " whenever read() returns 0. For what share of the time will it be running on a CPU? And a"
                    + " thread that blocks in read() instead?");
            Timing spinning = readBySpinning(trickle);
            Timing blocking = readByBlocking(trickle);
            Prediction.printBeside(cpuGuess, "spinning " + spinning.cpuShare() + ", blocking " + blocking.cpuShare());
        }
        try (LoopbackServer slow = SlowReadingServer.start(ServerOptions.defaults().withDelay(SLOW_READ_PAUSE))) {
            Optional<String> writeGuess = Prediction.ask("One non-blocking write() is handed 8 MiB for a server that"
                    + " reads 1 KiB every " + SLOW_READ_PAUSE.toMillis() + " ms. How many bytes will it take?");
            int first = partialWrites(slow);
            Prediction.printBeside(writeGuess, String.format("%,d bytes", first));
        }
        framing();
    }

    // ---- 1. a read with nothing to read ----

    private static void readWithNothingThere(LoopbackServer server) throws IOException {
        heading("1. A non-blocking read with nothing to read");
        try (SocketChannel channel = SocketChannel.open(server.address())) {
            channel.configureBlocking(false);
            ByteBuffer buffer = ByteBuffer.allocate(1024);
            channel.read(buffer); // the first call also loads and links code; time the second
            long start = System.nanoTime();
            int count = channel.read(buffer);
            long micros = (System.nanoTime() - start) / 1_000;
            System.out.printf("No request sent yet, so nothing can have arrived. read() returned %d after %d µs;%n"
                    + "a blocking read would still be waiting.%n", count, micros);
        }
    }

    // ---- 2. and 3. spinning against blocking ----

    /** What one way of reading the trickle server's answer cost. */
    record Timing(long wallNanos, long cpuNanos) {
        String cpuShare() {
            return String.format("%.0f %% of %.0f ms on a CPU", 100.0 * cpuNanos / wallNanos, wallNanos / 1e6);
        }
    }

    private static Timing readBySpinning(LoopbackServer server) throws IOException {
        heading("2. Reading the answer by retrying at once (a busy loop)");
        try (SocketChannel channel = SocketChannel.open(server.address())) {
            channel.configureBlocking(false);
            channel.write(ByteBuffer.wrap(REQUEST)); // a few bytes: an empty send buffer takes them all
            long wallStart = System.nanoTime();
            long cpuStart = THREADS.getCurrentThreadCpuTime();
            Tally tally = spin(channel, wallStart + LOOP_LIMIT.toNanos());
            Timing timing = new Timing(System.nanoTime() - wallStart, THREADS.getCurrentThreadCpuTime() - cpuStart);
            System.out.printf("%d reads returned data (%s bytes),%n%,d returned 0, the last returned -1.%n",
                    tally.dataReads, tally.sizes(), tally.zeroReads);
            System.out.printf("%d bytes in %.0f ms of wall time; the thread ran on a CPU for %.0f ms of them.%n",
                    tally.bytes, timing.wallNanos / 1e6, timing.cpuNanos / 1e6);
            return timing;
        }
    }

    /** What a reading loop saw. */
    static final class Tally {
        int dataReads;
        long zeroReads;
        long bytes;
        private final List<Integer> firstSizes = new ArrayList<>();

        void data(int count) {
            dataReads++;
            bytes += count;
            if (firstSizes.size() < 8) {
                firstSizes.add(count);
            }
        }

        void nothing() {
            zeroReads++;
        }

        String sizes() {
            return firstSizes.toString().replace("[", "").replace("]", "") + (dataReads > firstSizes.size() ? ", ..." : "");
        }
    }

    /** Reads until the end of the stream, asking again at once whenever nothing is there. */
    static Tally spin(SocketChannel channel, long deadline) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(1024);
        Tally tally = new Tally();
        while (System.nanoTime() < deadline) {
            buffer.clear();
            int count = channel.read(buffer);
            if (count > 0) {
                tally.data(count);        // count bytes arrived; they sit before the buffer's position
            } else if (count == 0) {
                tally.nothing();          // nothing has arrived yet: the loop asks again at once
            } else {
                break;                    // -1: the server closed its side; nothing more will come
            }
        }
        return tally;
    }

    private static Timing readByBlocking(LoopbackServer server) throws IOException {
        heading("3. Reading the same answer with a blocking read");
        try (SocketChannel channel = SocketChannel.open(server.address())) {
            channel.write(ByteBuffer.wrap(REQUEST));
            ByteBuffer buffer = ByteBuffer.allocate(1024);
            Tally tally = new Tally();
            long wallStart = System.nanoTime();
            long cpuStart = THREADS.getCurrentThreadCpuTime();
            int count;
            while ((count = channel.read(buffer.clear())) >= 0) { // waits, off the CPU, until bytes arrive
                tally.data(count);
            }
            Timing timing = new Timing(System.nanoTime() - wallStart, THREADS.getCurrentThreadCpuTime() - cpuStart);
            System.out.printf("%d reads, each waiting for its bytes (%s), the last returned -1.%n",
                    tally.dataReads + 1, tally.sizes());
            System.out.printf("%d bytes in %.0f ms of wall time; the thread ran on a CPU for %.1f ms of them.%n",
                    tally.bytes, timing.wallNanos / 1e6, timing.cpuNanos / 1e6);
            System.out.println("The spinning thread ran whenever the scheduler let it: a whole core on an idle"
                    + " machine,\nless when other programs want the cores too. The blocked one used almost none."
                    + " Spinning over\n10,000 sockets would be no better: it asks every one of them, again and"
                    + " again, and\nalmost every answer is 0.");
            return timing;
        }
    }

    // ---- 4. partial writes ----

    /** Offers one large buffer to the slow-reading server and returns what the first write took. */
    private static int partialWrites(LoopbackServer server) throws IOException, InterruptedException {
        heading("4. A non-blocking write takes what fits");
        try (SocketChannel channel = SocketChannel.open(server.address())) {
            channel.configureBlocking(false);
            ByteBuffer message = ByteBuffer.allocate(BIG_WRITE);
            int taken = channel.write(message);   // what fit in the send buffer; 0 if nothing did
            System.out.printf("write() of %,d bytes took %,d; the buffer's position moved to %,d,%nso %,d bytes"
                    + " still wait in it.%n", BIG_WRITE, taken, message.position(), message.remaining());
            StringBuilder atOnce = new StringBuilder();
            int more = -1;
            for (int attempt = 0; attempt < 20 && more != 0; attempt++) {
                more = channel.write(message);
                atOnce.append(String.format("%,d  ", more));
            }
            System.out.println("Writing again at once took: " + atOnce.toString().strip()
                    + (more == 0 ? "  (the send buffer is full)" : ""));
            StringBuilder later = new StringBuilder();
            for (int attempt = 0; attempt < 8; attempt++) {
                Thread.sleep(25); // the demo's own pause, so the server can read a little
                later.append(String.format("%,d  ", channel.write(message)));
            }
            System.out.println("Every 25 ms after that, as the server reads, writes took:\n  " + later.toString().strip());
            System.out.printf("%,d bytes are still waiting in the program's own buffer.%n", message.remaining());
            return taken;
        }
    }

    // ---- 5. framing ----

    /** Two messages and part of a third in one read, then the rest: flip, take frames, compact. */
    private static void framing() throws IOException {
        heading("5. One read, two messages and half a length: flip and compact");
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            try (SocketChannel sender = SocketChannel.open(listener.getLocalAddress());
                 SocketChannel receiver = listener.accept()) {
                byte[] stream = frames("hi", "abc", "later");
                int cut = 2 * 4 + 2 + 3 + 2; // two whole frames and 2 of the 4 length bytes of the third
                sender.write(ByteBuffer.wrap(stream, 0, cut));
                ByteBuffer buffer = ByteBuffer.allocate(16);
                receiver.read(buffer);                     // blocking: waits for the first bytes
                show("after read()", buffer);
                List<String> frames = takeFrames(buffer);
                show("after taking " + frames + " and compact()", buffer);
                sender.write(ByteBuffer.wrap(stream, cut, stream.length - cut));
                receiver.read(buffer);
                show("after the next read()", buffer);
                frames = takeFrames(buffer);
                show("after taking " + frames + " and compact()", buffer);
            }
        }
    }

    /** Takes every whole frame out of {@code buffer}, which is in write mode; leaves a partial one at its front. */
    static List<String> takeFrames(ByteBuffer buffer) {
        List<String> frames = new ArrayList<>();
        buffer.flip();                                      // read mode: position 0, limit = bytes held
        while (buffer.remaining() >= 4
                && buffer.remaining() >= 4 + buffer.getInt(buffer.position())) { // peek at the length
            byte[] frame = new byte[buffer.getInt()];       // now take the length, then the body
            buffer.get(frame);
            frames.add(new String(frame, StandardCharsets.UTF_8));
        }
        show("flip(), then the whole frames read", buffer);
        buffer.compact();                                   // write mode: the partial frame moved to the front
        return frames;
    }

    private static byte[] frames(String... messages) {
        ByteBuffer all = ByteBuffer.allocate(1024);
        for (String message : messages) {
            byte[] body = message.getBytes(StandardCharsets.UTF_8);
            all.putInt(body.length).put(body);              // a 4-byte big-endian length, then the bytes
        }
        byte[] stream = new byte[all.flip().remaining()];
        all.get(stream);
        return stream;
    }

    /**
     * Prints the buffer's bytes, two characters each (a letter, or the byte in hex), and under them where its
     * position (p) and limit (l) stand; a mark after the last byte stands at the capacity.
     */
    private static void show(String when, ByteBuffer buffer) {
        StringBuilder cells = new StringBuilder("   ");
        for (int i = 0; i < buffer.capacity(); i++) {
            byte b = buffer.array()[i]; // every byte, whatever the position and limit say
            cells.append(b >= 'a' && b <= 'z' ? " " + (char) b : String.format("%02x", b)).append(' ');
        }
        char[] marks = " ".repeat(cells.length() + 3).toCharArray();
        marks[3 + 3 * buffer.position()] = 'p';
        marks[3 + 3 * buffer.limit() + (buffer.limit() == buffer.position() ? 1 : 0)] = 'l';
        System.out.printf("%s: position %d, limit %d%n%s%n%s%n", when, buffer.position(), buffer.limit(), cells,
                new String(marks).stripTrailing());
    }

    private static void heading(String title) {
        System.out.println();
        System.out.println("== " + title);
    }
}
