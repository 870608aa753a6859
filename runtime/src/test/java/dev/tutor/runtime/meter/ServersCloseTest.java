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
    void theSelectorAsksForWriteOnlyWhileAnEchoWaitsToGoOut() throws Exception {
        assumeTrue(EpollInterest.available(), "the kernel's view is Linux's");
        try (SelectorServer server = SelectorServer.start(); SocketChannel client = SocketChannel.open()) {
            client.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 8 * 1024); // a narrow way back
            client.connect(server.address());
            int port = ((InetSocketAddress) client.getLocalAddress()).getPort();
            client.write(ByteBuffer.allocate(SlowReader.BURST)); // not read yet: the echo cannot all go out
            awaitWriteInterest(server, port, true);
            ByteBuffer back = ByteBuffer.allocate(SlowReader.BURST);
            while (back.hasRemaining()) {
                client.read(back);
            }
            awaitWriteInterest(server, port, false); // all of it went: the server asks only to read again
        }
    }

    @Test
    void theSlowReaderGetsEveryByteOfItsBurstBack() throws Exception {
        try (SelectorServer server = SelectorServer.start();
             SlowReader reader = SlowReader.start(server.address(), java.time.Duration.ZERO, 1,
                     java.time.Duration.ofMinutes(1), dev.tutor.runtime.time.Clock.system())) {
            reader.awaitDone();
            assertThat(reader.echoed()).isEqualTo(SlowReader.BURST);
        }
    }

    /** Waits until the kernel shows the connection of client port {@code port} asking to write, or not. */
    private static void awaitWriteInterest(SelectorServer server, int port, boolean wanted) throws IOException {
        while (true) {
            for (EpollWatch w : EpollInterest.interestList(server.epollFd().orElseThrow())) {
                if (w.remotePort() == port && w.wantsWrite() == wanted) {
                    return;
                }
            }
            Thread.onSpinWait(); // the test's @Timeout bounds the wait
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
