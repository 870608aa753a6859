package dev.tutor.runtime.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class TrickleAndSlowReadingServerTest {

    @Test
    void trickleServerAnswersInPiecesOfAFewBytes() throws IOException {
        try (LoopbackServer server = TrickleServer.start(ServerOptions.defaults().withDelay(Duration.ofMillis(2)));
             SocketChannel client = SocketChannel.open(server.address())) {
            client.write(ByteBuffer.wrap("GET / HTTP/1.1\r\nHost: t\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            List<Integer> reads = new ArrayList<>();
            ByteBuffer in = ByteBuffer.allocate(4096);
            int count;
            while ((count = client.read(in.clear())) >= 0) {
                reads.add(count);
                all.write(in.array(), 0, count);
            }
            String response = all.toString(StandardCharsets.UTF_8);
            assertThat(response).startsWith("HTTP/1.1 200 OK").endsWith(TrickleServer.BODY);
            assertThat(reads.size()).as("one read per piece, more or less").isGreaterThan(10);
            assertThat(reads).allSatisfy(size -> assertThat(size).isLessThanOrEqualTo(4096));
            assertThat(reads.stream().mapToInt(Integer::intValue).max().orElseThrow())
                    .isLessThan(response.length());
        }
    }

    @Test
    void trickleServerWorksForTheJdkHttpClient() throws Exception {
        try (LoopbackServer server = TrickleServer.start(ServerOptions.defaults().withDelay(Duration.ofMillis(1)));
             HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.body()).isEqualTo(TrickleServer.BODY);
        }
    }

    @Test
    void slowReadingServerMakesANonBlockingWriteGoPartial() throws IOException {
        try (LoopbackServer server = SlowReadingServer.start(ServerOptions.defaults().withDelay(Duration.ofMillis(1)));
             SocketChannel client = SocketChannel.open()) {
            client.setOption(StandardSocketOptions.SO_SNDBUF, 64 * 1024); // keep the test's data small
            client.connect(server.address());
            client.configureBlocking(false);
            ByteBuffer out = ByteBuffer.allocate(8 * 1024 * 1024);
            int sent = client.write(out);
            assertThat(sent).as("one non-blocking write of 8 MiB stops short").isPositive().isLessThan(out.capacity());
            client.configureBlocking(true);
            client.shutdownOutput(); // end of stream: the server now reports what it received
            ByteBuffer reply = ByteBuffer.allocate(100);
            while (reply.hasRemaining() && client.read(reply) >= 0) {
                // read the one-line answer until the server closes
            }
            assertThat(new String(reply.array(), 0, reply.position(), StandardCharsets.US_ASCII))
                    .isEqualTo("received " + sent + " bytes\n");
        }
    }
}
