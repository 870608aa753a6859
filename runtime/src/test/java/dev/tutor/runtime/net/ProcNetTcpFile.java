package dev.tutor.runtime.net;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A {@code /proc/net/tcp} of a test's own: the kernel's header line, then the rows a test gives, in a folder. */
final class ProcNetTcpFile {
    private static final String HEADER =
            "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode";

    private ProcNetTcpFile() {
    }

    /** Writes {@code net/tcp} with {@code rows} under the header. */
    static void write(Path net, String... rows) throws IOException {
        Files.writeString(net.resolve("tcp"), HEADER + "\n" + String.join("\n", rows) + "\n");
    }
}
