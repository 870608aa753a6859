package dev.tutor.runtime.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TcpQueuesTest {

    @Test
    void readsBothQueuesOfTheRowWithTheseTwoPorts(@TempDir Path net) throws IOException {
        assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "the rows below are a little-endian host's");
        ProcNetTcpFile.write(net,
                "   0: 0100007F:9BF3 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 11 1 0",
                "   1: 0100007F:9BF3 0100007F:E3E0 01 0001F400:00000000 00:00000000 00000000     0        0 12 1 0",
                "   2: 0100007F:E3E0 0100007F:9BF3 01 00000000:00020000 00:00000000 00000000     0        0 13 1 0");
        assertThat(TcpQueues.between(net, 0x9BF3, 0xE3E0)).hasValueSatisfying(connection -> {
            assertThat(connection.a()).isEqualTo(new TcpQueues.Queued(0x1F400, 0));
            assertThat(connection.b()).isEqualTo(new TcpQueues.Queued(0, 0x20000));
            assertThat(connection.inKernel()).isEqualTo(0x1F400 + 0x20000);
        });
        assertThat(TcpQueues.between(net, 0x9BF3, 0x1234)).isEmpty();
    }

    @Test
    void seesBytesThatArrivedAndWereNotRead() throws IOException {
        assumeTrue(TcpQueues.available(), "only Linux lists its sockets' queues");
        try (LoopbackPair pair = LoopbackPair.open()) {
            pair.client().write(ByteBuffer.wrap(new byte[1000]));
            int clientPort = pair.clientPort();
            int serverPort = pair.serverPort();
            long deadline = System.nanoTime() + 2_000_000_000L;
            while (TcpQueues.between(serverPort, clientPort).map(c -> c.a().receiving()).orElse(0L) < 1000
                    && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(TcpQueues.between(serverPort, clientPort).map(TcpQueues.Connection::a))
                    .contains(new TcpQueues.Queued(0, 1000));
        }
    }
}
