package dev.tutor.runtime.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class PollWaitTest {

    @Test
    void readsTheTimeOutOfAPollOnX86() {
        assertThat(PollWait.parse("7 0x7fde64993458 0x1 0x3e8 0xc 0x0 0x69dbdde18 0x7fde6499 0x7fde6994", "amd64"))
                .contains(new PollWait(1000));
        assertThat(PollWait.parse("7 0x7fde64993458 0x1 0xffffffff 0x0 0x0 0x0 0x7f 0x7f", "amd64"))
                .contains(new PollWait(-1));
        assertThat(PollWait.parse("7 0x7fde64993458 0x1 0x3e8 0xc 0x0 0x0 0x7f 0x7f", "aarch64")).isEmpty();
        assertThat(PollWait.parse("232 0x5 0x7f 0x400 0xffffffff 0x0 0x0 0x7f 0x7f", "amd64")).isEmpty();
        assertThat(PollWait.parse("running", "amd64")).isEmpty();
        assertThat(PollWait.of("0/task/0")).isEmpty();
    }

    @Test
    void seesTheTimeOutOfAConnectThatIsNeverAnswered() throws Exception {
        String arch = System.getProperty("os.arch", "");
        assumeTrue((arch.equals("amd64") || arch.equals("x86_64"))
                && Files.isReadable(Path.of("/proc/thread-self/syscall")), "needs Linux's /proc on x86-64");
        // A backlog of one that nobody accepts: once it is full, a connection request goes unanswered.
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket first = new Socket();
             Socket second = new Socket()) {
            InetSocketAddress address = (InetSocketAddress) full.getLocalSocketAddress();
            first.connect(address, 1_000);
            try {
                second.connect(address, 300);
            } catch (SocketTimeoutException backlogFull) {
                // as hoped: the next connect is not answered either
            }
            CompletableFuture<String> task = new CompletableFuture<>();
            Thread connecting = Thread.ofPlatform().daemon().start(() -> {
                try (Socket third = new Socket()) {
                    task.complete(NativeTask.current().orElse(""));
                    third.connect(address, 4_321);
                } catch (Exception e) {
                    task.complete("");
                }
            });
            String name = task.get(5, TimeUnit.SECONDS);
            assumeTrue(!name.isEmpty() && connecting.isAlive(), "this system answered the connection at once");
            Optional<PollWait> seen = Optional.empty();
            for (int i = 0; i < 400 && seen.isEmpty() && connecting.isAlive(); i++) {
                seen = PollWait.of(name);
                Thread.sleep(5);
            }
            assumeTrue(connecting.isAlive(), "this system answered the connection");
            // The first poll asks for the whole time-out; one begun again after a signal, for what is left.
            assertThat(seen).hasValueSatisfying(w -> assertThat(w.timeoutMillis()).isBetween(4_000, 4_321));
        }
    }
}
