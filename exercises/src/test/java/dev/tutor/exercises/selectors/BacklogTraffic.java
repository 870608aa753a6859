package dev.tutor.exercises.selectors;

import static dev.tutor.exercises.selectors.ChatLines.BATCH_LIMIT;
import static dev.tutor.exercises.selectors.ChatLines.LINE_LIMIT;
import static dev.tutor.exercises.selectors.ChatLines.awaitEveryoneElse;
import static dev.tutor.exercises.selectors.ChatLines.everyoneElseHasAll;
import static dev.tutor.exercises.selectors.ChatLines.everyoneElseHasTheLastLine;
import static dev.tutor.exercises.selectors.LoopUnderTest.check;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tutor.exercises.selectors.ChatClients.Client;
import dev.tutor.exercises.selectors.ChatClients.Pieces;
import dev.tutor.exercises.support.TcpBuffers;
import dev.tutor.exercises.support.TcpBuffers.Figure;
import dev.tutor.runtime.net.QuickAcks;
import dev.tutor.runtime.net.TcpQueues;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;

/**
 * The traffic of {@link ChatServerTest}'s tests of the outgoing queues (hint 3): talkers send batches of lines
 * while a client reads nothing, so that its socket fills and the server must queue what it owes that client, and
 * the waits that follow, until the readers have every batch or the late client has caught up. Every line sent is
 * added to a map of lines by sender, which the tests check the clients' lines against. Not a test itself.
 */
final class BacklogTraffic {
    /** Lines sent between two looks at the kernel's view while a client falls behind: two of them fit in its queue. */
    static final int SMALL_BATCH = 24 * 1024;
    /** How long a client that fell behind may take to read back the couple of MiB it is owed. */
    static final Duration CATCH_UP_LIMIT = Duration.ofSeconds(10);

    private final LoopUnderTest loop;
    private final ChatClients room;

    /** Traffic among {@code room}'s clients, through the server that {@code loop} runs. */
    BacklogTraffic(LoopUnderTest loop, ChatClients room) {
        this.loop = loop;
        this.room = room;
    }

    /**
     * Sends about {@code bytes} of lines from the talkers, adds them to {@code sent}, and waits until every
     * one of {@code readers} has the lines the others sent; fails, naming {@code stalled}, if they do not
     * all arrive in time. Returns the bytes sent.
     */
    long sendBatch(Random random, List<Client> talkers, List<Client> readers, Map<Client, List<String>> sent,
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

    /**
     * Sends {@code count} short lines from the first talker and, once the second has them, one line from
     * the second: when the first has that, the server has queued every short line for everyone, since it
     * forwards a line to all before it reads the next. Returns the bytes sent.
     */
    long sendShortLines(Random random, List<Client> talkers, Map<Client, List<String>> sent, int count)
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
        awaitEveryoneElse(room, first, lines.get(lines.size() - 1), talkers, BATCH_LIMIT);
        String answer = second + " has had the short lines\n";
        sent.computeIfAbsent(second, s -> new ArrayList<>()).add(answer);
        room.send(second, List.of(answer), Pieces.WHOLE);
        awaitEveryoneElse(room, second, answer, talkers, BATCH_LIMIT);
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
    String sendBehindAQueue(Random random, Client late, List<Client> talkers, Map<Client, List<String>> sent)
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
        awaitEveryoneElse(room, sender, line, talkers, LINE_LIMIT);
        return line;
    }

    /** Lets {@code late}, which has begun to read, catch up with every line sent so far; fails if it cannot. */
    void awaitCaughtUp(Client late, Map<Client, List<String>> sent, long forwarded) throws IOException {
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

    /** A line from {@code sender} of exactly {@code length} bytes, its newline included, unique by its number. */
    static String exactLine(Client sender, int number, int length) {
        String head = sender + " line " + number + " ";
        return head + "z".repeat(length - head.length() - 1) + "\n";
    }

    /** Makes {@code client}, which has read nothing so far, read what comes from now on. */
    static void startReading(Client client) {
        client.key.interestOps(SelectionKey.OP_READ);
    }

    /**
     * More bytes than the kernel can hold for one client that does not read, plus a queue of QUEUE_LIMIT: on
     * Linux a socket's send buffer grows to at most the third figure of tcp_wmem, and the client's receive
     * buffer, which does not grow while nothing is read, starts at the second figure of tcp_rmem.
     */
    static long bytesToOverflowASocketAndAQueue() {
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
    static long bytesASocketSurelyHolds() {
        OptionalLong most = TcpBuffers.send(Figure.MOST);
        return most.isPresent() ? Math.min(2L * 1024 * 1024, most.getAsLong() / 2) : 0; // not Linux: no close look
    }
}
