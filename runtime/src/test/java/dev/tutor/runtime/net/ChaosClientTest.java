package dev.tutor.runtime.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tutor.runtime.net.ChaosClient.Ending;
import dev.tutor.runtime.net.ChaosClient.Pieces;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ChaosClientTest {

    @Test
    void theBundledEchoServerPassesEveryKindOfChaos() throws IOException {
        try (LoopbackServer server = EchoServer.start()) {
            for (Pieces pieces : Pieces.values()) {
                for (Ending ending : Ending.values()) {
                    for (long seed = 1; seed <= 2; seed++) {
                        ChaosClient chaos = ChaosClient.seeded(seed).pieces(pieces).ending(ending);
                        assertThat(chaos.echo(server.address())).as(chaos.describe()).isEmpty();
                    }
                }
            }
            ChaosClient pressure = ChaosClient.seeded(3).clients(20).messages(4, 64 * 1024).tinyBuffers(true)
                    .readLate(true).timeout(Duration.ofSeconds(20));
            assertThat(pressure.echo(server.address())).as(pressure.describe()).isEmpty();
            ChaosClient many = ChaosClient.seeded(4).clients(1_000).messages(2, 32).timeout(Duration.ofSeconds(20));
            assertThat(many.echo(server.address())).as(many.describe()).isEmpty();
            assertThat(ChaosClient.seeded(5).takeTurns(server.address(), "1 2 1 1 2 close1 3 3 2")).isEmpty();
        }
    }

    @Test
    void aServerThatServesOneClientAtATimeFailsTheTurnsNamingIt() throws IOException {
        try (BlockingServer server = BlockingServer.serial(ChaosClientTest::echoUntilEnd)) {
            Optional<String> problem = ChaosClient.seeded(7).timeout(Duration.ofSeconds(2))
                    .takeTurns(server.address(), "1 2 1 1 2 close1 3");
            assertThat(problem).hasValueSatisfying(p -> assertThat(p)
                    .contains("Turn 2").contains("client 2").contains("one client at a time").contains("seed 7"));
        }
    }

    @Test
    void aServerThatMixesUpClientsIsCaughtAtTheFirstWrongByte() throws IOException {
        // Every connection's echo goes to whichever connection was accepted last. The server echoes nothing
        // until all four are accepted: otherwise a fast client could finish before the next one connects.
        Socket[] last = new Socket[1];
        CountDownLatch allAccepted = new CountDownLatch(4);
        try (BlockingServer server = BlockingServer.threadPerClient(socket -> {
            synchronized (last) {
                last[0] = socket;
            }
            allAccepted.countDown();
            try (InputStream in = socket.getInputStream()) {
                if (!allAccepted.await(3, TimeUnit.SECONDS)) {
                    return;
                }
                byte[] buffer = new byte[1024];
                int n;
                while ((n = in.read(buffer)) > 0) {
                    OutputStream out;
                    synchronized (last) {
                        out = last[0].getOutputStream();
                    }
                    out.write(buffer, 0, n);
                }
            } catch (IOException | InterruptedException e) {
                // the client left, or the server is closing
            }
        })) {
            Optional<String> problem = ChaosClient.seeded(11).clients(4).pieces(Pieces.WHOLE).timeout(Duration.ofSeconds(3))
                    .echo(server.address());
            assertThat(problem).hasValueSatisfying(p -> assertThat(p).containsAnyOf("expected", "never received",
                    "still waiting", "sent only", "closed the connection after echoing 0").contains("seed 11"));
        }
    }

    @Test
    void aServerThatClosesAfterOneReadIsToldItClosedEarly() throws IOException {
        try (BlockingServer server = BlockingServer.threadPerClient(socket -> {
            try (socket) {
                byte[] buffer = new byte[1024];
                int n = socket.getInputStream().read(buffer);
                socket.getOutputStream().write(buffer, 0, Math.max(0, n));
            } catch (IOException e) {
                // the client left
            }
        })) {
            Optional<String> problem = ChaosClient.seeded(3).clients(2).pieces(Pieces.ONE_BYTE)
                    .timeout(Duration.ofSeconds(3)).echo(server.address());
            assertThat(problem).hasValueSatisfying(p -> assertThat(p).contains("closed the connection after echoing"));
        }
    }

    @Test
    void aServerThatNeverClosesAfterAHalfCloseIsToldWhatMinusOneMeans() throws IOException {
        try (BlockingServer server = BlockingServer.threadPerClient(socket -> {
            try (InputStream in = socket.getInputStream()) {
                byte[] buffer = new byte[1024];
                int n;
                while ((n = in.read(buffer)) != 0) {
                    if (n > 0) {
                        socket.getOutputStream().write(buffer, 0, n);
                    } else {
                        Thread.sleep(10_000); // ignores the end of the stream and keeps the socket open
                    }
                }
            } catch (IOException | InterruptedException e) {
                // closing
            }
        })) {
            Optional<String> problem = ChaosClient.seeded(5).clients(1).ending(Ending.HALF_CLOSE)
                    .timeout(Duration.ofSeconds(1)).echo(server.address());
            assertThat(problem).hasValueSatisfying(p -> assertThat(p).contains("never closed its end"));
        }
    }

    @Test
    void theSameSeedGivesTheSameFailure() throws IOException {
        try (BlockingServer server = BlockingServer.serial(ChaosClientTest::echoUntilEnd)) {
            ChaosClient chaos = ChaosClient.seeded(21).timeout(Duration.ofMillis(600));
            assertThat(chaos.takeTurns(server.address(), "1 2")).isEqualTo(chaos.takeTurns(server.address(), "1 2"));
        }
    }

    private static void echoUntilEnd(Socket socket) {
        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            byte[] buffer = new byte[1024];
            int n;
            while ((n = in.read(buffer)) > 0) {
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            // the client left
        }
    }

    /** Small blocking servers that are wrong in one way each, on loopback, stopped by close(). */
    private static final class BlockingServer implements AutoCloseable {
        private final ServerSocket listening;
        private final Thread acceptor;

        private BlockingServer(boolean threadPerClient, Consumer<Socket> serve) throws IOException {
            listening = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
            acceptor = Thread.ofPlatform().daemon().name("chaos-test-server").start(() -> {
                while (!listening.isClosed()) {
                    try {
                        Socket socket = listening.accept();
                        if (threadPerClient) {
                            Thread.ofPlatform().daemon().start(() -> serve.accept(socket));
                        } else {
                            serve.accept(socket);
                        }
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        static BlockingServer serial(Consumer<Socket> serve) throws IOException {
            return new BlockingServer(false, serve);
        }

        static BlockingServer threadPerClient(Consumer<Socket> serve) throws IOException {
            return new BlockingServer(true, serve);
        }

        InetSocketAddress address() {
            return (InetSocketAddress) listening.getLocalSocketAddress();
        }

        @Override
        public void close() throws IOException {
            listening.close();
            try {
                acceptor.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
