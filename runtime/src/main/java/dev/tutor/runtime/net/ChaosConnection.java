package dev.tutor.runtime.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One of the {@link ChaosClient}'s connections: what it has sent, what came back, and what it does next.
 * Every byte that comes back is checked against the bytes sent so far, so the first wrong one is named.
 */
final class ChaosConnection {
    /** The receive buffer asked for with tiny buffers, in bytes; Linux doubles it. See {@link #open}. */
    private static final int TINY_RECEIVE_BUFFER = 4 * 1024;
    private final int id;
    private final List<byte[]> writes;
    private final boolean readLate;
    private final boolean halfClose;
    private final boolean resets;
    private final byte[] sent;
    private final ByteBuffer in = ByteBuffer.allocate(16 * 1024);
    private SocketChannel channel;
    private SelectionKey key;
    private boolean connected;
    private int nextWrite;
    private ByteBuffer pending;
    private int sentCount;
    private int received;
    private boolean reading;
    private boolean outputShut;
    private boolean done;

    ChaosConnection(int id, List<byte[]> writes, boolean readLate, boolean halfClose, boolean resets) {
        this.id = id;
        this.writes = writes;
        this.readLate = readLate;
        this.halfClose = halfClose;
        this.resets = resets;
        this.sent = new byte[writes.stream().mapToInt(w -> w.length).sum()];
    }

    void open(InetSocketAddress server, Selector selector, boolean tinyBuffers) throws IOException {
        channel = SocketChannel.open();
        if (tinyBuffers) {
            // The kernel rounds the send buffer up to its minimum, a few kilobytes. The receive buffer is kept
            // at a few kilobytes too, but not at the minimum (2,304 bytes on Linux): there, the window it
            // advertises can stay below the server's segment size, and a server that has not switched off
            // Nagle's algorithm (TCP_NODELAY), as a learner's will not have, then sends only when its persist
            // timer fires, a few hundred bytes every 200 ms or more. Against a correct blocking echo server
            // about 3 runs in 100 stalled that way; with 4 KiB, none in 310.
            channel.setOption(StandardSocketOptions.SO_RCVBUF, TINY_RECEIVE_BUFFER);
            channel.setOption(StandardSocketOptions.SO_SNDBUF, 1);
        }
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        channel.configureBlocking(false);
        connected = channel.connect(server);
        key = channel.register(selector, connected ? 0 : SelectionKey.OP_CONNECT, this);
        if (connected) {
            startReadingUnlessLate();
        }
    }

    boolean done() {
        return done;
    }

    long sentBytes() {
        return sentCount;
    }

    /** Sends this round's piece, if the connection is ready for one; a problem ends the whole run. */
    Optional<String> sendNextPiece() throws IOException {
        if (done || !connected || pending != null || nextWrite >= writes.size()) {
            return Optional.empty();
        }
        if (resets && nextWrite >= writes.size() / 2) {
            // Leaves abruptly: a reset, not a goodbye. The server must carry on with everyone else.
            channel.setOption(StandardSocketOptions.SO_LINGER, 0);
            channel.close();
            done = true;
            return Optional.empty();
        }
        pending = ByteBuffer.wrap(writes.get(nextWrite++));
        return writePending();
    }

    Optional<String> onReady(SelectionKey ready) throws IOException {
        if (done || !ready.isValid()) {
            return Optional.empty();
        }
        if (ready.isConnectable()) {
            try {
                channel.finishConnect();
            } catch (IOException e) {
                return Optional.of("Client " + id + " could not connect: " + e.getMessage()
                        + ". Is the server accepting connections?");
            }
            connected = true;
            ready.interestOps(0);
            startReadingUnlessLate();
            return Optional.empty();
        }
        if (ready.isWritable()) {
            Optional<String> problem = writePending();
            if (problem.isPresent() || done) {
                return problem;
            }
        }
        if (ready.isValid() && ready.isReadable()) {
            return read();
        }
        return Optional.empty();
    }

    private Optional<String> writePending() throws IOException {
        int before = pending.position();
        try {
            channel.write(pending);
        } catch (IOException e) {
            return Optional.of(closedEarly("its next send failed: " + e.getMessage()));
        }
        int wrote = pending.position() - before;
        System.arraycopy(pending.array(), before, sent, sentCount, wrote);
        sentCount += wrote;
        if (pending.hasRemaining()) {
            // The socket is full: wait until it drains, and meanwhile read, or nobody ever will.
            key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
            startReading();
            return Optional.empty();
        }
        pending = null;
        key.interestOps(key.interestOps() & ~SelectionKey.OP_WRITE);
        if (nextWrite == writes.size()) {
            startReading();
            if (halfClose) {
                channel.shutdownOutput();
                outputShut = true;
            }
        }
        return checkFinished();
    }

    private Optional<String> read() throws IOException {
        in.clear();
        int n;
        try {
            n = channel.read(in);
        } catch (IOException e) {
            return Optional.of(closedEarly("the close came as a reset: " + e.getMessage()));
        }
        if (n > 0) {
            QuickAcks.request(channel);
        }
        if (n < 0) {
            if (outputShut && received == sent.length) {
                close();
                return Optional.empty();
            }
            return Optional.of(closedEarly(null));
        }
        for (int i = 0; i < n; i++) {
            byte got = in.get(i);
            if (received >= sentCount) {
                return Optional.of("Client " + id + " got " + show(got) + " as byte " + (received + 1)
                        + " of its echo, but it had sent only " + sentCount + " bytes: the server sent it something"
                        + " it never received from this client.");
            }
            if (got != sent[received]) {
                return Optional.of("Client " + id + ", byte " + (received + 1) + " of its echo: got " + show(got)
                        + ", expected " + show(sent[received]) + ". The echo so far ends \"" + tail(received) + "\".");
            }
            received++;
        }
        return checkFinished();
    }

    /**
     * Says that the server ended the connection early. Whether the client then sees the end of the stream, a
     * failed send or a reset depends on timing, so all three are told the same way, with what was seen.
     */
    private String closedEarly(String seen) {
        List<String> notes = new ArrayList<>();
        if (sentCount < sent.length) {
            notes.add("the client had " + (sent.length - sentCount) + " more to send");
        }
        if (seen != null) {
            notes.add(seen);
        }
        return "Client " + id + ": the server closed the connection after echoing " + received + " of the "
                + sentCount + " bytes sent so far" + (notes.isEmpty() ? "" : " (" + String.join("; ", notes) + ")")
                + ".";
    }

    private Optional<String> checkFinished() throws IOException {
        if (nextWrite == writes.size() && pending == null && received == sent.length && !halfClose) {
            close();
        }
        return Optional.empty();
    }

    private void startReadingUnlessLate() {
        if (!readLate) {
            startReading();
        }
    }

    private void startReading() {
        if (!reading && key.isValid()) {
            reading = true;
            key.interestOps(key.interestOps() | SelectionKey.OP_READ);
        }
    }

    private void close() throws IOException {
        done = true;
        channel.close();
    }

    void closeQuietly() {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            // closing at the end of a run: nothing left to tell
        }
    }

    /** Where this connection stands, for a message about a run that ran out of time. */
    String progress() {
        String where = "client " + id + " had sent " + sentCount + " of " + sent.length + " bytes and got " + received
                + " of them back.";
        if (outputShut && received == sent.length) {
            return where + " It had half-closed its side and got its whole echo, but the server never closed its"
                    + " end: a read that returns -1 means the client has finished sending.";
        }
        if (!connected) {
            return "client " + id + " never got its connection accepted.";
        }
        return where;
    }

    private String tail(int upTo) {
        int from = Math.max(0, upTo - 20);
        return new String(sent, from, upTo - from, StandardCharsets.US_ASCII);
    }

    private static String show(byte b) {
        return b >= 32 && b < 127 ? "'" + (char) b + "'" : String.format("0x%02x", b & 0xff);
    }
}
