package dev.tutor.runtime.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class GateServerTest {
    private static final Duration LONG = Duration.ofSeconds(10);

    private static CompletableFuture<HttpResponse<String>> get(HttpClient client, URI page) {
        return client.sendAsync(HttpRequest.newBuilder(page).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void holdsEveryAnswerUntilTheLimitIsInFlightThenAnswersThemAll() throws Exception {
        try (GateServer gate = GateServer.start(3, 3, LONG, Duration.ZERO, Duration.ZERO, -1, i -> { });
             HttpClient client = HttpClient.newHttpClient()) {
            List<CompletableFuture<HttpResponse<String>>> replies = new ArrayList<>();
            for (URI page : gate.pages()) {
                replies.add(get(client, page));
            }
            for (int i = 0; i < 3; i++) {
                assertThat(replies.get(i).get(5, TimeUnit.SECONDS).body()).isEqualTo(GateServer.bodyFor(i));
            }
            assertThat(gate.mostInFlight()).isEqualTo(3);
            assertThat(gate.arrivedBeforeFirstAnswer()).isEqualTo(3);
        }
    }

    @Test
    void opensAfterItsTimeOutWhenTooFewRequestsCome() throws Exception {
        try (GateServer gate = GateServer.start(2, 2, Duration.ofMillis(100), Duration.ZERO, Duration.ZERO, -1, i -> { });
             HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> only = get(client, gate.pages().get(0)).get(5, TimeUnit.SECONDS);
            assertThat(only.statusCode()).isEqualTo(200);
            assertThat(gate.arrivedBeforeFirstAnswer()).isEqualTo(1);
            assertThat(gate.mostInFlight()).isEqualTo(1);
        }
    }

    @Test
    void answersTheBrokenPageWithAServerError() throws Exception {
        try (GateServer gate = GateServer.start(1, 1, LONG, Duration.ZERO, Duration.ZERO, 0, i -> { });
             HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> reply = get(client, gate.pages().get(0)).get(5, TimeUnit.SECONDS);
            assertThat(reply.statusCode()).isEqualTo(500);
            assertThat(reply.body()).contains("page 0 is broken");
        }
    }
}
