package dev.tutor.exercises.selectors;

import static org.junit.jupiter.api.Assertions.fail;

import dev.tutor.runtime.net.QuickAcks;
import dev.tutor.runtime.net.TcpQueues;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The chat room's clients, driven by the test's thread with non-blocking sockets and a selector of their
 * own, so that many of them can send in pieces at once without a thread each. Every line a client
 * receives is checked as it arrives: a line nobody sent, a line sent back to its own sender or a line
 * received twice fails at once, naming the client and the line.
 *
 * <p>Not a test itself: {@code ChatServerTest} uses it. Every line a test sends is unique, so that where it
 * ends up says what the server did with it.
 */
final class ChatClients implements AutoCloseable {

    /** How a client cuts what it sends into writes. */
    enum Pieces {
        /** One write per line. */
        WHOLE,
        /** One byte per write. */
        ONE_BYTE,
        /** Cuts at random over the whole batch, up to 300 bytes: a write may end one line and start the next. */
        RANDOM,
        /** Cuts at random, up to 16 KiB: many lines in a write, for sending a lot quickly. */
        LARGE_RANDOM
    }

    /** One client of the chat. */
    final class Client {
        final int id;
        final SocketChannel channel;
        final SelectionKey key;
        final boolean reads;
        final ArrayDeque<ByteBuffer> toSend = new ArrayDeque<>();
        final List<String> lines = new ArrayList<>();
        private final Set<String> linesSet = new HashSet<>();
        final StringBuilder partial = new StringBuilder();
        final Set<String> sent = new HashSet<>();
        long receivedBytes;
        /** How the server ended this connection, when it has: "end of stream" or the exception. */
        String ended;

        private Client(int id, SocketChannel channel, boolean reads) throws IOException {
            this.id = id;
            this.channel = channel;
            this.reads = reads;
            this.key = channel.register(selector, reads ? SelectionKey.OP_READ : 0, this);
        }

        boolean received(String line) {
            return linesSet.contains(line);
        }

        boolean receivedAll(List<String> expected) {
            return linesSet.containsAll(expected);
        }

        /** Whether this client reads what comes, now. */
        boolean reading() {
            return key.isValid() && (key.interestOps() & SelectionKey.OP_READ) != 0;
        }

        boolean sendingDone() {
            return toSend.isEmpty();
        }

        @Override
        public String toString() {
            return "client " + id;
        }
    }

    /** How long no client may receive a byte before a wait asks whether anything still could arrive. */
    private static final long QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final LoopUnderTest loop;
    /** How long the last wait for lines lasted when it ended because nothing could arrive; -1 if it did not. */
    private long nothingCouldArriveAfterMillis = -1;
    private final Random random;
    private final Selector selector;
    private final List<Client> clients = new ArrayList<>();
    /** Every line sent, by whom. */
    private final Map<String, Client> senders = new HashMap<>();
    private final ByteBuffer readBuffer = ByteBuffer.allocate(64 * 1024);
    /** Lines a test sent while lines waited in a client's queue at the server, with that client. */
    private final Map<String, Client> behindAQueue = new HashMap<>();

    ChatClients(LoopUnderTest loop, Random random) throws IOException {
        this.loop = loop;
        this.random = random;
        this.selector = Selector.open();
    }

    /**
     * Connects a client and makes sure the server has it: the new client says hello, and every client
     * already in the room that is reading must receive that line within {@code limit}.
     *
     * @param receiveBuffer the client's SO_RCVBUF, set before it connects, or 0 for the system's default
     * @param reads         whether the client reads what comes from the start
     */
    Client join(int receiveBuffer, boolean reads, Duration limit) throws IOException {
        SocketChannel channel = SocketChannel.open();
        if (receiveBuffer > 0) {
            channel.setOption(StandardSocketOptions.SO_RCVBUF, receiveBuffer);
        }
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        QuickAcks.request(channel);
        channel.connect(loop.address());
        channel.configureBlocking(false);
        Client client = new Client(clients.size() + 1, channel, reads);
        List<Client> before = present().stream().filter(Client::reading).toList();
        clients.add(client);
        String hello = "hello from client " + client.id + "\n";
        send(client, List.of(hello), Pieces.WHOLE);
        if (!pumpWhileAnythingCanArrive(() -> before.stream().allMatch(c -> c.received(hello)) && client.sendingDone(),
                limit)) {
            List<Client> missing = before.stream().filter(c -> !c.received(hello)).toList();
            fail(client + " joined and sent \"" + hello.strip() + "\", and " + missing + " of the " + before.size()
                    + " clients already connected did not receive it " + waited(limit) + "."
                    + (before.size() == 1 ? " Is each accepted channel registered for OP_READ, and is every line"
                    + " written to every other client?" : ""));
        }
        return client;
    }

    /** The clients that are connected and have not been told by the server that it closed them. */
    List<Client> present() {
        return clients.stream().filter(c -> c.channel.isOpen() && c.ended == null).toList();
    }

    /** Queues {@code lines} (each ending in '\n', or not, for an unfinished one) to be sent in {@code pieces}. */
    void send(Client client, List<String> lines, Pieces pieces) {
        StringBuilder all = new StringBuilder();
        for (String line : lines) {
            senders.put(line, client);
            client.sent.add(line);
            all.append(line);
        }
        byte[] bytes = all.toString().getBytes(StandardCharsets.US_ASCII);
        int at = 0;
        while (at < bytes.length) {
            int size = switch (pieces) {
                case WHOLE -> lines.isEmpty() ? bytes.length : lineLengthAt(bytes, at);
                case ONE_BYTE -> 1;
                case RANDOM -> 1 + random.nextInt(Math.min(bytes.length - at, 1 + random.nextInt(300)));
                case LARGE_RANDOM -> 1 + random.nextInt(Math.min(bytes.length - at, 16 * 1024));
            };
            client.toSend.add(ByteBuffer.wrap(bytes, at, size).slice());
            at += size;
        }
    }

    private static int lineLengthAt(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                return i + 1 - from;
            }
        }
        return bytes.length - from;
    }

    /**
     * Sends and receives until {@code done} is true or {@code limit} has passed; each turn, each client
     * with something to send writes one piece, in a random order, so that the pieces of different clients
     * interleave. Returns whether {@code done} became true. Fails at once if serve() ends.
     */
    boolean pump(BooleanSupplier done, Duration limit) throws IOException {
        return pump(done, limit, limit);
    }

    /**
     * As {@link #pump(BooleanSupplier, Duration)}, but gives up as soon as no client has received a byte for
     * {@code still}: a server that has stopped forwarding is told in that time, not the whole limit. A server
     * seen spinning on a write meanwhile ({@link WriteSpin}) fails the test at once.
     */
    boolean pump(BooleanSupplier done, Duration still, Duration limit) throws IOException {
        return pump(done, still, limit, false);
    }

    /**
     * As {@link #pump(BooleanSupplier, Duration)}, but ends, false, as soon as nothing can arrive any more
     * ({@link #nothingCanArrive()}): a wait for lines the server will never send ends when that is seen, not at
     * the limit. {@link #waited(Duration)} then says so.
     */
    boolean pumpWhileAnythingCanArrive(BooleanSupplier done, Duration limit) throws IOException {
        return pump(done, limit, limit, true);
    }

    /**
     * How long the last wait for lines lasted, for a message: "within 2000 ms" at its limit, or when it ended
     * because nothing more could arrive.
     */
    String waited(Duration limit) {
        return nothingCouldArriveAfterMillis < 0 ? "within " + limit.toMillis() + " ms"
                : "by the time the server's loop had gone to sleep in select() with nothing left to do, "
                + nothingCouldArriveAfterMillis + " ms on, no byte on its way to any client";
    }

    private boolean pump(BooleanSupplier done, Duration still, Duration limit, boolean whileAnythingCanArrive)
            throws IOException {
        long start = System.nanoTime();
        long deadline = start + limit.toNanos();
        long received = receivedByAll();
        long lastByte = start;
        long lastArrivalLook = start;
        nothingCouldArriveAfterMillis = -1;
        WriteSpin spin = new WriteSpin(loop);
        while (!done.getAsBoolean()) {
            loop.assertServing();
            long now = System.nanoTime();
            long receivedNow = receivedByAll();
            if (spin.seen(receivedNow != received)) {
                fail(spin.describe());
            }
            if (receivedNow != received) {
                received = receivedNow;
                lastByte = now;
            }
            if (now > deadline || now - lastByte > still.toNanos()) {
                return false;
            }
            if (whileAnythingCanArrive && now - lastByte >= QUIET_NANOS && now - lastArrivalLook >= QUIET_NANOS) {
                lastArrivalLook = now;
                if (nothingCanArrive()) {
                    nothingCouldArriveAfterMillis = (System.nanoTime() - start) / 1_000_000;
                    return false;
                }
            }
            List<Client> order = new ArrayList<>(clients);
            Collections.shuffle(order, random);
            boolean wrote = false;
            for (Client client : order) {
                wrote |= writeOnePiece(client);
            }
            if (wrote) {
                selector.selectNow();
            } else {
                selector.select(5);
            }
            for (SelectionKey key : selector.selectedKeys()) {
                Client client = (Client) key.attachment();
                if (key.isValid() && key.isReadable()) {
                    read(client);
                }
                if (key.isValid() && key.isWritable()) {
                    key.interestOps(key.interestOps() & ~SelectionKey.OP_WRITE);
                }
            }
            selector.selectedKeys().clear();
        }
        return true;
    }

    /**
     * Whether no byte can reach a client any more: no client has anything left to send, the thread running
     * serve() is asleep, steadily, in a select() with no time-out (which only a client could end), and the kernel
     * then holds no byte of any open client's connection, at either end, so none is on its way. Where Linux does
     * not show it, false.
     */
    private boolean nothingCanArrive() throws IOException {
        if (!TcpQueues.available() || clients.stream().anyMatch(c -> !c.toSend.isEmpty()) || !loop.asleepForGood()) {
            return false;
        }
        int serverPort = loop.address().getPort();
        for (Client client : clients) {
            if (!client.channel.isOpen()) {
                continue;
            }
            int port = ((InetSocketAddress) client.channel.getLocalAddress()).getPort();
            if (TcpQueues.between(port, serverPort).map(TcpQueues.Connection::inKernel).orElse(-1L) != 0) {
                return false;
            }
        }
        return true;
    }

    private long receivedByAll() {
        long sum = 0;
        for (Client client : clients) {
            sum += client.receivedBytes;
        }
        return sum;
    }

    private boolean writeOnePiece(Client client) throws IOException {
        ByteBuffer piece = client.toSend.peek();
        if (piece == null || !client.channel.isOpen() || client.ended != null) {
            return false;
        }
        int wrote;
        try {
            wrote = client.channel.write(piece);
        } catch (IOException e) {
            client.ended = "could not send: " + e.getMessage();
            client.toSend.clear();
            return false;
        }
        if (!piece.hasRemaining()) {
            client.toSend.poll();
        } else if (client.key.isValid()) {
            client.key.interestOps(client.key.interestOps() | SelectionKey.OP_WRITE);
        }
        return wrote > 0;
    }

    /** Reads what has come for {@code client} and checks every complete line at once. */
    void read(Client client) throws IOException {
        read(client, readBuffer.capacity());
    }

    /**
     * Reads for {@code client} until {@code bytes} have come or nothing more has, checking every complete line
     * at once; returns the bytes read (fewer when the stream ends or the connection fails).
     */
    long readAtMost(Client client, long bytes) throws IOException {
        long got = 0;
        while (got < bytes && client.ended == null) {
            long before = client.receivedBytes;
            read(client, (int) Math.min(readBuffer.capacity(), bytes - got));
            if (client.receivedBytes == before) {
                break;
            }
            got += client.receivedBytes - before;
        }
        return got;
    }

    private void read(Client client, int most) throws IOException {
        ByteBuffer in = readBuffer.clear().limit(most);
        int n;
        try {
            n = client.channel.read(in);
        } catch (IOException e) {
            client.ended = "reset (" + e.getMessage() + ")";
            client.key.cancel();
            return;
        }
        if (n < 0) {
            client.ended = "end of stream";
            client.key.cancel();
            return;
        }
        client.receivedBytes += n;
        QuickAcks.request(client.channel);
        for (int i = 0; i < n; i++) {
            char c = (char) in.get(i);
            client.partial.append(c);
            if (c == '\n') {
                String line = client.partial.toString();
                client.partial.setLength(0);
                check(client, line);
                client.lines.add(line);
                client.linesSet.add(line);
            }
        }
    }

    private void check(Client client, String line) {
        Client sender = senders.get(line);
        if (sender == null) {
            fail(client + " received \"" + shorten(line) + "\", a line no client sent. " + guessWhy(client, line));
        }
        if (sender == client) {
            fail(client + " received its own line \"" + shorten(line) + "\" back. A line goes to every client"
                    + " except the one that sent it.");
        }
        if (client.received(line)) {
            fail(client + " received \"" + shorten(line) + "\" twice.");
        }
    }

    /** Explains a line nobody sent, when its pieces show what happened. */
    private String guessWhy(Client client, String line) {
        for (Map.Entry<String, Client> behind : behindAQueue.entrySet()) {
            String late = behind.getKey();
            if (behind.getValue() == client && line.endsWith(late) && line.length() > late.length()) {
                return "It ends with \"" + shorten(late) + "\", which " + senders.get(late) + " sent while lines"
                        + " waited in " + client + "'s queue, after \"" + shorten(line.substring(0, line.length()
                        - late.length())) + "\", the start of a line that waited there: the new line was written"
                        + " straight to the socket, into the middle of the queue's bytes. A line for a client goes"
                        + " to the end of its queue, and writing always starts at the head of the queue.";
            }
        }
        String body = line.substring(0, line.length() - 1);
        if (senders.containsKey(body)) {
            return "It is the unfinished line \"" + shorten(body) + "\" that " + senders.get(body) + " sent before it"
                    + " left, with a '\\n' added. A line ends only with the '\\n' its sender sent; what a client"
                    + " sent after its last '\\n' is dropped when it leaves.";
        }
        for (String sent : senders.keySet()) {
            if (line.endsWith(sent) && line.length() > sent.length()) {
                return "It ends with a line " + senders.get(sent) + " sent, after \"" + shorten(line.substring(0,
                        line.length() - sent.length())) + "\": bytes that were not part of that line were sent"
                        + " with it (the unfinished end of an earlier line, or another client's bytes).";
            }
            if (sent.startsWith(line.substring(0, line.length() - 1)) && line.length() < sent.length()) {
                return "It is the start of a line " + senders.get(sent) + " sent, cut short: forward a line only"
                        + " once its '\\n' has arrived.";
            }
        }
        return "Lines must be forwarded whole and unchanged: each one from the start after the previous '\\n'"
                + " up to and including its own '\\n', kept per client, since the pieces of different clients"
                + " arrive mixed.";
    }

    static String shorten(String line) {
        String shown = line.replace("\n", "\\n");
        return shown.length() > 80 ? shown.substring(0, 77) + "..." : shown;
    }

    /**
     * Leaves with a reset: SO_LINGER 0 and close. A channel registered with a selector is really closed only
     * at that selector's next select, so this selects once at once, and the reset goes out now.
     */
    void reset(Client client) throws IOException {
        client.channel.setOption(StandardSocketOptions.SO_LINGER, 0);
        client.channel.close();
        selector.selectNow();
        selector.selectedKeys().clear();
    }

    /**
     * Notes that {@code line}, sent now, finds lines waiting in {@code receiver}'s queue at the server, so that
     * a line of {@code receiver}'s that has it inside is explained as what it is.
     */
    void sentBehindAQueue(String line, Client receiver) {
        behindAQueue.put(line, receiver);
    }

    /** Closes every client and the selector. */
    @Override
    public void close() throws IOException {
        for (Client client : clients) {
            client.channel.close();
        }
        selector.close();
    }
}
