package dev.tutor.exercises.selectors;

import static dev.tutor.exercises.selectors.BacklogTraffic.CATCH_UP_LIMIT;
import static dev.tutor.exercises.selectors.BacklogTraffic.SMALL_BATCH;
import static dev.tutor.exercises.selectors.BacklogTraffic.bytesASocketSurelyHolds;
import static dev.tutor.exercises.selectors.BacklogTraffic.bytesToOverflowASocketAndAQueue;
import static dev.tutor.exercises.selectors.BacklogTraffic.exactLine;
import static dev.tutor.exercises.selectors.BacklogTraffic.startReading;
import static dev.tutor.exercises.selectors.ChatLines.BATCH_LIMIT;
import static dev.tutor.exercises.selectors.ChatLines.LINE_LIMIT;
import static dev.tutor.exercises.selectors.ChatLines.assertCameLast;
import static dev.tutor.exercises.selectors.ChatLines.assertOneOrder;
import static dev.tutor.exercises.selectors.ChatLines.awaitEveryoneElse;
import static dev.tutor.exercises.selectors.ChatLines.checkTheRoomGoesOn;
import static dev.tutor.exercises.selectors.ChatLines.everyoneElseHasAll;
import static dev.tutor.exercises.selectors.ChatLines.everyoneElseHasTheLastLine;
import static dev.tutor.exercises.selectors.ChatLines.failMissing;
import static dev.tutor.exercises.selectors.ChatLines.words;
import static dev.tutor.exercises.selectors.LoopUnderTest.check;
import static dev.tutor.exercises.selectors.QueueLimitProbe.APPROACH_LINES;
import static dev.tutor.exercises.selectors.QueueLimitProbe.assertLetGoJustPastTheLimit;
import static dev.tutor.exercises.selectors.QueueLimitProbe.lineLengthsToFill;
import static dev.tutor.runtime.net.EpollWatch.EPOLLIN;
import static dev.tutor.runtime.net.EpollWatch.EPOLLOUT;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tutor.exercises.selectors.ChatClients.Client;
import dev.tutor.exercises.selectors.ChatClients.Pieces;
import dev.tutor.exercises.support.Seeded;
import dev.tutor.runtime.net.EpollWatch;
import dev.tutor.runtime.net.TcpQueues;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * arrives, and {@link ChatLines} checks where each line went. The tests of the queues send with {@link
 * BacklogTraffic} and look at the server's side through {@link KernelView}.
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

    private LoopUnderTest loop;
    private ChatClients room;
    private KernelView kernel;
    private BacklogTraffic backlog;

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
    @Order(0)
    @Tag("hint:1")
    void waitsNowhereButInSelect() {
        LoopUnderTest.assertWaitsOnlyInSelect(ChatServer.class);
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
            awaitEveryoneElse(room, sender, line, clients, LINE_LIMIT);
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
        awaitEveryoneElse(room, sender, longest, clients, LINE_LIMIT);

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
        awaitEveryoneElse(room, other, after, List.of(other, clients.get(2)), LINE_LIMIT);

        // More than MAX_LINE bytes and no '\n', and then nothing: such a line can only be too long, whatever comes.
        Client endless = clients.get(2);
        long otherHad = other.receivedBytes;
        String noEnd = "no end " + "z".repeat(length - "no end ".length());
        room.send(endless, List.of(noEnd), Pieces.RANDOM);
        if (!room.pumpWhileAnythingCanArrive(() -> endless.ended != null, LINE_LIMIT)) {
            fail(endless + " sent " + length + " bytes with no '\\n' among them, one more than MAX_LINE ("
                    + ChatServer.MAX_LINE + ", its '\\n' included), and then waited; it was still connected "
                    + room.waited(LINE_LIMIT) + ". That line can only be too long: disconnect its sender as soon as"
                    + " MAX_LINE bytes of a line have come without a '\\n', not when a '\\n' comes, which may be never.");
        }
        long forwarded = other.receivedBytes - otherHad;
        check(forwarded == 0, () -> endless + " sent " + length + " bytes with no '\\n', one more than MAX_LINE, and "
                + other + " received " + forwarded + " bytes of them. Nothing of a line longer than MAX_LINE is"
                + " forwarded: its sender is disconnected.");
        HeldChannels.assertGoneClientsForgotten(loop, sender + " and " + endless + " were disconnected for their long"
                + " lines");
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
        checkTheRoomGoesOn(room, random, clients.subList(1, clients.size()));

        // The same again, leaving by a reset.
        Client resetting = clients.get(1);
        String cut = "cut short by a reset: " + words(random, 1 + random.nextInt(10));
        room.send(resetting, List.of(cut), Pieces.RANDOM);
        room.pump(resetting::sendingDone, LINE_LIMIT);
        Optional<Integer> resettingFd = kernel.serverSideDescriptor(resetting);
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
        checkTheRoomGoesOn(room, random, clients.subList(2, clients.size()));
        HeldChannels.assertGoneClientsForgotten(loop, leaving + " closed its side and " + resetting
                + " reset its connection");
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
            awaitEveryoneElse(room, sender, line, clients, LINE_LIMIT);
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
        Optional<Integer> lateFd = kernel.serverSideDescriptor(late);
        Optional<Integer> quitterFd = kernel.serverSideDescriptor(quitter);
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
            forwarded += backlog.sendBatch(random, talkers, readers, sent, ++batch, big ? 128 * 1024 : SMALL_BATCH,
                    stalled);
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
                    long shortBytes = backlog.sendShortLines(random, talkers, sent, shortLines);
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
                    String behind = backlog.sendBehindAQueue(random, late, talkers, sent);
                    forwarded += behind.length();
                    // Let late read everything so far before sending more.
                    startReading(late);
                    lateReads = true;
                    backlog.awaitCaughtUp(late, sent, forwarded);
                    assertCameLast(late, behind);
                    kernel.assertWriteInterestDropped(late, lateFd.get());
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
        backlog.awaitCaughtUp(late, sent, total);
        assertOneOrder(List.of(late), sent, new int[] {0}, Pieces.LARGE_RANDOM);
        if (lateFd.isEmpty()) {
            // Without the kernel's view, late read from the start; where it fell behind all the same, its key
            // asked for OP_WRITE for a while, and a loop that leaves it on now spins.
            loop.assertIdle(late + " caught up with every line, the others silent");
        }

        String marker = "sent after the stalled client must have been disconnected\n";
        Client markerSender = talkers.get(0);
        room.send(markerSender, List.of(marker), Pieces.WHOLE);
        awaitEveryoneElse(room, markerSender, marker, talkers, LINE_LIMIT);

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
        HeldChannels.assertGoneClientsForgotten(loop, stalled + " was disconnected with its queue full"
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
        Optional<EpollWatch> stalledWatch = kernel.serverSideWatch(stalled);
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
            sent += backlog.sendBatch(random, List.of(talker), List.of(listener), new HashMap<>(), ++batch,
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
            long queued = kernel.queuedByTheKernelsCount(stalled, sent);
            // The count is taken from two rows read one after the other while bytes may move between them: it
            // may be off by what moves meanwhile. Only a queue far past the limit is told from it; the verdict
            // on the limit itself comes from what the client receives in the end.
            check(queued <= 3L * ChatServer.QUEUE_LIMIT, () -> stalled + " read nothing, and its queue held about "
                    + queued / 1024 + " KiB (the " + soFar / 1024 + " KiB sent to it, less what reached it and what"
                    + " the kernel holds at both ends), far more than QUEUE_LIMIT (" + ChatServer.QUEUE_LIMIT / 1024
                    + " KiB), and it was still connected. Before a line is queued, check that it fits; a client"
                    + " whose queue would grow past QUEUE_LIMIT is disconnected.");
            List<Integer> lengths = lineLengthsToFill(random, queued);
            step.clear();
            List<String> lines = new ArrayList<>();
            for (int length : lengths) {
                step.add(new long[] {sent, length});
                lines.add(exactLine(talker, ++lineNumber, length));
                sent += length;
            }
            room.send(talker, lines, Pieces.LARGE_RANDOM);
            awaitEveryoneElse(room, talker, lines.get(lines.size() - 1), List.of(talker, listener), LINE_LIMIT);
            kernel.awaitASelectAfterwards();
        }
        startReading(stalled);
        boolean ended = room.pump(() -> stalled.ended != null, CATCH_UP_LIMIT);
        assertLetGoJustPastTheLimit(stalled, ended, sent, step);
    }

    @Test
    @Order(2)
    @Tag("hint:1")
    void stopEndsServeAndClosesEverything(Random random) throws IOException {
        start(random);
        InetSocketAddress address = loop.address();
        List<Client> clients = joinAll(2 + random.nextInt(4));
        loop.assertAWakeupIsNotAStop(clients.size() + " clients had joined");
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

    private static LoopUnderTest.Server adapt(ChatServer server) {
        return LoopUnderTest.Server.of(server, server::serve, server::stop, server::address);
    }

    private void start(Random random) throws IOException {
        loop = LoopUnderTest.start("ChatServer", () -> adapt(new ChatServer()));
        room = new ChatClients(loop, random);
        kernel = new KernelView(loop);
        backlog = new BacklogTraffic(loop, room);
    }

    private List<Client> joinAll(int count) throws IOException {
        List<Client> clients = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            clients.add(room.join(0, true, LINE_LIMIT));
        }
        return clients;
    }
}
