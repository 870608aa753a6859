package dev.tutor.exercises.selectors;

import static dev.tutor.exercises.selectors.LoopUnderTest.check;
import static dev.tutor.exercises.selectors.LoopUnderTest.sleepMillis;
import static dev.tutor.runtime.net.EpollWatch.EPOLLIN;
import static dev.tutor.runtime.net.EpollWatch.EPOLLOUT;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tutor.exercises.support.Seeded;
import dev.tutor.exercises.support.TcpBuffers;
import dev.tutor.exercises.support.TcpBuffers.Figure;
import dev.tutor.runtime.net.ChaosClient;
import dev.tutor.runtime.net.ChaosClient.Ending;
import dev.tutor.runtime.net.ChaosClient.Pieces;
import dev.tutor.runtime.net.EpollWatch;
import dev.tutor.runtime.net.OpenSockets;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Grades {@link SelectorEchoServer}. Each test makes a server, runs {@code serve()} on a thread of the
 * test's own ({@link LoopUnderTest}) and talks to it over loopback, mostly through the runtime's
 * {@link ChaosClient}: clients that send in pieces of every size, read late, leave by half-closing or by a
 * reset, take turns, and come a thousand at once. Every failure names the seed that replays it.
 *
 * <p>The tests run in the order a server is written: the loop that accepts, reads and echoes, and
 * {@code stop()} that ends it and closes everything (hint 1), with two checks read off the compiled class
 * ({@link LoopMeans}) of what no run can show on cue: that the loop is sure to see stop()'s flag and is
 * woken after it is set, and that a select() that throws still closes everything; what is left to send,
 * kept per connection, and write interest only while it lasts (hint 2); the ends of a connection (hint 3).
 * Two checks of hint 1's subject run last because they are the slowest, so that no answer that fails
 * earlier waits for them: a thousand clients at once, and the one-thread rule read off the compiled class.
 * Each test carries {@code @Tag("hint:N")}.
 */
@ExtendWith(Seeded.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SelectorEchoServerTest {

    /** The longest a right server needs for one small echo over loopback, with a wide margin for a busy machine. */
    private static final Duration ECHO_LIMIT = Duration.ofSeconds(2);
    /**
     * The most a client that never reads may send before the server must stop reading from it: more than the
     * kernel's socket buffers can hold between the two ends (both receive buffers and both send buffers at
     * their largest, which Linux's autotuning reaches on a quiet loopback: 16 MiB was once not enough where
     * tcp_rmem allows 32 MiB), plus a margin; a server that keeps reading holds the rest itself.
     */
    private static final long NEVER_READS_LIMIT = neverReadsLimit();
    /** How long a client's sending must stall before the test takes it that the server stopped reading. */
    private static final Duration STALL = Duration.ofMillis(100);

    /** How long a client that never reads goes on sending, at most, while the server is still reading from it. */
    private static final Duration SENDING_LIMIT = Duration.ofSeconds(3);
    /**
     * The CPU the serving thread may use, while a client waits for an echo or a stalled client waits for room,
     * before it is taken to be spinning in place of serving. A right server answers, or takes the bytes that
     * make room, within a turn or two of its loop: a fraction of a millisecond.
     */
    private static final Duration BUSY_LIMIT = Duration.ofMillis(30);


    private LoopUnderTest loop;

    private static long neverReadsLimit() {
        long mib = 1024L * 1024;
        long receive = TcpBuffers.receive(Figure.MOST).orElse(6 * mib);
        long send = TcpBuffers.send(Figure.MOST).orElse(4 * mib);
        return Math.max(16 * mib, 2 * receive + 2 * send + 8 * mib);
    }

    @AfterEach
    void stopTheServer() {
        if (loop != null) {
            loop.close();
        }
    }

    @Test
    @Order(0)
    @Tag("hint:1")
    void waitsNowhereButInSelect() {
        LoopUnderTest.assertWaitsOnlyInSelect(SelectorEchoServer.class);
    }

    @Test
    @Order(14)
    @Tag("hint:1")
    void usesOneThreadForEveryClient() {
        LoopUnderTest.assertUsesNoThreads(SelectorEchoServer.class);
    }

    @Test
    @Order(1)
    @Tag("hint:1")
    void echoesWhatOneClientSends(Random random) throws IOException {
        start();
        InetSocketAddress address = loop.address();
        check(address != null && address.getAddress().isLoopbackAddress() && address.getPort() > 0,
                () -> "address() returned " + address + "; it should be 127.0.0.1 and the port the listening"
                        + " channel was bound to (getLocalAddress() after bind tells which).");
        assertEchoOf(message(random, 1 + random.nextInt(200)));
        ChaosClient chaos = ChaosClient.seeded(random.nextLong()).clients(1).messages(2 + random.nextInt(6), 300)
                .pieces(Pieces.WHOLE).timeout(ECHO_LIMIT);
        loop.assertNoProblem(chaos.echo(loop.address()));
        loop.assertHandledKeysRemoved("two clients had had their echoes and left");
    }

    @Test
    @Order(5)
    @Tag("hint:1")
    void echoesManyClientsAtOnceWhateverPiecesTheySendIn(Random random) throws IOException {
        start();
        assertEchoOf(message(random, 10));
        for (Pieces pieces : Pieces.values()) {
            ChaosClient chaos = ChaosClient.seeded(random.nextLong()).clients(5 + random.nextInt(26))
                    .messages(2 + random.nextInt(5), 1 + random.nextInt(600)).pieces(pieces)
                    .timeout(Duration.ofSeconds(5));
            loop.assertNoProblem(chaos.echo(loop.address()));
        }
    }

    @Test
    @Order(6)
    @Tag("hint:1")
    void servesClientsThatTakeTurns(Random random) throws IOException {
        start();
        assertEchoOf(message(random, 10));
        // CodeCrafters' order first, then more turns drawn from the seed.
        StringBuilder script = new StringBuilder("1 2 1 1 2 close1 3");
        List<Integer> open = new ArrayList<>(List.of(2, 3));
        int next = 4;
        for (int turn = 0; turn < 6 + random.nextInt(6); turn++) {
            int roll = random.nextInt(6);
            if (roll == 0 && open.size() > 1) {
                script.append(" close").append(open.remove(random.nextInt(open.size())));
            } else if (roll == 1) {
                open.add(next);
                script.append(' ').append(next++);
            } else {
                script.append(' ').append(open.get(random.nextInt(open.size())));
            }
        }
        int turns = script.toString().split(" ").length;
        ChaosClient chaos = ChaosClient.seeded(random.nextLong()).pieces(Pieces.RANDOM).messages(1, 200)
                .timeout(Duration.ofMillis(300L * turns));
        loop.assertNoProblem(chaos.takeTurns(loop.address(), script.toString()));
    }

    @Test
    @Order(7)
    @Tag("hint:2")
    void servesClientsThatReadLateThroughTinyBuffers(Random random) throws IOException {
        start();
        assertEchoOf(message(random, 10));
        ChaosClient chaos = ChaosClient.seeded(random.nextLong()).clients(8 + random.nextInt(8))
                .messages(3 + random.nextInt(4), 32 * 1024 + random.nextInt(96 * 1024)).pieces(Pieces.RANDOM)
                .tinyBuffers(true).readLate(true).timeout(Duration.ofSeconds(10));
        loop.assertNoProblem(chaos.echo(loop.address()));
    }

    /**
     * A client that sends and never reads fills its own socket with its echo; the server must then keep
     * the rest for it, stop reading from it, and serve the others meanwhile. Once it reads, it must get
     * back exactly what it sent.
     */
    @Test
    @Order(9)
    @Tag("hint:2")
    void aClientThatNeverReadsIsHeldBackWhileTheOthersAreServed(Random random) throws IOException {
        start();
        int offset = random.nextInt(1 << 20);
        try (SocketChannel hog = SocketChannel.open(); Socket other = new Socket()) {
            // The first echo goes to a client that stays: one that left would be hint 3's, and a loop that
            // never closes its connection would spin through this whole test, slow for everyone.
            loop.connect(other);
            other.setTcpNoDelay(true);
            roundTrip(other, message(random, 10), "a client");
            // A small send buffer, so that its writes stall soon once the server stops reading; its receive
            // buffer is left alone: one made small before connecting keeps the TCP window small for good.
            hog.setOption(StandardSocketOptions.SO_SNDBUF, 64 * 1024);
            hog.connect(loop.address());
            hog.configureBlocking(false);

            long sent = 0;
            long sendingDeadline = System.nanoTime() + SENDING_LIMIT.toNanos();
            long nextCheck = 256 * 1024;
            long[] stalled = {0, 0}; // the loop's CPU, and the wall time, through the stalls since the last room
            Optional<Integer> hogFd = Optional.empty(); // the server's descriptor for the hog's connection
            ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
            try (Selector room = Selector.open()) {
                hog.register(room, SelectionKey.OP_WRITE);
                while (sent < NEVER_READS_LIMIT) {
                    chunk.clear();
                    for (int i = 0; i < chunk.capacity(); i++) {
                        chunk.put(pattern(offset + sent + i));
                    }
                    chunk.flip();
                    int wrote = hog.write(chunk);
                    sent += wrote;
                    if (wrote == 0) {
                        // Full. Where the kernel's view can be read, a server that has stopped reading shows it
                        // at once: the hog's connection is in its selector, no longer for reading. Looked up by
                        // its descriptor, found once: the whole interest list costs too much to read at every
                        // stall of a server that is only slower than the hog for a moment.
                        hogFd = hogFd.isPresent() ? hogFd : hogWatch(hog).map(EpollWatch::fd);
                        Optional<Integer> events = hogFd.flatMap(loop::watchedEvents).filter(e -> e != 0);
                        assertNotReadingWhileOwing(events, sent);
                        if (events.filter(e -> (e & EPOLLIN) == 0).isPresent()) {
                            break;
                        }
                        // Otherwise wait for room; if none comes, the server has stopped reading, or is only slow.
                        long cpuBefore = loop.cpuTime();
                        long wallBefore = System.nanoTime();
                        if (room.select(STALL.toMillis()) == 0) {
                            stalled[0] += loop.cpuTime() - cpuBefore;
                            stalled[1] += System.nanoTime() - wallBefore;
                            if (stalled[0] > BUSY_LIMIT.toNanos()) {
                                // Busy and taking nothing: a loop stuck on the hog shows in the other's echo.
                                assertOtherClientServed(other, random, sent);
                            }
                            if (stoppedReading(hog, sendingDeadline, sent, stalled)) {
                                break;
                            }
                        } else {
                            stalled[0] = 0;
                            stalled[1] = 0;
                        }
                        room.selectedKeys().clear();
                    }
                    if (sent >= nextCheck) {
                        nextCheck += 256 * 1024;
                        assertOtherClientServed(other, random, sent);
                    }
                    loop.assertServing();
                }
            }
            long held = sent;
            check(sent < NEVER_READS_LIMIT, () -> "A client sent " + held / (1024 * 1024) + " MiB and read"
                    + " none of its echo, and the server went on reading from it, holding ever more bytes it"
                    + " could not send. While a connection has bytes waiting to go back, stop reading from it:"
                    + " interestOps(OP_WRITE) alone, and OP_READ again once they have all been sent.");
            assertOtherClientServed(other, random, sent);

            // Now it reads: everything it sent must come back, in order.
            assertEchoedInOrder(hog, offset, sent);
        }
    }

    /**
     * Whether the server has stopped reading from {@code hog}, whose sending has stalled. Where the kernel's
     * view of the server's selector can be read, it decides: the hog's connection is no longer registered
     * for reading. Elsewhere, a stall is taken to mean that the server stopped reading. A server that still
     * wants to read and has used {@link #BUSY_LIMIT} of CPU through the stalls ({@code stalled}: CPU and wall
     * time) is spinning: reading even a little from the hog would have given it room.
     */
    private boolean stoppedReading(SocketChannel hog, long sendingDeadline, long sent, long[] stalled)
            throws IOException {
        Optional<EpollWatch> watch = hogWatch(hog);
        if (watch.isEmpty() || !watch.get().wantsRead()) {
            return true;
        }
        if (stalled[0] > BUSY_LIMIT.toNanos()) {
            fail(String.format("A client sent %d bytes and read none of its echo, and could send no more: the server"
                    + " took nothing from it for %.0f ms, yet kept its connection in the selector's reading interest"
                    + " (the kernel still watches it for EPOLLIN), and the thread running serve() used %.0f ms of CPU"
                    + " meanwhile, going round for nothing: a connection with unread bytes is readable on every turn,"
                    + " so select() returns at once. A connection with pending bytes is registered for OP_WRITE only,"
                    + " and for OP_READ again once they have all been sent.", sent, stalled[1] / 1e6,
                    stalled[0] / 1e6));
        }
        if (System.nanoTime() > sendingDeadline) {
            fail("A client sent " + sent + " bytes and read none of its echo. For " + SENDING_LIMIT.toSeconds()
                    + " s the server neither took more from it nor took it out of the selector's reading interest"
                    + " (the kernel still watches it for EPOLLIN): a connection with pending bytes is registered"
                    + " for OP_WRITE only, and for OP_READ again once they have all been sent.");
        }
        return false; // still registered for reading: the server is only slow; go on sending
    }

    /**
     * Fails if the server's selector watches the hog's connection for reading and for writing at once (its
     * event mask {@code events}): it asked to hear of room to send the echo it owes, and reads on meanwhile.
     */
    private void assertNotReadingWhileOwing(Optional<Integer> events, long sent) {
        boolean both = events.filter(e -> (e & EPOLLIN) != 0 && (e & EPOLLOUT) != 0).isPresent();
        check(!both, () -> "A client sent " + sent + " bytes and read none of its echo, and the server had its"
                + " connection registered for reading and for writing at once (the kernel watched it for EPOLLIN"
                + " and EPOLLOUT): it waited for room to send what it owed, and read on meanwhile. A connection"
                + " with pending bytes is registered for OP_WRITE only, and for OP_READ again once they have all"
                + " been sent.");
    }

    /** What the server's selector has the kernel watch for on the hog's connection; empty where unknown. */
    private Optional<EpollWatch> hogWatch(SocketChannel hog) throws IOException {
        int hogPort = ((InetSocketAddress) hog.getLocalAddress()).getPort();
        return loop.interestList().flatMap(watches -> watches.stream()
                .filter(w -> w.remotePort() == hogPort && w.localPort() == loop.address().getPort()).findFirst());
    }

    /** Reads from {@code hog} until all {@code sent} bytes are back, each checked against the pattern. */
    private void assertEchoedInOrder(SocketChannel hog, int offset, long sent) throws IOException {
        try (Selector selector = Selector.open()) {
            hog.register(selector, SelectionKey.OP_READ);
            ByteBuffer back = ByteBuffer.allocate(256 * 1024);
            long received = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (received < sent) {
                back.clear();
                int n = hog.read(back);
                if (n < 0) {
                    fail("A client that had sent " + sent + " bytes without reading began to read, and after "
                            + received + " bytes of its echo the server closed the connection.");
                }
                for (int i = 0; i < n; i++) {
                    byte expected = pattern(offset + received);
                    if (back.get(i) != expected) {
                        fail("A client that had sent " + sent + " bytes without reading began to read; byte "
                                + (received + 1) + " of its echo was " + back.get(i) + ", expected " + expected
                                + ". The bytes the server kept for it while it was not reading came back changed"
                                + " or out of order.");
                    }
                    received++;
                }
                if (n == 0) {
                    if (System.nanoTime() > deadline) {
                        fail("A client that had sent " + sent + " bytes without reading began to read and got "
                                + received + " of them back in 10 s; the rest never came. Once a connection is"
                                + " writable again, send what is left, then read from it again.");
                    }
                    loop.assertServing();
                    selector.select(10);
                    selector.selectedKeys().clear();
                }
            }
        }
    }

    @Test
    @Order(8)
    @Tag("hint:2")
    void idleClientsCostNoCpu(Random random) throws IOException {
        start();
        // No client leaves before the look: a connection whose client has gone is hint 3's, and its test's.
        List<Socket> clients = new ArrayList<>();
        try {
            int count = 20 + random.nextInt(41);
            for (int c = 0; c < count; c++) {
                Socket client = new Socket();
                clients.add(client);
                loop.connect(client);
                client.setTcpNoDelay(true);
                roundTrip(client, message(random, 1 + random.nextInt(100)), "client " + (c + 1) + " of " + count);
            }
            loop.assertIdle(count + " clients connected and silent, each with its whole echo");
        } finally {
            for (Socket client : clients) {
                client.close();
            }
        }
    }

    @Test
    @Order(12)
    @Tag("hint:3")
    void closesAfterTheEchoWhenAClientHalfClosesAndSurvivesResets(Random random) throws IOException {
        start();
        assertEchoOf(message(random, 10));
        for (Ending ending : List.of(Ending.HALF_CLOSE, Ending.SOME_RESET)) {
            ChaosClient chaos = ChaosClient.seeded(random.nextLong()).clients(5 + random.nextInt(16))
                    .messages(2 + random.nextInt(5), 1 + random.nextInt(2000)).ending(ending)
                    .timeout(Duration.ofSeconds(5));
            loop.assertNoProblem(chaos.echo(loop.address()));
        }
        assertEchoOf(message(random, 20));
    }

    @Test
    @Order(11)
    @Tag("hint:3")
    void clientsThatHaveLeftCostNoCpu(Random random) throws IOException {
        start();
        assertEchoOf(message(random, 10));
        Optional<Set<Long>> socketsBefore = OpenSockets.inodes();
        int closing = 10 + random.nextInt(21);
        int resetting = 6 + random.nextInt(10);
        loop.assertNoProblem(ChaosClient.seeded(random.nextLong()).clients(closing).messages(2, 100)
                .timeout(Duration.ofSeconds(5)).echo(loop.address()));
        loop.assertNoProblem(ChaosClient.seeded(random.nextLong()).clients(resetting).messages(4, 100)
                .ending(Ending.SOME_RESET).timeout(Duration.ofSeconds(5)).echo(loop.address()));
        String gone = "every client gone (" + (closing + resetting) + " closed their connections, "
                + resetting / 3 + " of them by a reset)";
        // Where Linux lists this process's descriptors: once the loop is at rest in select(), every channel it
        // closed has left its selector and been closed for good; a socket still open was only forgotten. Counted
        // before the idle window, which a server that forgets its sockets would otherwise wait out for nothing.
        loop.awaitSettled(gone);
        socketsBefore.ifPresent(before -> {
            Set<Long> left = new TreeSet<>(OpenSockets.inodes().orElse(before));
            left.removeAll(before);
            check(left.isEmpty(), () -> "With " + gone + ", the server still held " + left.size() + " of their"
                    + " sockets open. Cancelling a key only stops the selector watching the channel; the socket"
                    + " stays open, one descriptor lost for every such client, until the process runs out of"
                    + " them. When a read or write throws, or read() returns -1, close the channel (which also"
                    + " cancels its key).");
        });
        loop.assertIdle(gone);
    }

    /**
     * A client the server owes bytes to resets its connection: the server's socket is then reported ready on
     * every turn (the kernel adds EPOLLERR and EPOLLHUP to every watch) and every write to it throws, so a loop
     * that catches the IOException and leaves the channel open goes round for ever. A read error does not show
     * this, since after a reset the next read returns -1, so the client first makes the server owe it bytes:
     * it sends without reading until the kernel shows its connection watched for writing alone.
     */
    @Test
    @Order(10)
    @Tag("hint:3")
    void aClientOwedBytesThatResetsIsClosed(Random random) throws IOException {
        start();
        // The echoes go to a client that stays: one that left would leave a connection a loop that ignores
        // -1 spins on, which this test would take for the reset one's.
        try (Socket other = new Socket()) {
            loop.connect(other);
            other.setTcpNoDelay(true);
            roundTrip(other, message(random, 10), "a client");
            Optional<EpollWatch> owed;
            long sent;
            try (SocketChannel hog = SocketChannel.open()) {
                // A receive buffer made small before connecting keeps the window small, so the server owes soon.
                hog.setOption(StandardSocketOptions.SO_RCVBUF, 4 * 1024);
                hog.setOption(StandardSocketOptions.SO_SNDBUF, 64 * 1024);
                hog.connect(loop.address());
                hog.configureBlocking(false);
                long[] sending = {0};
                owed = sendUntilOwed(hog, random, sending);
                sent = sending[0];
                hog.setOption(StandardSocketOptions.SO_LINGER, 0); // close() now resets the connection
            }
            String situation = "a client that had sent " + sent + " bytes without reading its echo, so that the"
                    + " server owed it bytes, then reset its connection";
            OptionalLong inode = owed.map(EpollWatch::socketInode).orElse(OptionalLong.empty());
            if (inode.isPresent()) {
                assertResetConnectionClosed(inode.getAsLong(), situation);
            } else {
                loop.awaitSettled(situation); // no kernel view: a loop spinning on that socket shows as busy
            }
            roundTrip(other, message(random, 20), "Another client");
        }
    }

    /**
     * Watches the server's socket {@code serverSocket} (by inode), whose client has just reset it, until it
     * has left the server's selector; fails as soon as the serving thread has used {@link #BUSY_LIMIT} of CPU
     * meanwhile (the only other client is connected and silent, so nothing else can keep it busy), or after
     * {@link #ECHO_LIMIT}; then fails if the socket is still open.
     */
    private void assertResetConnectionClosed(long serverSocket, String situation) {
        long cpuStart = loop.cpuTime();
        long wallStart = System.nanoTime();
        while (loop.watchedInodes().filter(watched -> watched.contains(serverSocket)).isPresent()) {
            loop.assertServing();
            long cpu = loop.cpuTime() - cpuStart;
            long wall = System.nanoTime() - wallStart;
            boolean spinning = cpu > BUSY_LIMIT.toNanos();
            if (spinning || wall > ECHO_LIMIT.toNanos()) {
                fail(String.format("With %s, its connection was still in the selector %.0f ms after the reset, and"
                        + " the thread running serve() had used %.0f ms of CPU meanwhile%s A read or write that"
                        + " throws must close that channel (which also cancels its key), not only be caught.",
                        situation, wall / 1e6, cpu / 1e6, spinning ? ", going round for nothing. A socket whose"
                        + " client has reset it is reported ready on every turn, and every write to it throws"
                        + " again, so a loop that leaves it open goes round for it for ever." : "."));
            }
            sleepMillis(2);
        }
        // Out of the selector: a closed channel leaves it at the next select() and is closed for good then.
        loop.awaitSettled(situation);
        OpenSockets.inodes().ifPresent(open -> check(!open.contains(serverSocket), () -> "With " + situation
                + ", the server took its connection out of the selector but never closed it: the socket stays"
                + " open, one descriptor lost for every such client. When a read or write throws, close the"
                + " channel (which also cancels its key)."));
    }

    /**
     * Sends on {@code hog} without reading until the server's selector watches its connection for writing
     * alone: the server owes it bytes. Returns the watch of its connection, also if the server still reads
     * from it after {@link #SENDING_LIMIT} (hint 2's test has judged that; the reset is tried all the same);
     * empty where the kernel's view cannot be read, after sending until the server took no more for
     * {@link #STALL}. {@code sent[0]} counts the bytes sent.
     */
    private Optional<EpollWatch> sendUntilOwed(SocketChannel hog, Random random, long[] sent) throws IOException {
        boolean kernelView = loop.interestList().isPresent();
        Optional<EpollWatch> watch = Optional.empty();
        ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
        random.nextBytes(chunk.array());
        long deadline = System.nanoTime() + SENDING_LIMIT.toNanos();
        try (Selector room = Selector.open()) {
            hog.register(room, SelectionKey.OP_WRITE);
            while (System.nanoTime() < deadline && sent[0] < NEVER_READS_LIMIT) {
                chunk.clear();
                int wrote = hog.write(chunk);
                sent[0] += wrote;
                if (kernelView && watch.isEmpty()) {
                    watch = hogWatch(hog); // found once the server has accepted the connection
                }
                if (watch.isPresent()) {
                    Optional<Integer> events = loop.watchedEvents(watch.get().fd());
                    if (events.filter(e -> (e & EPOLLOUT) != 0 && (e & EPOLLIN) == 0).isPresent()) {
                        return watch;
                    }
                }
                if (wrote == 0) {
                    loop.assertServing();
                    boolean roomCame = room.select(STALL.toMillis()) > 0;
                    room.selectedKeys().clear();
                    if (!roomCame && !kernelView) {
                        return watch;
                    }
                }
            }
        }
        return watch;
    }

    @Test
    @Order(13)
    @Tag("hint:1")
    void servesAThousandClientsOnOneThread(Random random) throws IOException {
        start();
        assertEchoOf(message(random, 10));
        ChaosClient chaos = ChaosClient.seeded(random.nextLong()).clients(1_000).messages(2, 32)
                .pieces(Pieces.RANDOM).timeout(Duration.ofSeconds(20));
        loop.assertNoProblem(chaos.echo(loop.address()));
    }

    @Test
    @Order(2)
    @Tag("hint:1")
    void stopEndsServeAndClosesEverything(Random random) throws IOException {
        start();
        // No client closes before stop(): its end of stream could wake a select() that stop() did not.
        InetSocketAddress address = loop.address();
        List<Socket> clients = new ArrayList<>();
        try {
            for (int c = 0; c < 2 + random.nextInt(5); c++) {
                Socket client = new Socket();
                clients.add(client);
                loop.connect(client);
                roundTrip(client, message(random, 20), "client " + (c + 1));
            }
            loop.assertAWakeupIsNotAStop(clients.size() + " clients had their echoes");
            loop.stopAndAwait(Duration.ofSeconds(1));
            for (int c = 0; c < clients.size(); c++) {
                assertClosedByServer(clients.get(c), c + 1);
            }
        } finally {
            for (Socket client : clients) {
                client.close();
            }
        }
        loop.assertClosedOnTheWayOut(address);
        // stop() before serve() even started: serve() has nothing to do and returns at once.
        LoopUnderTest.assertAnEarlyStopIsKept("SelectorEchoServer", () -> adapt(new SelectorEchoServer()));
    }

    @Test
    @Order(3)
    @Tag("hint:1")
    void stopSetsAFlagTheLoopIsSureToSeeThenWakesIt() {
        LoopMeans.assertStopReachesTheLoop(SelectorEchoServer.class);
    }

    @Test
    @Order(4)
    @Tag("hint:1")
    void closesEverythingAlsoWhenSelectThrows() {
        LoopMeans.assertSelectFailureClosesEverything(SelectorEchoServer.class);
    }

    // ---- helpers ----

    private void start() throws IOException {
        loop = LoopUnderTest.start("SelectorEchoServer", () -> adapt(new SelectorEchoServer()));
    }

    private static LoopUnderTest.Server adapt(SelectorEchoServer server) {
        return LoopUnderTest.Server.of(server, server::serve, server::stop, server::address);
    }

    /** One client, one message, its echo: the first thing every test checks, failing at once if serve() ends. */
    private void assertEchoOf(byte[] message) throws IOException {
        try (Socket client = new Socket()) {
            loop.connect(client);
            client.setTcpNoDelay(true);
            roundTrip(client, message, "a client");
        }
    }

    /** Sends {@code message} on {@code client} and reads back exactly as many bytes, which must be the same. */
    private void roundTrip(Socket client, byte[] message, String who) throws IOException {
        roundTrip(client, message, who, " Is the listening channel registered for OP_ACCEPT, each accepted channel"
                + " non-blocking and registered for OP_READ, and does the loop call select() again and again?");
    }

    private void roundTrip(Socket client, byte[] message, String who, String ifNoEcho) throws IOException {
        roundTrip(client, message, who, ifNoEcho, false);
    }

    /**
     * Sends {@code message} on {@code client} and reads back exactly as many bytes, which must be the same; if
     * {@code busyFails}, fails as soon as the serving thread has used {@link #BUSY_LIMIT} of CPU without
     * answering, rather than only after {@link #ECHO_LIMIT}: for where the server has nothing else to do.
     */
    private void roundTrip(Socket client, byte[] message, String who, String ifNoEcho, boolean busyFails)
            throws IOException {
        long cpuStart = loop.cpuTime();
        long wallStart = System.nanoTime();
        long[] busy = {0};
        client.getOutputStream().write(message);
        client.setSoTimeout(1);
        InputStream in = client.getInputStream();
        byte[] back = new byte[message.length];
        int[] got = {0};
        boolean[] ended = {false};
        boolean whole = loop.awaitWhileServing(() -> {
            try {
                int n = in.read(back, got[0], back.length - got[0]);
                if (n < 0) {
                    ended[0] = true;
                } else {
                    got[0] += n;
                }
            } catch (SocketTimeoutException nothingYet) {
                // not yet: look again
            } catch (IOException e) {
                ended[0] = true;
            }
            if (ended[0] || got[0] == back.length) {
                return true;
            }
            busy[0] = loop.cpuTime() - cpuStart;
            return busyFails && busy[0] > BUSY_LIMIT.toNanos();
        }, ECHO_LIMIT);
        if (ended[0]) {
            String seen = who + " sent " + message.length + " bytes and the server closed the connection after"
                    + " echoing " + got[0] + " of them.";
            loop.assertServingAfter("(" + seen + ")");
            fail(seen);
        }
        if (whole && got[0] < back.length) {
            fail(String.format("%s sent %d bytes (\"%s\") and got %d of them back, while the thread running serve()"
                    + " used %.0f ms of CPU in %.0f ms without answering it: it is busy with something else than"
                    + " serving.%s", who, message.length, text(message), got[0], busy[0] / 1e6,
                    (System.nanoTime() - wallStart) / 1e6, got[0] == 0 ? " No echo at all." + ifNoEcho : ""));
        }
        if (!whole) {
            fail(who + " sent " + message.length + " bytes (\"" + text(message) + "\") and got " + got[0]
                    + " of them back within " + ECHO_LIMIT.toMillis() + " ms"
                    + (got[0] == 0 ? ": no echo at all." + ifNoEcho : "."));
        }
        if (!Arrays.equals(message, back)) {
            fail(who + " sent \"" + text(message) + "\" and got back \"" + text(back) + "\".");
        }
    }

    /** A second client gets its echo while the first one is not reading. */
    private void assertOtherClientServed(Socket other, Random random, long hogSent) throws IOException {
        byte[] message = message(random, 1 + random.nextInt(100));
        roundTrip(other, message, "Another client", " Meanwhile a first client had sent " + hogSent + " bytes and"
                + " read none of its echo. When a write to that client takes only part of what is left, keep the"
                + " rest and go back to select(): a loop that keeps writing until everything has gone waits on that"
                + " one client, and everyone else waits with it.", true);
    }

    private void assertClosedByServer(Socket client, int number) throws IOException {
        client.setSoTimeout(500); // serve() has returned: a closed connection shows at once over loopback
        try {
            int read = client.getInputStream().read();
            if (read >= 0) {
                fail("After stop(), client " + number + " could still read a byte (" + read + ") from its"
                        + " connection.");
            }
        } catch (SocketTimeoutException stillOpen) {
            fail("serve() returned after stop(), but client " + number + "'s connection is still open: 500 ms later"
                    + " it had neither an end of stream nor a reset. Close every connection on the way out: the"
                    + " channels of selector.keys(), for example.");
        } catch (SocketException reset) {
            // closed with a reset: closed all the same
        }
    }

    private static byte[] message(Random random, int length) {
        byte[] message = new byte[length];
        for (int i = 0; i < length; i++) {
            message[i] = (byte) ('a' + random.nextInt(26));
        }
        return message;
    }

    /** The bytes of a long stream that can be checked at any position without keeping them. */
    private static byte pattern(long position) {
        return (byte) ('!' + (position * 7 + position / 9973) % 94);
    }

    private static String text(byte[] bytes) {
        String all = new String(bytes, StandardCharsets.US_ASCII);
        return all.length() > 60 ? all.substring(0, 60) + "..." : all;
    }
}
