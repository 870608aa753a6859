package dev.tutor.runtime.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tutor.runtime.loop.LoopEvent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ServerLifecycleTest {

    @Test
    void saysInOneLineWhatToDoWhenThePortIsTaken() throws IOException {
        try (LoopbackServer first = EchoServer.start()) {
            ServerOptions same = ServerOptions.defaults().withPort(first.port());
            assertThatThrownBy(() -> SlowHttpServer.start(same)).isInstanceOf(PortInUseException.class)
                    .hasMessage("Port " + first.port()
                            + " is already in use: pick another with --port or leave it out for a free one.");
        }
    }

    @Test
    void startsEachKindByItsCommandLineName() throws IOException {
        for (String name : List.of("http", "echo", "trickle", "slow-reader")) {
            try (LoopbackServer server = ServerKind.fromName(name).start(ServerOptions.defaults())) {
                assertThat(server.kind().cliName()).isEqualTo(name);
                assertThat(server.describe()).contains("127.0.0.1:" + server.port());
            }
        }
    }

    @Test
    void namesTheChoicesWhenAKindIsUnknown() {
        assertThatThrownBy(() -> ServerKind.fromName("ftp")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("No server called 'ftp'. Pick one of: http, echo, trickle, slow-reader.");
    }

    @Test
    void rejectsAnOutOfRangePortOrDelay() {
        assertThatThrownBy(() -> ServerOptions.defaults().withPort(70000)).hasMessageContaining("70000");
        assertThatThrownBy(() -> ServerOptions.defaults().withDelay(java.time.Duration.ofMinutes(5)))
                .hasMessageContaining("300000 ms");
    }

    @Test
    void closeStopsTheThreadAndReleasesEverySocket() throws IOException {
        Path fds = Path.of("/proc/self/fd");
        assumeTrue(Files.isDirectory(fds), "needs Linux's /proc/self/fd");
        roundTrip(); // warm up class loading
        long before = count(fds);
        for (int i = 0; i < 3; i++) {
            roundTrip();
        }
        assertThat(count(fds)).isEqualTo(before);
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("tutor-echo-server"));
    }

    @Test
    void aListenerSeesTheServerLoopTurns() throws IOException {
        List<LoopEvent> events = new CopyOnWriteArrayList<>();
        try (LoopbackServer server = EchoServer.start(ServerOptions.defaults().withListener(events::add));
             SocketChannel client = SocketChannel.open(server.address())) {
            client.write(ByteBuffer.wrap(new byte[] {7}));
            EchoServerTest.readExactly(client, 1);
        }
        assertThat(events).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(LoopEvent.SelectReturned.class,
                selected -> assertThat(selected.keys()).isNotEmpty()));
    }

    @Test
    void closingTwiceIsHarmless() throws IOException {
        LoopbackServer server = EchoServer.start();
        server.close();
        server.close();
        assertThatThrownBy(() -> SocketChannel.open(server.address())).isInstanceOf(IOException.class);
    }

    private static void roundTrip() throws IOException {
        try (LoopbackServer server = EchoServer.start(); SocketChannel client = SocketChannel.open(server.address())) {
            client.write(ByteBuffer.wrap(new byte[] {1}));
            EchoServerTest.readExactly(client, 1);
        }
    }

    private static long count(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.count();
        }
    }
}
