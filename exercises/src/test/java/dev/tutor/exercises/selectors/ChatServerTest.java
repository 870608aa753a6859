package dev.tutor.exercises.selectors;

import static dev.tutor.exercises.selectors.LoopUnderTest.check;
import static dev.tutor.runtime.net.EpollWatch.EPOLLIN;
import static dev.tutor.runtime.net.EpollWatch.EPOLLOUT;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tutor.exercises.selectors.ChatClients.Client;
import dev.tutor.exercises.selectors.ChatClients.Pieces;
import dev.tutor.exercises.support.Seeded;
import dev.tutor.exercises.support.TcpBuffers;
import dev.tutor.exercises.support.TcpBuffers.Figure;
import dev.tutor.runtime.net.EpollWatch;
import dev.tutor.runtime.net.QuickAcks;
import dev.tutor.runtime.net.TcpQueues;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Grades {@link ChatServer}. Each test makes a server, runs {@code serve()} on a thread of the test's own
 * ({@link LoopUnderTest}) and drives the clients from the test's thread ({@link ChatClients}): they join
 * one at a time, each saying hello, so every test knows who is in the room; then they send unique lines,
 * whole, one byte at a time or cut at random, all at once. Every line a client receives is checked as it
 * arrives.
 *
 * <p>The tests run in the order a chat server is written: the loop, the forwarding and {@code stop()}
 * (hint 1); lines cut into pieces, too long, or left unfinished (hint 2); the outgoing queues, write
 * interest only while one is not empty, and the client that stops reading (hint 3). The one-thread rule,
 * read off the compiled class, runs last, so that no answer that fails earlier waits for it. Each
 * test carries {@code @Tag("hint:N")}.
 */
@ExtendWith(Seeded.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChatServerTest {

    /** The longest a right server needs to pass a few lines on over loopback, with a wide margin. */
    private static final Duration LINE_LIMIT = Duration.ofSeconds(2);
    /** Lines sent between two looks at the kernel's view while a client falls behind: two of them fit in its queue. */
    private static final int SMALL_BATCH = 24 * 1024;
    /** Room for a unique line's head ("client 1 line 12345 ") and its newline. */
    private static final int MIN_EXACT_LINE = 32;
    /** The most lines sent to fill a queue to QUEUE_LIMIT, the kernel taking more now and then: many times 64 KiB. */
    private static final int APPROACH_LINES = 20_000;
    /** What a batch leaves free of a queue when filling it: more than the kernel's count can be short by. */
    private static final int APPROACH_MARGIN = 8 * 1024;
    /** epoll's bit for "tell me when it can be written", as the kernel shows it. */
    /** How long a batch of lines may take to reach everyone. */
    private static final Duration BATCH_LIMIT = Duration.ofSeconds(5);
    /** How long a client that fell behind may take to read back the couple of MiB it is owed. */
    private static final Duration CATCH_UP_LIMIT = Duration.ofSeconds(10);

    private LoopUnderTest loop;
    private ChatClients room;

    @AfterEach
    void stopTheServer() throws IOException {
        if (room != null) {
            room.close();
        }
        if (loop != null) {
            loop.close();
        }
    }

    @Test
    @Order(11)
    @Tag("hint:1")
    void usesOneThreadForEveryClient() {
        LoopUnderTest.assertUsesNoThreads(ChatServer.class);
    }

    @Test
    @Order(1)
    @Tag("hint:1")
    void aLineGoesToEveryOtherClient(Random random) throws IOException {
        start(random);
        InetSocketAddress address = loop.address();
        check(address != null && address.getAddress().isLoopbackAddress() && address.getPort() > 0,
                () -> "address() returned " + address + "; it should be 127.0.0.1 and the port the listening"
                        + " channel was bound to.");
        // At least three, so that every line has more than one recipient to reach.
        List<Client> clients = joinAll(3 + random.nextInt(4));
        for (Client sender : clients) {
            String line = "from " + sender + ": " + words(random, 1 + random.nextInt(8)) + "\n";
            room.send(sender, List.of(line), Pieces.WHOLE);
            awaitEveryoneElse(sender, line, clients, LINE_LIMIT);
        }
        loop.assertHandledKeysRemoved("every client had had every line");
    }

    @Test
    @Order(5)
    @Tag("hint:2")
    void linesCutIntoPiecesArriveWholeAndInOneOrder(Random random) throws IOException {
        start(random);
        List<Client> clients = joinAll(3 + random.nextInt(4));
        for (Pieces pieces : Pieces.values()) {
            Map<Client, List<String>> sent = new HashMap<>();
            for (Client sender : clients) {
                List<String> lines = new ArrayList<>();
                for (int n = 0; n < 5 + random.nextInt(pieces == Pieces.ONE_BYTE ? 6 : 30); n++) {
                    lines.add(sender + " " + pieces + " line " + n + ": " + words(random, random.nextInt(20)) + "\n");
                }
                sent.put(sender, lines);
                room.send(sender, lines, pieces);
            }
            int[] firstNew = clients.stream().mapToInt(c -> c.lines.size()).toArray();
            if (!room.pump(() -> everyoneElseHasTheLastLine(clients, sent), BATCH_LIMIT)
                    || !everyoneElseHasAll(clients, sent)) {
                failMissing(clients, sent, pieces);
            }
            assertOneOrder(clients, sent, firstNew, pieces);
        }
    }

    @Test
    @Order(6)
    @Tag("hint:2")
    void aLineOfMaxLineBytesIsForwardedAndALongerOneDisconnectsItsSender(Random random) throws IOException {
        start(random);
        List<Client> clients = joinAll(3);
        Client sender = clients.get(0);
        String longest = "longest " + "x".repeat(ChatServer.MAX_LINE - "longest \n".length()) + "\n";
        room.send(sender, List.of(longest), Pieces.RANDOM);
        awaitEveryoneElse(sender, longest, clients, LINE_LIMIT);

        // One byte too long, its '\n' included: MAX_LINE counts the '\n'.
        int length = ChatServer.MAX_LINE + 1;
        String tooLong = "too long " + "y".repeat(length - "too long \n".length()) + "\n";
        List<Client> others = clients.subList(1, clients.size());
        long[] before = others.stream().mapToLong(c -> c.receivedBytes).toArray();
        BooleanSupplier someoneGotSome = () -> {
            for (int i = 0; i < others.size(); i++) {
                if (others.get(i).receivedBytes != before[i]) {
                    return true;
                }
            }
            return false;
        };
        room.send(sender, List.of(tooLong), Pieces.RANDOM);
        room.pump(() -> sender.ended != null || someoneGotSome.getAsBoolean(), LINE_LIMIT);
        for (int i = 0; i < others.size(); i++) {
            Client other = others.get(i);
            long got = other.receivedBytes - before[i];
            check(got == 0, () -> sender + " sent a line of " + length + " bytes, its '\\n' included, one more than"
                    + " MAX_LINE (" + ChatServer.MAX_LINE + "), and " + other + " received " + got + " bytes of them"
                    + (other.partial.isEmpty() ? "" : ", \"" + ChatClients.shorten(other.partial.toString()) + "\"")
                    + ". Nothing of a line longer than MAX_LINE is forwarded: its sender is disconnected.");
        }
        if (!room.pump(() -> sender.ended != null, LINE_LIMIT)) {
            fail(sender + " sent a line of " + length + " bytes, its '\\n' included, one more than MAX_LINE ("
                    + ChatServer.MAX_LINE + "), and was still connected " + LINE_LIMIT.toMillis() + " ms later. MAX_LINE"
                    + " counts the '\\n', and a client that sends"
                    + " MAX_LINE bytes of a line and no '\\n' is disconnected: its line can only be too long,"
                    + " and holding on would need an ever bigger buffer.");
        }
        Client other = clients.get(1);
        String after = "after the long line\n";
        room.send(other, List.of(after), Pieces.WHOLE);
        awaitEveryoneElse(other, after, List.of(other, clients.get(2)), LINE_LIMIT);
        assertGoneClientsForgotten(sender + " was disconnected for its long line");
    }

    @Test
    @Order(7)
    @Tag("hint:2")
    void aClientThatLeavesMidLineTakesItsUnfinishedLineWithIt(Random random) throws IOException {
        start(random);
        List<Client> clients = joinAll(4 + random.nextInt(3));
        Client leaving = clients.get(0);
        String unfinished = "unfinished line of " + leaving + ": " + words(random, 1 + random.nextInt(10));
        room.send(leaving, List.of(unfinished), Pieces.RANDOM);
        if (!room.pump(leaving::sendingDone, LINE_LIMIT)) {
            fail(leaving + " could not send " + unfinished.length() + " bytes in " + LINE_LIMIT.toMillis() + " ms.");
        }
        leaving.channel.shutdownOutput();
        if (!room.pump(() -> leaving.ended != null, LINE_LIMIT)) {
            fail(leaving + " sent the start of a line, then closed its side of the connection, and "
                    + LINE_LIMIT.toMillis() + " ms later the server still had not closed its end. read() returning"
                    + " -1 means the client has finished sending: close its channel and forget it.");
        }
        checkTheRoomGoesOn(random, clients.subList(1, clients.size()));

        // The same again, leaving by a reset.
        Client resetting = clients.get(1);
        String cut = "cut short by a reset: " + words(random, 1 + random.nextInt(10));
        room.send(resetting, List.of(cut), Pieces.RANDOM);
        room.pump(resetting::sendingDone, LINE_LIMIT);
        Optional<Integer> resettingFd = serverSideDescriptor(resetting);
        room.reset(resetting);
        if (resettingFd.isPresent()) {
            int fd = resettingFd.get();
            if (!room.pump(() -> loop.watchedEvents(fd).orElse(0) == 0, LINE_LIMIT)) {
                fail(resetting + " sent the start of a line, then reset its connection, and " + LINE_LIMIT.toMillis()
                        + " ms later the server's selector still watched its socket. A read that throws means the"
                        + " client is gone: close its channel (which takes it out of the selector) and forget it.");
            }
        } else {
            loop.assertIdle("one client gone by a reset after half a line, the rest silent");
        }
        checkTheRoomGoesOn(random, clients.subList(2, clients.size()));
        assertGoneClientsForgotten(leaving + " closed its side and " + resetting + " reset its connection");
    }

    @Test
    @Order(8)
    @Tag("hint:3")
    void idleClientsCostNoCpu(Random random) throws IOException {
        start(random);
        List<Client> clients = joinAll(3 + random.nextInt(8));
        for (Client sender : clients) {
            String line = "from " + sender + ": " + words(random, 3) + "\n";
            room.send(sender, List.of(line), Pieces.WHOLE);
            awaitEveryoneElse(sender, line, clients, LINE_LIMIT);
        }
        loop.assertIdle(clients.size() + " clients connected and silent, each having had every line");
    }

    /**
     * Three clients fall behind while the others talk. One of them, "late", reads nothing until its socket
     * is full and the server has begun to queue lines for it, then reads: it must get every line, whole and
     * in order, and still be connected. Another, "stalled", never reads: it must be disconnected once its
     * queue would pass QUEUE_LIMIT. The third leaves by a reset once lines wait in its queue, and must be
     * forgotten. The talkers must get every line, batch after batch, all along. Where the kernel's view of the server's selector can be read (Linux),
     * "the server has begun to queue" is seen there: late's connection is watched for EPOLLOUT. Then late
     * reads what its socket holds, which gives the socket room again without waking the loop, and a line sent
     * now must reach late after every line queued before it; once late has caught up, its connection must no
     * longer be watched for EPOLLOUT. Elsewhere late reads from the start, and the loop must be idle at the end.
     */
    @Test
    @Order(9)
    @Tag("hint:3")
    void clientsThatFallBehindAreServedFromTheirQueuesOrLetGo(Random random)
            throws IOException {
        start(random);
        List<Client> talkers = joinAll(2);
        // Default socket buffers: a receive buffer made small before connecting keeps the TCP window small for
        // good, and after a long stall such a client can wait seconds for the first bytes it is owed.
        // stalled joins before late: when it is let go, members after it are still to be served.
        Client stalled = room.join(0, false, LINE_LIMIT);
        Client late = room.join(0, false, LINE_LIMIT);
        Client quitter = room.join(0, false, LINE_LIMIT);
        Optional<Integer> lateFd = serverSideDescriptor(late);
        Optional<Integer> quitterFd = serverSideDescriptor(quitter);
        Map<Client, List<String>> sent = new HashMap<>();
        long volume = bytesToOverflowASocketAndAQueue();
        long surelyNotFull = bytesASocketSurelyHolds();
        long forwarded = 0;
        int batch = 0;
        boolean lateReads = false;
        boolean quitterGone = false;
        if (lateFd.isEmpty()) {
            startReading(late);
            lateReads = true;
        }
        // After each batch the stalled client sends one byte of a line it never finishes: once the server has
        // closed its connection, that byte is answered with a reset, and the next one fails.
        while ((stalled.ended == null || !lateReads) && forwarded < volume) {
            // Small batches while late's queue must stay well inside QUEUE_LIMIT when it begins.
            List<Client> readers = new ArrayList<>(talkers);
            if (lateReads) {
                readers.add(late); // once it reads, it keeps up: each batch waits for it too
            }
            boolean big = (lateReads && quitterGone) || forwarded < surelyNotFull;
            forwarded += sendBatch(random, talkers, readers, sent, ++batch, big ? 128 * 1024 : SMALL_BATCH, stalled);
            room.send(stalled, List.of("."), Pieces.WHOLE);
            room.pump(stalled::sendingDone, LINE_LIMIT);
            if (!lateReads) {
                int events = loop.watchedEvents(lateFd.get()).orElse(0);
                long soFar = forwarded;
                check(events != 0, () -> late + " read nothing, and after " + soFar / 1024 + " KiB of lines the"
                        + " server had closed its connection, without ever having watched it for EPOLLOUT (room to"
                        + " write) before; the test looks after every " + SMALL_BATCH / 1024 + " KiB. When a"
                        + " client's socket is full, what it does not take waits in that client's queue, and the"
                        + " key asks for OP_WRITE"
                        + " so that the queue is written as soon as there is room; only a queue that would grow"
                        + " past QUEUE_LIMIT (" + ChatServer.QUEUE_LIMIT / 1024 + " KiB) means disconnection.");
                if ((events & EPOLLOUT) != 0) {
                    check((events & EPOLLIN) != 0, () -> late + " read nothing until its socket was full and the"
                            + " server queued lines for it; from then on its connection was watched for EPOLLOUT"
                            + " alone, not EPOLLIN: the server had stopped reading what " + late + " sends. A client"
                            + " that falls behind may still talk, and its lines must still reach everyone else:"
                            + " keep OP_READ in its key's interest and add OP_WRITE (OP_READ | OP_WRITE).");
                    // The server is queueing for late, at most this batch. Many short lines add little to
                    // that in bytes and much in lines: a queue limited in lines lets late go now.
                    int shortLines = 2 * ChatServer.QUEUE_LIMIT / ChatServer.MAX_LINE + random.nextInt(64);
                    long shortBytes = sendShortLines(random, talkers, sent, shortLines);
                    forwarded += shortBytes;
                    long queuedAtMost = SMALL_BATCH + ChatServer.MAX_LINE + shortBytes;
                    check(loop.watchedEvents(lateFd.get()).orElse(0) != 0, () -> late + " read nothing until its"
                            + " socket was full and the server queued lines for it (its connection was watched for"
                            + " EPOLLOUT), with at most " + SMALL_BATCH / 1024 + " KiB waiting; then " + shortLines
                            + " short lines, " + shortBytes + " bytes in all, were sent, and the server closed "
                            + late + "'s connection, though its queue held at most " + queuedAtMost / 1024
                            + " KiB, well under QUEUE_LIMIT (" + ChatServer.QUEUE_LIMIT / 1024 + " KiB). The limit"
                            + " is on bytes, not lines: keep a count of the bytes queued for each client, add a"
                            + " line's length as it is queued and subtract what each write takes.");
                    // Lines wait in late's queue now. late reads what its socket holds, and a talker sends a
                    // line: it must reach late behind them.
                    String behind = sendBehindAQueue(random, late, talkers, sent);
                    forwarded += behind.length();
                    // Let late read everything so far before sending more.
                    startReading(late);
                    lateReads = true;
                    awaitCaughtUp(late, sent, forwarded);
                    assertCameLast(late, behind);
                    assertWriteInterestDropped(late, lateFd.get());
                }
            }
            if (!quitterGone && (quitterFd.isEmpty()
                    || (loop.watchedEvents(quitterFd.get()).orElse(0) & EPOLLOUT) != 0)) {
                room.reset(quitter); // leaves by a reset while lines wait in its queue
                quitterGone = true;
            }
        }
        long total = forwarded;
        check(lateReads, () -> late + " read nothing while " + total / 1024 + " KiB of lines were sent to it, and"
                + " the server never asked to be told when its socket had room (its connection was never watched"
                + " for EPOLLOUT). When a write leaves bytes over, keep them at the head of the queue and add"
                + " OP_WRITE to the key's interest.");
        if (quitterGone) {
            quitterFd.ifPresent(fd -> check(loop.watchedEvents(fd).orElse(0) == 0, () -> quitter + " reset its"
                    + " connection while lines waited in its queue, and " + total / 1024 + " KiB of lines later the"
                    + " server still watched its socket. A write or read that throws means the client is gone:"
                    + " close its channel and forget it."));
        }
        awaitCaughtUp(late, sent, total);
        assertOneOrder(List.of(late), sent, new int[] {0}, Pieces.LARGE_RANDOM);
        if (lateFd.isEmpty()) {
            // Without the kernel's view, late read from the start; where it fell behind all the same, its key
            // asked for OP_WRITE for a while, and a loop that leaves it on now spins.
            loop.assertIdle(late + " caught up with every line, the others silent");
        }

        String marker = "sent after the stalled client must have been disconnected\n";
        Client markerSender = talkers.get(0);
        room.send(markerSender, List.of(marker), Pieces.WHOLE);
        awaitEveryoneElse(markerSender, marker, talkers, LINE_LIMIT);

        // Now the stalled client reads everything it was sent: its stream must end before the marker.
        startReading(stalled);
        boolean over = room.pump(() -> stalled.ended != null || stalled.received(marker), LINE_LIMIT);
        long held = stalled.receivedBytes;
        if (stalled.received(marker)) {
            fail(stalled + " read nothing while " + total / 1024 + " KiB were sent to it, and it was still"
                    + " connected: once it began to read it got " + held / 1024 + " KiB, up to a line sent after"
                    + " all that. Its queue must hold at most QUEUE_LIMIT (" + ChatServer.QUEUE_LIMIT / 1024
                    + " KiB) beyond what its socket took; a client whose queue would grow past that is"
                    + " disconnected.");
        }
        check(over, () -> stalled + " read nothing while " + total / 1024 + " KiB were sent to it; once it began"
                + " to read, it got " + held / 1024 + " KiB and then nothing for " + LINE_LIMIT.toMillis() + " ms:"
                + " neither the end of its stream nor more lines. A client whose queue would grow past QUEUE_LIMIT"
                + " is disconnected: close its channel.");
        assertGoneClientsForgotten(stalled + " was disconnected with its queue full"
                + (quitterGone ? " and " + quitter + " reset its connection" : ""));
    }

    /**
     * A queue may hold exactly QUEUE_LIMIT bytes, and not one more. One client never reads while another
     * talks. Once its socket is full and the server queues for it, lines are sent one at a time, each as long
     * as the queue has room for by the kernel's count (Linux shows how many bytes it holds for a connection),
     * so that one of them fills the queue to exactly QUEUE_LIMIT: the client must stay connected, and the next
     * line must see it let go. Afterwards the client reads what it was sent up to the end of its stream, which
     * says exactly what its queue held when the server let it go, whatever the kernel's count said before.
     */
    @Test
    @Order(10)
    @Tag("hint:3")
    void aQueueMayHoldExactlyQueueLimitBytesAndNotOneMore(Random random) throws IOException {
        assumeTrue(TcpQueues.available(), "only Linux shows how many bytes the kernel holds for a connection");
        start(random);
        Client talker = room.join(0, true, LINE_LIMIT);
        Client listener = room.join(0, true, LINE_LIMIT);
        Client stalled = room.join(0, false, LINE_LIMIT);
        Optional<EpollWatch> stalledWatch = serverSideWatch(stalled);
        assumeTrue(stalledWatch.isPresent() && stalledWatch.get().socketInode().isPresent(),
                "only Linux shows what the server's selector watches");
        int fd = stalledWatch.get().fd();
        // Its socket, named for good: once the server closes it, a new connection may get its descriptor's number.
        long socket = stalledWatch.get().socketInode().getAsLong();
        // Every line the talker sends from now on is forwarded to the stalled client: "sent" counts them all.
        long sent = 0;
        long volume = bytesToOverflowASocketAndAQueue();
        long surelyNotFull = bytesASocketSurelyHolds();
        int batch = 0;
        while ((loop.watchedEvents(fd).orElse(0) & EPOLLOUT) == 0) {
            long soFar = sent;
            check(loop.watchedEvents(fd).orElse(0) != 0, () -> stalled + " read nothing, and after " + soFar / 1024
                    + " KiB of lines the server had closed its connection, without ever having watched it for"
                    + " EPOLLOUT (room to write). What a full socket does not take waits in the client's queue,"
                    + " which may hold up to QUEUE_LIMIT (" + ChatServer.QUEUE_LIMIT / 1024 + " KiB).");
            check(sent < volume, () -> stalled + " read nothing while " + soFar / 1024 + " KiB of lines were"
                    + " sent to it, and the server never watched its connection for EPOLLOUT (room to write)."
                    + " When a write leaves bytes over, keep them at the head of the queue and add OP_WRITE to"
                    + " the key's interest.");
            sent += sendBatch(random, List.of(talker), List.of(listener), new HashMap<>(), ++batch,
                    sent < surelyNotFull ? 128 * 1024 : SMALL_BATCH, stalled);
        }
        // The queue holds at most the last batch now. Fill it to the brim by the kernel's count, taken anew
        // before every step since the kernel may take more now and then: while there is much room, in batches
        // that leave APPROACH_MARGIN for the count to be short by; then a line at a time.
        List<long[]> step = new ArrayList<>(); // the lines of the last step: {bytes sent before it, its length}
        int lineNumber = 0;
        while (loop.watchedInodes().orElse(Set.of()).contains(socket)) {
            long soFar = sent;
            check(lineNumber <= APPROACH_LINES && sent < 2 * volume, () -> stalled + " read nothing while "
                    + soFar / 1024 + " KiB of lines were sent to it, the last ones to fill its queue to exactly"
                    + " QUEUE_LIMIT and past it, and the server still held it. A client whose queue would grow past"
                    + " QUEUE_LIMIT is disconnected.");
            long queued = queuedByTheKernelsCount(stalled, sent);
            // The count is taken from two rows read one after the other while bytes may move between them: it
            // may be off by what moves meanwhile. Only a queue far past the limit is told from it; the verdict
            // on the limit itself comes from what the client receives in the end.
            check(queued <= 3L * ChatServer.QUEUE_LIMIT, () -> stalled + " read nothing, and its queue held about "
                    + queued / 1024 + " KiB (the " + soFar / 1024 + " KiB sent to it, less what reached it and what"
                    + " the kernel holds at both ends), far more than QUEUE_LIMIT (" + ChatServer.QUEUE_LIMIT / 1024
                    + " KiB), and it was still connected. Before a line is queued, check that it fits; a client"
                    + " whose queue would grow past QUEUE_LIMIT is disconnected.");
            long space = ChatServer.QUEUE_LIMIT - queued;
            List<Integer> lengths = new ArrayList<>();
            if (space > 2 * APPROACH_MARGIN) {
                for (long left = space - APPROACH_MARGIN; left >= ChatServer.MAX_LINE; ) {
                    int length = ChatServer.MAX_LINE / 4 + random.nextInt(3 * ChatServer.MAX_LINE / 4 + 1);
                    lengths.add(length);
                    left -= length;
                }
            } else if (space > 0) {
                lengths.add((int) (space <= ChatServer.MAX_LINE ? Math.max(space, MIN_EXACT_LINE)
                        : Math.min(ChatServer.MAX_LINE, space - MIN_EXACT_LINE)));
            } else { // full to the brim, or past it by the count: the next line must see the client let go
                lengths.add(ChatServer.MAX_LINE / 2 + random.nextInt(ChatServer.MAX_LINE / 2 + 1));
            }
            step.clear();
            List<String> lines = new ArrayList<>();
            for (int length : lengths) {
                step.add(new long[] {sent, length});
                lines.add(exactLine(talker, ++lineNumber, length));
                sent += length;
            }
            room.send(talker, lines, Pieces.LARGE_RANDOM);
            awaitEveryoneElse(talker, lines.get(lines.size() - 1), List.of(talker, listener), LINE_LIMIT);
            awaitASelectAfterwards();
        }
        startReading(stalled);
        boolean ended = room.pump(() -> stalled.ended != null, CATCH_UP_LIMIT);
        long reached = stalled.receivedBytes;
        long total = sent;
        check(ended, () -> "The server stopped watching " + stalled + "'s connection after it had been sent "
                + total / 1024 + " KiB; once it read, it got " + reached / 1024 + " KiB and then neither more nor"
                + " the end of its stream. A client that is let go must be closed.");
        // It was let go at one of the last step's lines; its queue then held what was sent before that line,
        // less what reached it.
        long[] first = step.get(0);
        long[] last = step.get(step.size() - 1);
        long heldAtMost = last[0] - reached;
        long heldAtLeast = first[0] - reached;
        String when = step.size() == 1 ? "when its queue held " + heldAtLeast + " bytes" : "when its queue held"
                + " between " + heldAtLeast + " and " + heldAtMost + " bytes";
        check(heldAtLeast <= ChatServer.QUEUE_LIMIT, () -> "The server let " + stalled + ", which read nothing, go "
                + when + ", more than QUEUE_LIMIT (" + ChatServer.QUEUE_LIMIT + "): the bytes sent to it, less the "
                + reached + " that reached it. A queue holds at most QUEUE_LIMIT bytes: check whether a line fits"
                + " before queueing it.");
        long withTheLine = heldAtMost + last[1];
        check(withTheLine > ChatServer.QUEUE_LIMIT, () -> "The server let " + stalled + ", which read nothing, go "
                + when + (step.size() == 1 ? " and a line of " + last[1] + " bytes came: with it, "
                : ", and with the last line it was sent, ") + withTheLine + " bytes, "
                + (withTheLine == ChatServer.QUEUE_LIMIT ? "exactly QUEUE_LIMIT" : "under QUEUE_LIMIT ("
                + ChatServer.QUEUE_LIMIT + ")") + " (the queue is what was sent to it, less what reached it). A"
                + " queue may hold QUEUE_LIMIT bytes; only a line that would take it past QUEUE_LIMIT means"
                + " disconnection.");
    }

    /**
     * What the server has queued for {@code stalled} and not yet written, by the kernel's count: everything
     * sent to it less what reached it and what the kernel holds at both ends of its connection.
     */
    private long queuedByTheKernelsCount(Client stalled, long sent) throws IOException {
        int clientPort = ((InetSocketAddress) stalled.channel.getLocalAddress()).getPort();
        long inKernel = TcpQueues.between(clientPort, loop.address().getPort())
                .map(TcpQueues.Connection::inKernel).orElse(0L);
        return sent - stalled.receivedBytes - inKernel;
    }

    /**
     * Waits until the server's loop has been round select() once more. A channel the server closes while it is
     * registered leaves the selector's watch only at its next select(), so "still watched" means "not closed"
     * only after that. A new connection is made: the select() that reports it comes after the one that let a
     * closed channel go, and the selector watches the new connection only from the select() after that.
     */
    private void awaitASelectAfterwards() throws IOException {
        Set<Long> before = loop.watchedInodes().orElse(Set.of());
        try (SocketChannel knock = SocketChannel.open(loop.address())) {
            boolean seen = loop.awaitWhileServing(() -> !before.containsAll(loop.watchedInodes().orElse(Set.of())),
                    LINE_LIMIT);
            check(seen, () -> "A client connected, and within " + LINE_LIMIT.toMillis() + " ms the server's selector"
                    + " did not watch its connection. Accept every connection and register it for OP_READ.");
        }
    }

    /** A line from {@code sender} of exactly {@code length} bytes, its newline included, unique by its number. */
    private static String exactLine(Client sender, int number, int length) {
        String head = sender + " line " + number + " ";
        return head + "z".repeat(length - head.length() - 1) + "\n";
    }

    /**
     * Sends {@code count} short lines from the first talker and, once the second has them, one line from
     * the second: when the first has that, the server has queued every short line for everyone, since it
     * forwards a line to all before it reads the next. Returns the bytes sent.
     */
    private long sendShortLines(Random random, List<Client> talkers, Map<Client, List<String>> sent, int count)
            throws IOException {
        Client first = talkers.get(0);
        Client second = talkers.get(1);
        List<String> lines = new ArrayList<>();
        long total = 0;
        for (int i = 0; i < count; i++) {
            String line = first + " short " + i + "z".repeat(random.nextInt(4)) + "\n";
            lines.add(line);
            total += line.length();
        }
        sent.computeIfAbsent(first, s -> new ArrayList<>()).addAll(lines);
        room.send(first, lines, Pieces.LARGE_RANDOM);
        awaitEveryoneElse(first, lines.get(lines.size() - 1), talkers, BATCH_LIMIT);
        String answer = second + " has had the short lines\n";
        sent.computeIfAbsent(second, s -> new ArrayList<>()).add(answer);
        room.send(second, List.of(answer), Pieces.WHOLE);
        awaitEveryoneElse(second, answer, talkers, BATCH_LIMIT);
        return total + answer.length();
    }

    /**
     * Sends a line from a talker while lines wait in {@code late}'s queue and its socket has room again, before
     * the loop has been told so; returns it, added to {@code sent}. {@code late} reads what its socket holds
     * (about one receive buffer), and the server's kernel sends that much more of what it holds for late and
     * frees its place: room enough for a line, but far from the third of the send buffer that epoll waits for
     * before it calls a socket writable again, so the loop is not woken for late. The talker's line then finds
     * a queue that is not empty and a socket that would take it.
     */
    private String sendBehindAQueue(Random random, Client late, List<Client> talkers, Map<Client, List<String>> sent)
            throws IOException {
        int latePort = ((InetSocketAddress) late.channel.getLocalAddress()).getPort();
        int serverPort = loop.address().getPort();
        Optional<TcpQueues.Connection> before = TcpQueues.between(latePort, serverPort);
        room.readAtMost(late, before.map(c -> c.a().receiving()).orElse(0L));
        // Room shows as fewer bytes the server's end holds unacknowledged. Once it shows, the kernel is done
        // with it before the server's next write to late, which waits for the connection's lock.
        before.ifPresent(was -> loop.awaitWhileServing(() -> {
            QuickAcks.request(late.channel); // late's kernel acknowledges what came in at once, not 40 ms later
            return TcpQueues.between(latePort, serverPort).map(c -> c.b().sending() < was.b().sending())
                    .orElse(true);
        }, LINE_LIMIT));
        Client sender = talkers.get(random.nextInt(talkers.size()));
        String line = sender + " while lines wait in " + late + "'s queue\n";
        sent.computeIfAbsent(sender, s -> new ArrayList<>()).add(line);
        room.sentBehindAQueue(line, late);
        room.send(sender, List.of(line), Pieces.WHOLE);
        awaitEveryoneElse(sender, line, talkers, LINE_LIMIT);
        return line;
    }

    /** Fails unless {@code line}, sent while lines waited in {@code late}'s queue, is the last line late got. */
    private static void assertCameLast(Client late, String line) {
        int at = late.lines.indexOf(line);
        List<String> after = late.lines.subList(at + 1, late.lines.size());
        check(after.isEmpty(), () -> late + " had lines waiting in its queue, its socket full, when it read what"
                + " its socket held; then \"" + ChatClients.shorten(line) + "\" was sent, and " + late + " got it"
                + " before " + after.size() + " line" + (after.size() == 1 ? "" : "s") + " queued for it earlier,"
                + " the first \"" + ChatClients.shorten(after.get(0)) + "\". Its socket had room again, but the"
                + " loop had not been told yet (epoll calls a socket writable only once a good part of its buffer"
                + " is free), and the new line was written straight to the socket, ahead of the queue. A line for"
                + " a client goes to the end of its queue, and writing always starts at the head of the queue.");
    }

    /**
     * Fails if the server's selector still watches {@code late}'s connection (descriptor {@code fd}) for EPOLLOUT
     * once late has caught up, its queue empty: judged as soon as the loop has come to rest, or has been seen
     * busy with nothing to do.
     */
    private void assertWriteInterestDropped(Client late, int fd) {
        // A right loop takes OP_WRITE off as it writes the last byte; the kernel sees it at the next select().
        Optional<long[]> busy = loop.settle();
        int events = loop.watchedEvents(fd).orElse(0);
        check((events & EPOLLOUT) == 0, () -> late + " fell behind, lines waited in its queue, and then it read"
                + " every one of them; with its queue empty, the server's selector still watched its connection for"
                + " EPOLLOUT (room to write). A socket with room is always writable, so select() returns at once,"
                + " turn after turn, and the loop spins while the room is quiet" + busy.map(b -> String.format(
                " (it used %.0f ms of CPU in %.0f ms with nothing to do)", b[0] / 1e6, b[1] / 1e6)).orElse("")
                + ". Ask for OP_WRITE only while something waits: when a write empties the queue, set the key's"
                + " interest back to OP_READ.");
    }

    /** Lets {@code late}, which has begun to read, catch up with every line sent so far; fails if it cannot. */
    private void awaitCaughtUp(Client late, Map<Client, List<String>> sent, long forwarded) throws IOException {
        boolean got = room.pump(() -> late.ended != null || sent.values().stream().allMatch(late::receivedAll),
                CATCH_UP_LIMIT);
        check(late.ended == null, () -> late + " fell behind while " + forwarded / 1024 + " KiB of lines were"
                + " sent, its queue holding no more than two batches of " + SMALL_BATCH / 1024 + " KiB when it"
                + " began to read, and the server disconnected it (" + late.ended + "). Only a client whose queue"
                + " would grow past QUEUE_LIMIT is disconnected.");
        if (!got) {
            long lines = sent.values().stream().mapToLong(List::size).sum();
            long received = sent.values().stream().flatMap(List::stream).filter(late::received).count();
            fail(late + " fell behind until its socket was full and lines waited in its queue; once it read, it"
                    + " got " + received + " of the " + lines + " lines within " + CATCH_UP_LIMIT.toSeconds() + " s"
                    + (late.partial.isEmpty() ? "" : ", and the start of a line, \""
                    + ChatClients.shorten(late.partial.toString()) + "\"") + ". What a write leaves over must be"
                    + " sent when the socket has room again: keep it at the head of the queue, ask for OP_WRITE,"
                    + " and go on writing from there when the key is writable.");
        }
    }

    /** The descriptor of the server's side of {@code client}'s connection, where the kernel's view can be read. */
    private Optional<Integer> serverSideDescriptor(Client client) throws IOException {
        return serverSideWatch(client).map(EpollWatch::fd);
    }

    /** The server's selector's watch on its side of {@code client}'s connection, where the kernel shows it. */
    private Optional<EpollWatch> serverSideWatch(Client client) throws IOException {
        int port = ((InetSocketAddress) client.channel.getLocalAddress()).getPort();
        return loop.interestList().flatMap(watches -> watches.stream()
                .filter(w -> w.remotePort() == port && w.localPort() == loop.address().getPort())
                .findFirst());
    }

    private static void startReading(Client client) {
        client.key.interestOps(java.nio.channels.SelectionKey.OP_READ);
    }

    /**
     * Sends about {@code bytes} of lines from the talkers, adds them to {@code sent}, and waits until every
     * one of {@code readers} has the lines the others sent; fails, naming {@code stalled}, if they do not
     * all arrive in time. Returns the bytes sent.
     */
    private long sendBatch(Random random, List<Client> talkers, List<Client> readers, Map<Client, List<String>> sent,
                           int batch, int bytes, Client stalled) throws IOException {
        Map<Client, List<String>> now = new HashMap<>();
        long total = 0;
        for (int t = 0; t < talkers.size(); t++) {
            Client sender = talkers.get(t);
            List<String> lines = new ArrayList<>();
            while (total < (long) bytes * (t + 1) / talkers.size()) {
                String line = sender + " batch " + batch + " line " + lines.size() + " "
                        + "z".repeat(200 + random.nextInt(700)) + "\n";
                lines.add(line);
                total += line.length();
            }
            now.put(sender, lines);
            sent.computeIfAbsent(sender, s -> new ArrayList<>()).addAll(lines);
            room.send(sender, lines, Pieces.LARGE_RANDOM);
        }
        long start = System.nanoTime();
        boolean arrived = room.pump(() -> everyoneElseHasTheLastLine(readers, now)
                || readers.stream().anyMatch(c -> c.ended != null), LINE_LIMIT, BATCH_LIMIT);
        long waited = Duration.ofNanos(System.nanoTime() - start).toMillis();
        loop.assertServing();
        for (Client reader : readers) {
            if (reader.ended != null) {
                fail("While " + stalled + " read nothing, the server disconnected " + reader
                        + " (" + reader.ended + ") in batch " + batch + ", after it had received " + reader.receivedBytes
                        / 1024 + " KiB, though it read every line as it came. A client that keeps up has nothing"
                        + " waiting in its queue; only one whose queue would grow past QUEUE_LIMIT ("
                        + ChatServer.QUEUE_LIMIT / 1024 + " KiB) is let go.");
            }
        }
        if (!arrived || !everyoneElseHasAll(readers, now)) {
            fail("While " + stalled + " read nothing, the other clients stopped getting their lines: in batch "
                    + batch + ", some lines had not arrived after " + waited + " ms"
                    + (!arrived && waited < BATCH_LIMIT.toMillis() ? ", for the last " + LINE_LIMIT.toMillis() + " ms of which no"
                    + " client received a byte" : "") + ". When a client's socket will not take a write, keep the"
                    + " rest in its queue and go back to select(); a loop that waits for that one client makes"
                    + " everyone wait.");
        }
        return total;
    }

    @Test
    @Order(2)
    @Tag("hint:1")
    void stopEndsServeAndClosesEverything(Random random) throws IOException {
        start(random);
        InetSocketAddress address = loop.address();
        List<Client> clients = joinAll(2 + random.nextInt(4));
        loop.stopAndAwait(Duration.ofSeconds(1));
        // serve() has returned: a closed connection shows at once over loopback.
        if (!room.pump(() -> clients.stream().allMatch(c -> c.ended != null), Duration.ofMillis(500))) {
            List<Client> open = clients.stream().filter(c -> c.ended == null).toList();
            fail("serve() returned after stop(), but " + open + " still had open connections 500 ms later: close"
                    + " every client's channel on the way out.");
        }
        loop.assertClosedOnTheWayOut(address);
        LoopUnderTest.assertAnEarlyStopIsKept("ChatServer", () -> adapt(new ChatServer()));
    }

    @Test
    @Order(3)
    @Tag("hint:1")
    void stopSetsAFlagTheLoopIsSureToSeeThenWakesIt() {
        LoopMeans.assertStopReachesTheLoop(ChatServer.class);
    }

    @Test
    @Order(4)
    @Tag("hint:1")
    void closesEverythingAlsoWhenSelectThrows() {
        LoopMeans.assertSelectFailureClosesEverything(ChatServer.class);
    }

    // ---- helpers ----

    private void start(Random random) throws IOException {
        loop = LoopUnderTest.start("ChatServer", () -> adapt(new ChatServer()));
        room = new ChatClients(loop, random);
    }

    private static LoopUnderTest.Server adapt(ChatServer server) {
        return new LoopUnderTest.Server() {
            @Override
            public void serve() throws IOException {
                server.serve();
            }

            @Override
            public void stop() {
                server.stop();
            }

            @Override
            public InetSocketAddress address() {
                return server.address();
            }

            @Override
            public Object instance() {
                return server;
            }
        };
    }

    private List<Client> joinAll(int count) throws IOException {
        List<Client> clients = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            clients.add(room.join(0, true, LINE_LIMIT));
        }
        return clients;
    }

    private void awaitEveryoneElse(Client sender, String line, List<Client> clients, Duration limit)
            throws IOException {
        List<Client> others = clients.stream().filter(c -> c != sender).toList();
        if (!room.pumpWhileAnythingCanArrive(() -> others.stream().allMatch(c -> c.received(line)), limit)) {
            List<Client> missing = others.stream().filter(c -> !c.received(line)).toList();
            fail(sender + " sent \"" + ChatClients.shorten(line) + "\" and " + missing + " of the other "
                    + others.size() + " clients had not received it " + room.waited(limit)
                    + (missing.get(0).partial.isEmpty() ? "." : "; " + missing.get(0) + " had received the"
                    + " start of a line, \"" + ChatClients.shorten(missing.get(0).partial.toString()) + "\"."));
        }
    }

    /** After someone left: a line from each remaining client still reaches the others, unchanged. */
    /**
     * Once the server has nothing left to do, fails if it still holds the closed channel of a client that has
     * gone: a client closed but left in the collection of members stays there as long as the server runs.
     */
    private void assertGoneClientsForgotten(String what) {
        loop.assertIdle("the clients that are left silent after " + what);
        List<String> held = HeldChannels.closedIn(loop.serverInstance());
        check(held.isEmpty(), () -> what + "; with nothing left to do, the server still holds " + held.size()
                + " closed client channel" + (held.size() == 1 ? "" : "s") + ": " + String.join(", ", held)
                + ". When a client goes, take it out of the collection of members as well as closing its channel;"
                + " otherwise every client that ever left stays there, and every line after is queued for it"
                + " too.");
    }

    private void checkTheRoomGoesOn(Random random, List<Client> remaining) throws IOException {
        for (Client sender : remaining) {
            String line = "still here, " + sender + ": " + words(random, 2) + "\n";
            room.send(sender, List.of(line), Pieces.WHOLE);
            awaitEveryoneElse(sender, line, remaining, LINE_LIMIT);
        }
    }

    /** Whether every client has the last line of every other sender: the cheap test, run on every turn. */
    private static boolean everyoneElseHasTheLastLine(List<Client> clients, Map<Client, List<String>> sent) {
        for (Client receiver : clients) {
            for (Map.Entry<Client, List<String>> from : sent.entrySet()) {
                if (from.getKey() != receiver && !from.getValue().isEmpty()
                        && !receiver.received(from.getValue().get(from.getValue().size() - 1))) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean everyoneElseHasAll(List<Client> clients, Map<Client, List<String>> sent) {
        return clients.stream().allMatch(c -> sent.entrySet().stream()
                .filter(e -> e.getKey() != c).allMatch(e -> c.receivedAll(e.getValue())));
    }

    private void failMissing(List<Client> clients, Map<Client, List<String>> sent, Pieces pieces) {
        for (Client receiver : clients) {
            for (Map.Entry<Client, List<String>> from : sent.entrySet()) {
                if (from.getKey() == receiver) {
                    continue;
                }
                for (String line : from.getValue()) {
                    if (!receiver.received(line)) {
                        long got = from.getValue().stream().filter(receiver::received).count();
                        fail(clients.size() + " clients sent " + sent.values().stream().mapToInt(List::size).sum()
                                + " lines at once, cut " + pieces + "; within " + BATCH_LIMIT.toMillis() + " ms "
                                + receiver + " had " + got + " of the " + from.getValue().size() + " lines of "
                                + from.getKey() + ", and not \"" + ChatClients.shorten(line) + "\""
                                + (receiver.partial.isEmpty() ? "." : "; it had the start of a line, \""
                                + ChatClients.shorten(receiver.partial.toString()) + "\"."));
                    }
                }
            }
        }
    }

    /**
     * Every client got the lines in the order the server received them: each sender's lines in the order
     * sent, and any two clients agree on the order of the lines both got.
     */
    private static void assertOneOrder(List<Client> clients, Map<Client, List<String>> sent, int[] firstNew,
                                       Pieces pieces) {
        Map<Client, List<String>> got = new HashMap<>();
        for (int i = 0; i < clients.size(); i++) {
            got.put(clients.get(i), clients.get(i).lines.subList(firstNew[i], clients.get(i).lines.size()));
        }
        for (Client receiver : clients) {
            for (Map.Entry<Client, List<String>> from : sent.entrySet()) {
                if (from.getKey() == receiver) {
                    continue;
                }
                Set<String> theirs = new HashSet<>(from.getValue());
                List<String> inOrder = got.get(receiver).stream().filter(theirs::contains).toList();
                if (!inOrder.equals(from.getValue())) {
                    int at = 0;
                    while (inOrder.get(at).equals(from.getValue().get(at))) {
                        at++;
                    }
                    fail(from.getKey() + " sent its lines (cut " + pieces + ") in one order and " + receiver
                            + " got them in another: line " + (at + 1) + " it got was \""
                            + ChatClients.shorten(inOrder.get(at)) + "\" where \""
                            + ChatClients.shorten(from.getValue().get(at)) + "\" was sent.");
                }
            }
        }
        for (Client a : clients) {
            for (Client b : clients) {
                if (a.id >= b.id) {
                    continue;
                }
                List<String> aSeen = got.get(a).stream().filter(line -> !a.sent.contains(line)
                        && !b.sent.contains(line)).toList();
                List<String> bSeen = got.get(b).stream().filter(line -> !a.sent.contains(line)
                        && !b.sent.contains(line)).toList();
                if (!aSeen.equals(bSeen)) {
                    int at = 0;
                    while (aSeen.get(at).equals(bSeen.get(at))) {
                        at++;
                    }
                    fail(a + " and " + b + " got the other clients' lines in different orders: " + a + " got \""
                            + ChatClients.shorten(aSeen.get(at)) + "\" where " + b + " got \""
                            + ChatClients.shorten(bSeen.get(at)) + "\". Forward each line to everyone at once, in"
                            + " the order lines are received, so that every client sees one conversation.");
                }
            }
        }
    }

    /**
     * More bytes than the kernel can hold for one client that does not read, plus a queue of QUEUE_LIMIT: on
     * Linux a socket's send buffer grows to at most the third figure of tcp_wmem, and the client's receive
     * buffer, which does not grow while nothing is read, starts at the second figure of tcp_rmem.
     */
    private static long bytesToOverflowASocketAndAQueue() {
        // Where the kernel does not say (not Linux), generous buffers are assumed.
        long sendBufferMax = TcpBuffers.send(Figure.MOST).orElse(8L * 1024 * 1024);
        long receiveBuffer = TcpBuffers.receive(Figure.START).orElse(1024 * 1024);
        return sendBufferMax + 2 * receiveBuffer + 4L * ChatServer.QUEUE_LIMIT + 256 * 1024;
    }

    /**
     * Lines that can be sent in big batches before the test begins to look closely: less than any loopback
     * socket holds for a client that does not read. Linux starts a connected socket's send buffer at twice
     * ten segments, each counted at a power of two above the segment size: over 2.5 MiB on loopback, whose
     * segments are about 64 KiB; never more than the third figure of tcp_wmem.
     */
    private static long bytesASocketSurelyHolds() {
        OptionalLong most = TcpBuffers.send(Figure.MOST);
        return most.isPresent() ? Math.min(2L * 1024 * 1024, most.getAsLong() / 2) : 0; // not Linux: no close look
    }

    private static String words(Random random, int count) {
        StringBuilder text = new StringBuilder();
        for (int w = 0; w < count; w++) {
            if (w > 0) {
                text.append(' ');
            }
            for (int c = 0; c < 1 + random.nextInt(9); c++) {
                text.append((char) ('a' + random.nextInt(26)));
            }
        }
        return text.toString();
    }
}
