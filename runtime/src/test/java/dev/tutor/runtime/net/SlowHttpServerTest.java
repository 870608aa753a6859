package dev.tutor.runtime.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class SlowHttpServerTest {

    private LoopbackServer server;
    private HttpClient client;

    @BeforeEach
    void start() throws IOException {
        server = SlowHttpServer.start(ServerOptions.defaults().withDelay(Duration.ofMillis(20)));
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(10)).build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void bindsTheLoopbackAddressOnly() {
        assertThat(server.address().getAddress().isLoopbackAddress()).isTrue();
        assertThat(server.port()).isPositive();
        assertThat(server.kind()).isEqualTo(ServerKind.HTTP);
    }

    @Test
    void answersAGetWithRealHeadersAfterTheDelayInThePath() throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> response = get("/delay/150");
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(150).toNanos());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("text/plain; charset=utf-8");
        assertThat(response.headers().firstValue("date")).isPresent();
        assertThat(response.headers().firstValueAsLong("content-length"))
                .hasValue(response.body().getBytes(StandardCharsets.UTF_8).length);
        assertThat(response.body()).contains("GET /delay/150").contains("after 150 ms");
    }

    @Test
    void takesTheDelayFromTheQueryOrTheDefault() throws Exception {
        assertThat(get("/anything?delay=70").body()).contains("after 70 ms");
        assertThat(get("/anything").body()).contains("after 20 ms");
    }

    @Test
    void keepsTheConnectionAliveBetweenRequests() throws Exception {
        get("/delay/0");
        assertThat(get("/delay/0").body()).contains("request 2 on this connection");
    }

    @Test
    void rejectsABadDelayWithA400ThatSaysWhatToDo() throws Exception {
        HttpResponse<String> response = get("/delay/soon");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("Bad delay 'soon'").contains("/delay/200");
    }

    @Test
    void refusesOtherMethodsWith405() throws Exception {
        HttpRequest post = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/"))
                .POST(HttpRequest.BodyPublishers.ofString("hello")).timeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> response = client.send(post, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("allow")).hasValue("GET, HEAD");
    }

    @Test
    void answersPipelinedRequestsInOrder() throws IOException {
        try (Socket socket = new Socket(server.address().getAddress(), server.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /delay/60 HTTP/1.1\r\nHost: t\r\n\r\n"
                    + "GET /delay/0 HTTP/1.1\r\nHost: t\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            assertThat(RawHttp.readResponse(in)).contains("GET /delay/60").contains("request 1");
            assertThat(RawHttp.readResponse(in)).contains("GET /delay/0").contains("request 2");
        }
    }

    @Test
    void closesAnHttp10ConnectionAfterTheResponse() throws IOException {
        try (Socket socket = new Socket(server.address().getAddress(), server.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("GET /delay/0 HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            assertThat(RawHttp.readResponse(in)).contains("Connection: close");
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    @Timeout(90)
    void servesAThousandConcurrentConnectionsInAboutOneDelay() throws IOException {
        int clients = 1000;
        List<SocketChannel> channels = new ArrayList<>(clients);
        try {
            long start = System.nanoTime();
            byte[] request = "GET /delay/500 HTTP/1.1\r\nHost: t\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < clients; i++) {
                SocketChannel channel = SocketChannel.open(server.address());
                channel.write(ByteBuffer.wrap(request));
                channels.add(channel);
            }
            int ok = 0;
            for (SocketChannel channel : channels) {
                channel.socket().setSoTimeout(60_000);
                String response = RawHttp.readResponse(channel.socket().getInputStream());
                if (response.startsWith("HTTP/1.1 200 OK")) ok++;
            }
            long took = System.nanoTime() - start;
            assertThat(ok).isEqualTo(clients);
            // One after another would take 500 s; concurrently it is one delay plus overhead. The bound tells
            // the two apart with a tenfold margin, so that a crowded machine's slowness cannot be mistaken for
            // serial service (it is not a speed target: those live in bench/).
            assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(500).toNanos())
                    .isLessThan(Duration.ofMillis(500).multipliedBy(clients / 10).toNanos());
        } finally {
            for (SocketChannel channel : channels) {
                channel.close();
            }
        }
    }
}
