package dev.tutor.runtime.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(20)
class EpollInterestTest {

    @Test
    void namesTheBitsOfAnEventMask() {
        assertThat(EpollInterest.eventNames(0x19)).isEqualTo("EPOLLIN|EPOLLERR|EPOLLHUP");
        assertThat(EpollInterest.eventNames(0x1d)).isEqualTo("EPOLLIN|EPOLLOUT|EPOLLERR|EPOLLHUP");
        assertThat(EpollInterest.eventNames(0x2001 | 1 << 31)).isEqualTo("EPOLLIN|EPOLLRDHUP|EPOLLET");
        assertThat(EpollInterest.eventNames(1 << 30 | 0x4)).isEqualTo("EPOLLOUT|EPOLLONESHOT");
        assertThat(EpollInterest.eventNames(0x800)).isEqualTo("0x800");
        assertThat(EpollInterest.eventNames(0)).isEqualTo("(none)");
    }

    @Test
    void readsTheWatchedDescriptorsOfAnFdinfo() {
        String fdinfo = """
                pos:\t0
                flags:\t02000002
                mnt_id:\t17
                ino:\t1038
                tfd:       11 events:       1d data:                b  pos:0 ino:2aab3 sdev:9
                tfd:        7 events:       19 data:     7f2f00000007  pos:0 ino:2aab1 sdev:9
                tfd:        8 events: 80000019 data:                8  pos:0 ino:2aab2 sdev:f
                """;
        List<int[]> watches = EpollInterest.parseFdinfo(fdinfo);
        assertThat(watches).hasSize(3);
        assertThat(watches.get(0)).containsExactly(11, 0x1d);
        assertThat(watches.get(1)).containsExactly(7, 0x19);
        assertThat(watches.get(2)).containsExactly(8, 0x80000019);
    }

    @Test
    void readsAddressesAsTheKernelPrintsThem() throws IOException {
        assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "the rows below are a little-endian host's");
        assertThat(TcpTable.address("0100007F:9BF3"))
                .isEqualTo(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0x9BF3));
        assertThat(TcpTable.address("0000000000000000FFFF00000100007F:8913"))
                .isEqualTo(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0x8913));
        assertThat(TcpTable.address("00000000000000000000000001000000:0050").getAddress().isLoopbackAddress()).isTrue();
        assertThat(TcpTable.parse("   4: 0000000000000000FFFF00000100007F:9BF3 0000000000000000FFFF00000100007F:E3E0"
                + " 01 00000000:00000000 00:00000000 00000000     0        0 174771 1 0000000016b4efb3 20 0 0 10 -1"))
                .hasValueSatisfying(row -> {
                    assertThat(row.getKey()).isEqualTo(174771L);
                    assertThat(row.getValue().state()).isEqualTo("ESTABLISHED");
                    assertThat(row.getValue().remote().getPort()).isEqualTo(0xE3E0);
                });
        assertThat(TcpTable.parse("   0: 00000000:07E8 00000000:0000 0A 00000000:00000000 00:00000000 00000000"
                + "     0        0 1063 1 000000002e201656 100 0 0 10 0"))
                .hasValueSatisfying(row -> {
                    assertThat(row.getValue().state()).isEqualTo("LISTEN");
                    assertThat(row.getValue().remote()).isNull();
                });
        assertThat(TcpTable.parse("  sl  local_address rem_address   st tx_queue rx_queue")).isEmpty();
    }

    @Test
    void readsAMadeUpProcFolder(@TempDir Path proc) throws IOException {
        Path fd = Files.createDirectories(proc.resolve("self/fd"));
        Path fdinfo = Files.createDirectories(proc.resolve("self/fdinfo"));
        Path net = Files.createDirectories(proc.resolve("net"));
        Files.createSymbolicLink(fd.resolve("4"), Path.of(EpollInterest.EVENTPOLL));
        Files.createSymbolicLink(fd.resolve("5"), Path.of("anon_inode:[eventfd]"));
        Files.createSymbolicLink(fd.resolve("7"), Path.of("socket:[1063]"));
        Files.writeString(fdinfo.resolve("4"), "pos:\t0\ntfd:        7 events:       19 data: 7  pos:0\n"
                + "tfd:        5 events:       19 data: 5  pos:0\n");
        Files.writeString(net.resolve("tcp"), "  sl  local_address rem_address   st\n"
                + "   0: 0100007F:07E8 00000000:0000 0A 00000000:00000000 00:00000000 00000000"
                + "     0        0 1063 1\n");

        EpollInterest view = EpollInterest.at(proc);

        assertThat(view.epollDescriptors()).containsExactly(4);
        List<EpollWatch> watches = view.read(4);
        assertThat(watches).extracting(EpollWatch::fd).containsExactly(5, 7);
        assertThat(watches.get(0).target()).isEqualTo("anon_inode:[eventfd]");
        assertThat(watches.get(0).local()).isNull();
        assertThat(watches.get(1).tcpState()).isEqualTo("LISTEN");
        assertThat(watches.get(1).localPort()).isEqualTo(0x07E8);
        assertThat(watches.get(1).wantsRead()).isTrue();
        assertThat(watches.get(1).wantsWrite()).isFalse();
        assertThat(watches.get(1).describe()).contains("LISTEN").contains("EPOLLIN|EPOLLERR|EPOLLHUP");
        assertThat(view.readEvents(4)).containsExactly(Map.entry(5, 0x19), Map.entry(7, 0x19));
        assertThatThrownBy(() -> view.read(5)).isInstanceOf(IOException.class).hasMessageContaining("not an epoll");
    }

    @Test
    void namesEachWatchedFileByItsInodeWhichOutlivesADescriptorsNumber(@TempDir Path proc) throws IOException {
        Path fd = Files.createDirectories(proc.resolve("self/fd"));
        Path fdinfo = Files.createDirectories(proc.resolve("self/fdinfo"));
        Files.createSymbolicLink(fd.resolve("4"), Path.of(EpollInterest.EVENTPOLL));
        Files.writeString(fdinfo.resolve("4"), "pos:\t0\nflags:\t02000002\nmnt_id:\t17\nino:\t1039\n"
                + "tfd:        7 events:       19 data:                7  pos:0 ino:7217fc sdev:9\n"
                + "tfd:        9 events:        1 data:                9  pos:0 ino:10 sdev:9\n");

        assertThat(EpollInterest.at(proc).readInodes(4)).containsExactly(0x10L, 0x7217fcL);
    }

    @Test
    void saysInOneLineWhyTheViewIsMissingElsewhere(@TempDir Path somewhere) {
        assertThat(EpollInterest.unavailable("Mac OS X", somewhere)).hasValueSatisfying(why ->
                assertThat(why).contains("only Linux").contains("kqueue").doesNotContain("\n"));
        assertThat(EpollInterest.unavailable("Windows 11", somewhere)).hasValueSatisfying(why ->
                assertThat(why).contains("wepoll"));
        assertThat(EpollInterest.unavailable("Linux", somewhere.resolve("missing"))).isPresent();
        assertThat(EpollInterest.unavailable("Linux", somewhere)).isEmpty();
    }

    /** The real thing: a Java selector's interest list as the kernel holds it, changing with interestOps. */
    @Test
    void showsASelectorsInterestListAsItChanges() throws IOException {
        assumeTrue(EpollInterest.available(), EpollInterest.unavailableReason());
        Set<Integer> before = EpollInterest.instances();
        try (Selector selector = Selector.open();
             ServerSocketChannel listener = ServerSocketChannel.open();
             SocketChannel client = SocketChannel.open()) {
            int epfd = EpollInterest.openedSince(before).orElseThrow();
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            listener.configureBlocking(false);
            listener.register(selector, SelectionKey.OP_ACCEPT);
            client.connect(listener.getLocalAddress());
            client.configureBlocking(false);
            SelectionKey key = client.register(selector, SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            Pipe pipe = Pipe.open();
            pipe.source().configureBlocking(false);
            pipe.source().register(selector, SelectionKey.OP_READ);
            selector.selectNow();

            List<EpollWatch> watches = EpollInterest.interestList(epfd);
            int serverPort = ((InetSocketAddress) listener.getLocalAddress()).getPort();
            int clientPort = ((InetSocketAddress) client.getLocalAddress()).getPort();
            EpollWatch listening = only(watches, w -> w.localPort() == serverPort && "LISTEN".equals(w.tcpState()));
            assertThat(listening.wantsRead()).isTrue();
            assertThat(listening.wantsWrite()).isFalse();
            EpollWatch connected = only(watches, w -> w.localPort() == clientPort);
            assertThat(connected.remotePort()).isEqualTo(serverPort);
            assertThat(connected.tcpState()).isEqualTo("ESTABLISHED");
            assertThat(connected.wantsRead()).isTrue();
            assertThat(connected.wantsWrite()).isTrue();
            assertThat(watches).anyMatch(w -> w.target().startsWith("pipe:["));
            // Java's selector is level-triggered: no watch carries EPOLLET.
            assertThat(watches).noneMatch(EpollWatch::edgeTriggered);

            key.interestOps(SelectionKey.OP_READ);
            assertThat(only(EpollInterest.interestList(epfd), w -> w.localPort() == clientPort).wantsWrite())
                    .as("a change reaches the kernel at the next select, not before").isTrue();
            selector.selectNow();
            assertThat(only(EpollInterest.interestList(epfd), w -> w.localPort() == clientPort).wantsWrite()).isFalse();

            assertThat(EpollInterest.events(epfd)).containsEntry(connected.fd(), 0x19);
            key.interestOps(0);
            selector.selectNow();
            assertThat(EpollInterest.interestList(epfd)).noneMatch(w -> w.localPort() == clientPort);
            assertThat(EpollInterest.describe(epfd)).contains("epoll instance fd " + epfd).contains("LISTEN");
            pipe.sink().close();
            pipe.source().close();
        }
        assertThat(EpollInterest.instances()).isEqualTo(before);
        assertThatThrownBy(() -> EpollInterest.interestList(-1)).isInstanceOf(IOException.class);
    }

    private static EpollWatch only(List<EpollWatch> watches, java.util.function.Predicate<EpollWatch> which) {
        List<EpollWatch> found = watches.stream().filter(which).toList();
        assertThat(found).as("matching watches in %s", watches).hasSize(1);
        return found.get(0);
    }

    @Test
    void findsNoNewInstanceWhenNoneWasOpened() throws IOException {
        assumeTrue(EpollInterest.available(), EpollInterest.unavailableReason());
        assertThat(EpollInterest.openedSince(EpollInterest.instances())).isEqualTo(Optional.empty());
    }
}
