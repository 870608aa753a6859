package dev.tutor.runtime.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpenSocketsTest {

    @Test
    void readsTheSocketsAmongADescriptorListing(@TempDir Path fds) throws IOException {
        Files.createSymbolicLink(fds.resolve("0"), Path.of("/dev/pts/0"));
        Files.createSymbolicLink(fds.resolve("5"), Path.of("socket:[174771]"));
        Files.createSymbolicLink(fds.resolve("7"), Path.of("anon_inode:[eventpoll]"));
        Files.createSymbolicLink(fds.resolve("9"), Path.of("socket:[1063]"));

        assertThat(OpenSockets.inodes(fds)).contains(Set.of(174771L, 1063L));
        assertThat(OpenSockets.inodes(fds.resolve("missing"))).isEmpty();
    }

    @Test
    void aSocketIsListedWhileOpenAndNotOnceClosed() throws IOException {
        assumeTrue(OpenSockets.inodes().isPresent(), "only Linux lists a process's descriptors");
        // The JDK keeps a socket of its own from the first channel on (to close descriptors safely): open one first.
        ServerSocketChannel.open().close();
        Set<Long> before = OpenSockets.inodes().orElseThrow();
        ServerSocketChannel listener = ServerSocketChannel.open()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        assertThat(OpenSockets.inodes().orElseThrow()).hasSize(before.size() + 1).containsAll(before);
        listener.close();
        assertThat(OpenSockets.inodes()).contains(before);
    }
}
