package dev.tutor.runtime.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class EchoServerTest {

    private LoopbackServer server;
    private final ExecutorService writer = Executors.newSingleThreadExecutor();

    @BeforeEach
    void start() throws IOException {
        server = EchoServer.start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        writer.shutdownNow();
        writer.awaitTermination(5, TimeUnit.SECONDS);
        server.close();
    }

    @Test
    void echoesWhatItReceives() throws IOException {
        try (SocketChannel client = SocketChannel.open(server.address())) {
            client.write(ByteBuffer.wrap("hello".getBytes()));
            assertThat(readExactly(client, 5)).isEqualTo("hello".getBytes());
        }
    }

    @Test
    void servesAThousandClientsOnOneLoopThread() throws IOException {
        List<SocketChannel> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 1000; i++) {
                SocketChannel client = SocketChannel.open(server.address());
                client.write(ByteBuffer.wrap(message(i)));
                clients.add(client);
            }
            for (int i = 0; i < clients.size(); i++) {
                assertThat(readExactly(clients.get(i), 1024)).isEqualTo(message(i));
            }
        } finally {
            for (SocketChannel client : clients) client.close();
        }
        long serverThreads = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("tutor-echo-server")).count();
        assertThat(serverThreads).isEqualTo(1);
    }

    @Test
    void holdsBackAClientThatDoesNotReadAndCatchesUpWhenItDoes() throws Exception {
        byte[] payload = new byte[16 * 1024 * 1024];
        for (int i = 0; i < payload.length; i++) payload[i] = (byte) (i * 31);
        try (SocketChannel client = SocketChannel.open(server.address())) {
            // Another thread writes everything while this one reads: the server's writes go partial
            // whenever we fall behind, and it must neither lose nor reorder a byte.
            Future<?> sending = writer.submit(() -> {
                ByteBuffer out = ByteBuffer.wrap(payload);
                while (out.hasRemaining()) client.write(out);
                return null;
            });
            byte[] back = readExactly(client, payload.length);
            sending.get(10, TimeUnit.SECONDS);
            assertThat(Arrays.equals(back, payload)).isTrue();
        }
    }

    private static byte[] message(int i) {
        byte[] bytes = new byte[1024];
        Arrays.fill(bytes, (byte) i);
        return bytes;
    }

    static byte[] readExactly(SocketChannel channel, int length) throws IOException {
        ByteBuffer in = ByteBuffer.allocate(length);
        while (in.hasRemaining()) {
            if (channel.read(in) < 0) break;
        }
        return Arrays.copyOf(in.array(), in.position());
    }
}
