package dev.tutor.runtime.bench;

import dev.tutor.runtime.net.EchoServer;
import dev.tutor.runtime.net.LoopbackServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The server half of {@link IdleBench}, in a JVM of its own so that its memory is only the server's:
 * starts an echo server ({@code bundled}, {@code netty}, or thread-per-connection on {@code platform} or
 * {@code virtual} threads), prints {@code PORT n}, and answers each
 * {@code measure} line on stdin with {@code HEAP <bytes used after GC> RSS <kB>}. Ends when stdin closes.
 */
public final class IdleServerMain {

    private IdleServerMain() {
    }

    public static void main(String[] args) throws Exception {
        String kind = args.length > 0 ? args[0] : "bundled";
        try (LoopbackServer server = switch (kind) {
            case "bundled" -> EchoServer.start();
            case "netty" -> new NettyEchoServer();
            case "platform" -> new BlockingEchoServer(false);
            case "virtual" -> new BlockingEchoServer(true);
            default -> throw new IllegalArgumentException(
                    "Unknown server " + kind + ": use bundled, netty, platform or virtual.");
        }) {
            System.out.println("PORT " + server.port());
            System.out.flush();
            var in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                if (line.equals("measure")) {
                    System.out.println("HEAP " + heapUsedAfterGc() + " RSS " + rssKb());
                    System.out.flush();
                }
            }
        }
    }

    private static long heapUsedAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long rssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}
