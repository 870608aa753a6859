package dev.tutor.runtime.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TcpStateTest {

    @Test
    void readsTheStateOfTheEndWithThesePorts(@TempDir Path net) throws IOException {
        assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "the rows below are a little-endian host's");
        ProcNetTcpFile.write(net,
                "   0: 0100007F:9BF3 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 11 1 0",
                "   1: 0100007F:9BF3 0100007F:E3E0 08 00000000:00000000 00:00000000 00000000     0        0 12 1 0",
                "   2: 0100007F:E3E0 0100007F:9BF3 05 00000000:00000000 00:00000000 00000000     0        0 13 1 0");
        assertThat(TcpState.of(net, 0x9BF3, 0xE3E0)).contains("CLOSE_WAIT");
        assertThat(TcpState.of(net, 0xE3E0, 0x9BF3)).contains("FIN_WAIT2");
        assertThat(TcpState.of(net, 0x9BF3, 0x1234)).isEmpty();
    }

    @Test
    void anEndLeavesEstablishedTheMomentItIsClosed() throws IOException {
        assumeTrue(TcpQueues.available(), "only Linux lists its sockets");
        try (LoopbackPair pair = LoopbackPair.open()) {
            int clientPort = pair.clientPort();
            int serverPort = pair.serverPort();
            assertThat(TcpState.of(clientPort, serverPort)).contains(TcpState.ESTABLISHED);
            pair.client().close();
            // No wait: close() has left ESTABLISHED before it returns.
            assertThat(TcpState.of(clientPort, serverPort)).isNotEqualTo(Optional.of(TcpState.ESTABLISHED));
        }
    }
}
