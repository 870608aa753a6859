package dev.tutor.runtime.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TcpStateTest {

    @Test
    void readsTheStateOfTheEndWithThesePorts(@TempDir Path net) throws IOException {
        assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "the rows below are a little-endian host's");
        Files.writeString(net.resolve("tcp"), String.join("\n",
                "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
                "   0: 0100007F:9BF3 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 11 1 0",
                "   1: 0100007F:9BF3 0100007F:E3E0 08 00000000:00000000 00:00000000 00000000     0        0 12 1 0",
                "   2: 0100007F:E3E0 0100007F:9BF3 05 00000000:00000000 00:00000000 00000000     0        0 13 1 0",
                ""));
        assertThat(TcpState.of(net, 0x9BF3, 0xE3E0)).contains("CLOSE_WAIT");
        assertThat(TcpState.of(net, 0xE3E0, 0x9BF3)).contains("FIN_WAIT2");
        assertThat(TcpState.of(net, 0x9BF3, 0x1234)).isEmpty();
    }

    @Test
    void anEndLeavesEstablishedTheMomentItIsClosed() throws IOException {
        assumeTrue(TcpQueues.available(), "only Linux lists its sockets");
        try (ServerSocketChannel listener = ServerSocketChannel.open()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             SocketChannel client = SocketChannel.open(listener.getLocalAddress());
             SocketChannel accepted = listener.accept()) {
            int clientPort = ((InetSocketAddress) client.getLocalAddress()).getPort();
            int serverPort = ((InetSocketAddress) accepted.getLocalAddress()).getPort();
            assertThat(TcpState.of(clientPort, serverPort)).contains(TcpState.ESTABLISHED);
            client.close();
            // No wait: close() has left ESTABLISHED before it returns.
            assertThat(TcpState.of(clientPort, serverPort)).isNotEqualTo(Optional.of(TcpState.ESTABLISHED));
        }
    }
}
