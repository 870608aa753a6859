package dev.tutor.runtime.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class SocketOpsTest {

    private final EventLoop loop = EventLoop.create(LoopOptions.defaults().withLog(new RecordingLog()));
    private ServerSocketChannel server;
    private SocketChannel client;
    private SocketChannel accepted;

    @BeforeEach
    void listen() throws IOException {
        server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @AfterEach
    void closeAll() throws IOException {
        for (var channel : new java.nio.channels.Channel[] {client, accepted, server}) {
            if (channel != null) channel.close();
        }
        loop.close();
    }

    private java.net.SocketAddress address() {
        try {
            return server.getLocalAddress();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void connectPair() {
        Future<SocketChannel> accepting = loop.accept(server);
        Future<SocketChannel> connecting = loop.connect(address());
        client = loop.runUntilComplete(connecting);
        accepted = loop.runUntilComplete(accepting);
    }

    @Test
    void connectsAcceptsAndExchangesBytes() {
        connectPair();
        loop.runUntilComplete(loop.sendAll(client, ByteBuffer.wrap("ping".getBytes(StandardCharsets.US_ASCII))));
        ByteBuffer in = ByteBuffer.allocate(16);
        int count = loop.runUntilComplete(loop.recv(accepted, in));
        assertThat(new String(in.array(), 0, count, StandardCharsets.US_ASCII)).isEqualTo("ping");
    }

    @Test
    void anAddressThatDoesNotResolveFailsTheFutureRatherThanTheCall() {
        // Made unresolved on purpose: nothing is looked up, and connect() refuses it before any packet leaves.
        Future<SocketChannel> connecting = loop.connect(InetSocketAddress.createUnresolved("nowhere.invalid", 80));
        assertThat(connecting.isDone()).isTrue();
        assertThatThrownBy(connecting::result).isInstanceOf(java.nio.channels.UnresolvedAddressException.class);
    }

    @Test
    void recvWaitsForDataInsteadOfReturningZero() {
        connectPair();
        Future<Integer> receiving = loop.recv(accepted, ByteBuffer.allocate(8));
        loop.callSoon(() -> { }); // keep the turn from blocking
        loop.runOnce();
        assertThat(receiving.isDone()).isFalse(); // a non-blocking read returned 0: we wait, not report 0
        loop.runUntilComplete(loop.sendAll(client, ByteBuffer.wrap(new byte[] {1, 2, 3})));
        assertThat(loop.runUntilComplete(receiving)).isEqualTo(3);
    }

    @Test
    void recvIntoAFullBufferReturnsZeroAtOnce() {
        connectPair();
        ByteBuffer full = ByteBuffer.allocate(0);
        assertThat(loop.runUntilComplete(loop.recv(accepted, full))).isZero();
    }

    @Test
    void recvReportsEndOfStreamAsMinusOne() throws IOException {
        connectPair();
        client.close();
        assertThat(loop.runUntilComplete(loop.recv(accepted, ByteBuffer.allocate(8)))).isEqualTo(-1);
    }

    @Test
    void recvFailsWhenThePeerResetsTheConnection() throws IOException {
        connectPair();
        client.setOption(StandardSocketOptions.SO_LINGER, 0); // close() then sends RST, not FIN
        client.close();
        assertThatThrownBy(() -> loop.runUntilComplete(loop.recv(accepted, ByteBuffer.allocate(8))))
                .hasRootCauseInstanceOf(IOException.class);
    }

    @Test
    void sendAllFinishesAPartialWriteOnceThePeerReads() throws IOException {
        connectPair();
        byte[] payload = new byte[8 * 1024 * 1024]; // far more than the kernel buffers hold
        Arrays.fill(payload, (byte) 'x');
        ByteBuffer out = ByteBuffer.wrap(payload);
        Future<Void> sending = loop.sendAll(client, out);
        assertThat(sending.isDone()).as("first write must be partial").isFalse();
        assertThat(out.position()).isPositive().isLessThan(payload.length);
        ByteBuffer in = ByteBuffer.allocate(64 * 1024);
        long received = 0;
        while (received < payload.length) {
            in.clear();
            int count = loop.runUntilComplete(loop.recv(accepted, in));
            assertThat(count).isPositive();
            received += count;
        }
        loop.runUntilComplete(sending);
        assertThat(received).isEqualTo(payload.length);
    }

    @Test
    void connectToAClosedPortFails() throws IOException {
        InetSocketAddress address = (InetSocketAddress) server.getLocalAddress();
        server.close();
        server = null;
        assertThatThrownBy(() -> loop.runUntilComplete(loop.connect(address))).hasRootCauseInstanceOf(IOException.class);
    }

    @Test
    void cancelledRecvUnregistersItsReader() {
        connectPair();
        Future<Integer> receiving = loop.recv(accepted, ByteBuffer.allocate(8));
        receiving.cancel();
        loop.callSoon(() -> { });
        loop.runOnce(); // runs the done-callback that removes the reader
        assertThat(loop.removeReader(accepted)).isFalse();
    }
}
