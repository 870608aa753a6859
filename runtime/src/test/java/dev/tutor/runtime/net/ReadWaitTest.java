package dev.tutor.runtime.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class ReadWaitTest {

    @Test
    void readsTheDescriptorOfAReadOnX86() {
        assertThat(ReadWait.parse("0 0x2a 0x7f5c3c0010 0x2000 0x0 0x0 0x0 0x7f 0x7f", "amd64")).contains(new ReadWait(42));
        assertThat(ReadWait.parse("0 0x2a 0x7f5c3c0010 0x2000 0x0 0x0 0x0 0x7f 0x7f", "aarch64")).isEmpty();
        assertThat(ReadWait.parse("7 0x7fde64993458 0x1 0x3e8 0xc 0x0 0x0 0x7f 0x7f", "amd64")).isEmpty();
        assertThat(ReadWait.parse("running", "amd64")).isEmpty();
        assertThat(ReadWait.of("0/task/0")).isEmpty();
    }

    @Test
    void seesAThreadReadingAChildsOutputPipe() throws Exception {
        String arch = System.getProperty("os.arch", "");
        assumeTrue((arch.equals("amd64") || arch.equals("x86_64")) && NativeTask.current().isPresent()
                && Files.isExecutable(Path.of("/bin/sleep")), "needs Linux's /proc on x86-64, and /bin/sleep");
        Process silent = new ProcessBuilder("/bin/sleep", "10").start();
        try {
            CompletableFuture<String> task = new CompletableFuture<>();
            Thread reader = Thread.ofPlatform().daemon().start(() -> {
                task.complete(NativeTask.current().orElse(""));
                try {
                    silent.getInputStream().read();
                } catch (IOException closed) {
                    // the child was ended
                }
            });
            String name = task.get(5, TimeUnit.SECONDS);
            Optional<ReadWait> seen = Optional.empty();
            for (int i = 0; i < 400 && seen.isEmpty() && reader.isAlive(); i++) {
                seen = ReadWait.of(name);
                Thread.sleep(5);
            }
            assertThat(seen).isPresent();
            assertThat(Files.readSymbolicLink(Path.of("/proc/self/fd", Integer.toString(seen.get().fd()))).toString())
                    .startsWith("pipe:");
        } finally {
            silent.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
