package dev.tutor.runtime.meter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tutor.runtime.net.EpollInterest;
import dev.tutor.runtime.net.EpollWatch;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The three servers echo, the selector's epoll instance can be read, and closing leaves nothing behind. */
@Timeout(30)
class ServersCloseTest {
    private static final Path FDS = Path.of("/proc/self/fd");

    @Test
    void eachServerEchoesAndClosesItsConnectedClients() throws IOException {
        for (MeteredServer server : List.<MeteredServer>of(ThreadPerClientServer.start(), BusyPollServer.start(),
                SelectorServer.start())) {
            try (server; SocketChannel client = SocketChannel.open(server.address())) {
                assertThat(echo(client, "ping")).as(server.name()).isEqualTo("ping");
                assertThat(server.address().getAddress().isLoopbackAddress()).isTrue();
                assertThat(server.threadIds()).isNotEmpty();
                server.close();
                assertThat(client.read(ByteBuffer.allocate(8))).as(server.name()).isEqualTo(-1);
                assertThat(server.threadIds()).isEmpty();
            }
        }
    }

    @Test
    void theKernelListsTheSelectorsListenerAndEachServedClient() throws IOException {
        assumeTrue(EpollInterest.available(), "the kernel's view is Linux's");
        try (SelectorServer server = SelectorServer.start();
             SocketChannel client = SocketChannel.open(server.address())) {
            assertThat(server.epollFd()).isPresent();
            echo(client, "hi"); // answered: so the server had registered it, and the kernel holds that
            List<EpollWatch> watches = EpollInterest.interestList(server.epollFd().orElseThrow());
            int clientPort = ((InetSocketAddress) client.getLocalAddress()).getPort();
            assertThat(watches).anySatisfy(w -> {
                assertThat(w.tcpState()).isEqualTo("LISTEN");
                assertThat(w.localPort()).isEqualTo(server.address().getPort());
                assertThat(w.wantsRead()).isTrue();
            }).anySatisfy(w -> {
                assertThat(w.tcpState()).isEqualTo("ESTABLISHED");
                assertThat(w.remotePort()).isEqualTo(clientPort);
                assertThat(w.wantsWrite()).isFalse(); // nothing pending: no OP_WRITE
            });
        }
    }

    @Test
    void theMetersLeaveNoThreadAndNoDescriptorOnceClosed() throws Exception {
        assumeTrue(Files.isDirectory(FDS), "needs Linux's /proc/self/fd");
        ProbeClients.Plan few = new ProbeClients.Plan(2, 8, java.time.Duration.ZERO, 5, java.time.Duration.ofMinutes(1));
        try (EchoMeters warmUp = EchoMeters.start(few)) {
            warmUp.read(); // class loading opens jars once
        }
        long fdsBefore = openFds();
        EchoMeters meters = EchoMeters.start(few);
        meters.awaitProbesDone();
        assertThat(meters.read()).extracting(MeterReading::server)
                .containsExactly("thread per client", "busy polling", "one Selector");
        meters.close();
        assertThat(MeterThreads.alive()).isEmpty();
        assertThat(openFds()).isEqualTo(fdsBefore);
    }

    private static String echo(SocketChannel client, String text) throws IOException {
        client.write(ByteBuffer.wrap(text.getBytes()));
        ByteBuffer in = ByteBuffer.allocate(text.length());
        while (in.hasRemaining() && client.read(in) >= 0) {
            // until all of it came back
        }
        return new String(in.array(), 0, in.position());
    }

    private static long openFds() throws IOException {
        try (Stream<Path> fds = Files.list(FDS)) {
            return fds.count();
        }
    }
}
