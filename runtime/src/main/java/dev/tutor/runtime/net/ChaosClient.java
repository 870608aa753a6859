package dev.tutor.runtime.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;

/**
 * A client that talks to an echo server the way a real network can, so that a server which only works
 * for one polite client at a time is caught: bytes arrive one at a time or in random pieces, several
 * messages arrive in one segment, socket buffers are tiny so the server's writes come out partial, clients
 * read late, leave by half-closing or by a reset, and many of them take turns in a random order.
 *
 * <p>Everything that varies comes from one seed, and every failure names it with the first wrong byte:
 * "client 4, byte 17 of its echo: got 'x', expected 'B' (seed 8812, pieces RANDOM)". The client runs on the
 * calling thread with non-blocking sockets and a selector of its own, so it never deadlocks against a
 * server that correctly stops reading while it cannot write. It is bounded in time and in bytes.
 *
 * <p>Immutable; start from {@link #seeded(long)} and change one setting at a time.
 */
public final class ChaosClient {

    /** How each client cuts what it sends into writes. */
    public enum Pieces {
        /** One write per message. */
        WHOLE,
        /** One byte per write: every read on the server sees part of a message. */
        ONE_BYTE,
        /** Random cuts: a write may hold the end of one message and the start of the next. */
        RANDOM,
        /** Two to four messages glued into one write: one read on the server sees several. */
        COALESCED
    }

    /** How a client leaves once it has sent everything. */
    public enum Ending {
        /** Reads the whole echo, then closes. */
        CLOSE,
        /** Shuts down its sending side after the last byte, reads the rest of the echo, expects end of stream. */
        HALF_CLOSE,
        /** Every third client resets its connection part-way; the others must be served as if it never was. */
        SOME_RESET
    }

    private final long seed;
    private final int clients;
    private final int messages;
    private final int maxMessageBytes;
    private final Pieces pieces;
    private final Ending ending;
    private final boolean tinyBuffers;
    private final boolean readLate;
    private final Duration timeout;

    private ChaosClient(long seed, int clients, int messages, int maxMessageBytes, Pieces pieces, Ending ending,
                        boolean tinyBuffers, boolean readLate, Duration timeout) {
        if (clients < 1 || clients > 5_000 || messages < 1 || messages > 1_000 || maxMessageBytes < 1
                || maxMessageBytes > 1 << 20) {
            throw new IllegalArgumentException("clients 1..5000, messages 1..1000 and message bytes 1..1 MiB,"
                    + " not " + clients + ", " + messages + " and " + maxMessageBytes);
        }
        this.seed = seed;
        this.clients = clients;
        this.messages = messages;
        this.maxMessageBytes = maxMessageBytes;
        this.pieces = Objects.requireNonNull(pieces, "pieces");
        this.ending = Objects.requireNonNull(ending, "ending");
        this.tinyBuffers = tinyBuffers;
        this.readLate = readLate;
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /** Ten clients, five messages each of up to 64 bytes, random pieces, closing normally, 5 s in all. */
    public static ChaosClient seeded(long seed) {
        return new ChaosClient(seed, 10, 5, 64, Pieces.RANDOM, Ending.CLOSE, false, false, Duration.ofSeconds(5));
    }

    public ChaosClient clients(int count) {
        return new ChaosClient(seed, count, messages, maxMessageBytes, pieces, ending, tinyBuffers, readLate, timeout);
    }

    public ChaosClient messages(int perClient, int maxBytes) {
        return new ChaosClient(seed, clients, perClient, maxBytes, pieces, ending, tinyBuffers, readLate, timeout);
    }

    public ChaosClient pieces(Pieces how) {
        return new ChaosClient(seed, clients, messages, maxMessageBytes, how, ending, tinyBuffers, readLate, timeout);
    }

    public ChaosClient ending(Ending how) {
        return new ChaosClient(seed, clients, messages, maxMessageBytes, pieces, how, tinyBuffers, readLate, timeout);
    }

    /**
     * Makes the clients' socket buffers a few kilobytes (the send buffer its smallest, the receive buffer
     * 4 KiB, which the kernel doubles): the server's writes to a client that is slow to read then come out
     * partial, or block, after a few kilobytes.
     */
    public ChaosClient tinyBuffers(boolean tiny) {
        return new ChaosClient(seed, clients, messages, maxMessageBytes, pieces, ending, tiny, readLate, timeout);
    }

    /**
     * Makes each client read nothing until it has sent everything or cannot send more, so the server has
     * to hold what it could not write.
     */
    public ChaosClient readLate(boolean late) {
        return new ChaosClient(seed, clients, messages, maxMessageBytes, pieces, ending, tinyBuffers, late, timeout);
    }

    public ChaosClient timeout(Duration limit) {
        return new ChaosClient(seed, clients, messages, maxMessageBytes, pieces, ending, tinyBuffers, readLate, limit);
    }

    /** What this client does, in one line, for a failure message. */
    public String describe() {
        return "seed " + seed + ", " + clients + " client" + (clients == 1 ? "" : "s") + " x " + messages
                + " message" + (messages == 1 ? "" : "s") + " of up to " + maxMessageBytes + " bytes, pieces " + pieces
                + ", ending " + ending + (tinyBuffers ? ", tiny buffers" : "") + (readLate ? ", reading late" : "");
    }

    /**
     * Talks to an echo server at {@code server}: every client sends its messages in pieces, in an order
     * drawn from the seed, and checks that exactly what it sent comes back.
     *
     * @return empty when every client got its echo; otherwise what went wrong first, with the seed
     */
    public Optional<String> echo(InetSocketAddress server) {
        Random random = new Random(seed);
        List<ChaosConnection> connections = new ArrayList<>();
        try (Selector selector = Selector.open()) {
            for (int c = 0; c < clients; c++) {
                ChaosConnection connection = new ChaosConnection(c + 1, plan(random), readLate,
                        ending == Ending.HALF_CLOSE, ending == Ending.SOME_RESET && c % 3 == 2);
                connections.add(connection);
                connection.open(server, selector, tinyBuffers);
            }
            return run(selector, connections, random);
        } catch (IOException e) {
            return Optional.of("The chaos client could not talk to the server at " + server + ": " + e + " ("
                    + describe() + ").");
        } finally {
            connections.forEach(ChaosConnection::closeQuietly);
        }
    }

    /**
     * Clients that take turns by {@code script}, each waiting for its echo before the next turn: "1 2 1 1 2
     * close1 3" (CodeCrafters' order) catches a server that serves one client at a time. Each turn may
     * take {@code turnLimit} of the time-out's share; messages and pieces come from the seed.
     *
     * @return empty when every turn got its echo; otherwise the turn that did not, with the seed
     */
    public Optional<String> takeTurns(InetSocketAddress server, String script) {
        int turns = Math.max(1, script.trim().split("\\s+").length);
        int turnMillis = (int) Math.max(100, timeout.toMillis() / turns);
        return ChaosTurns.run(server, script, pieces, maxMessageBytes, new Random(seed), turnMillis)
                .map(this::withSettings);
    }

    private String withSettings(String problem) {
        return problem + " (" + describe() + ")";
    }

    /** One client's messages, cut into writes as {@link #pieces} says. */
    private List<byte[]> plan(Random random) {
        List<byte[]> sent = new ArrayList<>();
        for (int m = 0; m < messages; m++) {
            byte[] message = new byte[1 + random.nextInt(maxMessageBytes)];
            for (int i = 0; i < message.length; i++) {
                message[i] = (byte) (' ' + 1 + random.nextInt(94)); // printable, so a failure can show it
            }
            sent.add(message);
        }
        return ChaosPieces.cut(sent, pieces, random);
    }

    private Optional<String> run(Selector selector, List<ChaosConnection> connections, Random random)
            throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            // One piece per client per round, in a random order, so pieces of different clients interleave.
            List<ChaosConnection> order = new ArrayList<>(connections);
            Collections.shuffle(order, random);
            boolean sentSomething = false;
            for (ChaosConnection connection : order) {
                long before = connection.sentBytes();
                Optional<String> problem = connection.sendNextPiece();
                if (problem.isPresent()) {
                    return fail(problem.get());
                }
                sentSomething |= connection.sentBytes() != before;
            }
            if (connections.stream().allMatch(ChaosConnection::done)) {
                return Optional.empty();
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return fail(stuck(connections));
            }
            if (sentSomething) {
                selector.selectNow(); // more to send: look at what came back, then go on at once
            } else {
                selector.select(Math.max(1, Math.min(10, left / 1_000_000)));
            }
            for (SelectionKey key : selector.selectedKeys()) {
                Optional<String> problem = ((ChaosConnection) key.attachment()).onReady(key);
                if (problem.isPresent()) {
                    return fail(problem.get());
                }
            }
            selector.selectedKeys().clear();
        }
    }

    private Optional<String> fail(String problem) {
        return Optional.of(withSettings(problem));
    }

    private static String stuck(List<ChaosConnection> connections) {
        List<ChaosConnection> waiting = connections.stream().filter(c -> !c.done()).toList();
        ChaosConnection first = waiting.get(0);
        return "After the time limit " + waiting.size() + " of " + connections.size() + " clients were still"
                + " waiting; " + first.progress()
                + (waiting.size() < connections.size() ? " Other clients were served, so the server stopped serving"
                + " some clients while it waited on others." : "");
    }
}
