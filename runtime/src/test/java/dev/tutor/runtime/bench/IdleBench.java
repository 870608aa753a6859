package dev.tutor.runtime.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Memory per idle connection: starts an echo server in a child JVM ({@link IdleServerMain}), measures its
 * heap after GC and its RSS, opens N loopback connections (default 10,000) checking one round trip on
 * each, measures again and divides the difference by N. A benchmark, not a test.
 *
 * <pre>
 * cd runtime &amp;&amp; java -cp target/classes:target/test-classes:$(cat target/cp.txt) \
 *     dev.tutor.runtime.bench.IdleBench [connections, default 10000] [servers, default bundled,netty]
 * </pre>
 *
 * {@code -Dbench.childOptions="-XX:+UseSerialGC"} passes JVM options to the server's JVM; with
 * {@code -XX:NativeMemoryTracking=summary} among them it also prints the JVM's native-memory diff.
 *
 * Needs about N + 100 file descriptors in each JVM ({@code ulimit -n}); the JVM raises its soft limit to
 * the hard one by itself.
 */
public final class IdleBench {

    /** The whole measurement of one server must finish within this, or it is abandoned. */
    private static final long DEADLINE_SECONDS = 180;
    private static final int SOCKET_TIMEOUT_MILLIS = 5_000;
    private static final byte[] PING = "ping-0123456789\n".getBytes(StandardCharsets.US_ASCII);

    private IdleBench() {
    }

    public static void main(String[] args) throws Exception {
        int connections = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        String[] servers = (args.length > 1 ? args[1] : "bundled,netty").split(",");
        System.out.printf(Locale.ROOT, "Idle connections: %d per server, Java %s%n", connections, Runtime.version());
        for (String server : servers) {
            measure(server, connections);
        }
    }

    private static void measure(String kind, int connections) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
        List<String> command = new ArrayList<>(List.of(Path.javaBinary()));
        // -Dbench.childOptions="-XX:+UseSerialGC -Xmx64m" passes JVM options to the server's JVM.
        String childOptions = System.getProperty("bench.childOptions", "").trim();
        if (!childOptions.isEmpty()) command.addAll(List.of(childOptions.split("\\s+")));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), IdleServerMain.class.getName(), kind));
        Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        List<Socket> sockets = new ArrayList<>(connections);
        try (var out = new PrintWriter(child.getOutputStream(), true, StandardCharsets.UTF_8)) {
            var in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String first = in.readLine();
            if (first == null || !first.startsWith("PORT ")) {
                throw new IOException(kind + " server did not print its port (got: " + first + ")");
            }
            var address = new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(first.substring(5)));

            // Warm-up: load every class the connection path needs, then let the connections go.
            List<Socket> warm = new ArrayList<>();
            for (int i = 0; i < 200; i++) warm.add(openAndPing(address));
            for (Socket socket : warm) socket.close();
            Thread.sleep(300);

            long[] before = ask(out, in);
            boolean nmt = childOptions.contains("NativeMemoryTracking");
            if (nmt) jcmd(child, "VM.native_memory", "baseline");
            long start = System.nanoTime();
            for (int i = 0; i < connections; i++) {
                if (System.nanoTime() > deadline) throw new IOException("Gave up after " + i + " connections");
                sockets.add(openAndPing(address));
            }
            double openSeconds = (System.nanoTime() - start) / 1e9;
            // A second round trip on every connection once all are open: all of them are really served.
            for (Socket socket : sockets) ping(socket);
            long[] after = ask(out, in);
            if (nmt) System.out.println(jcmd(child, "VM.native_memory", "summary.diff", "scale=KB"));
            System.out.printf(Locale.ROOT, "%-8s %d connections open and echoing (opened in %.1f s): heap after GC %.1f -> %.1f MiB,"
                            + " %.0f bytes/connection; RSS %.1f -> %.1f MiB, %.0f bytes/connection%n",
                    kind, sockets.size(), openSeconds, before[0] / 1048576.0, after[0] / 1048576.0,
                    (after[0] - before[0]) / (double) connections, before[1] / 1024.0, after[1] / 1024.0,
                    (after[1] - before[1]) * 1024.0 / connections);
        } finally {
            for (Socket socket : sockets) socket.close();
            child.destroy();
            if (!child.waitFor(10, TimeUnit.SECONDS)) child.destroyForcibly();
        }
    }

    private static Socket openAndPing(InetSocketAddress address) throws IOException {
        Socket socket = new Socket();
        socket.connect(address, SOCKET_TIMEOUT_MILLIS);
        socket.setSoTimeout(SOCKET_TIMEOUT_MILLIS);
        socket.setTcpNoDelay(true);
        ping(socket);
        return socket;
    }

    private static void ping(Socket socket) throws IOException {
        socket.getOutputStream().write(PING);
        byte[] back = socket.getInputStream().readNBytes(PING.length);
        if (!java.util.Arrays.equals(back, PING)) {
            throw new IOException("Echo mismatch on " + socket + ": " + new String(back, StandardCharsets.US_ASCII));
        }
    }

    /** Runs the JDK's jcmd against the child and returns what it printed. */
    private static String jcmd(Process child, String... command) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(List.of(
                java.nio.file.Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), String.valueOf(child.pid())));
        line.addAll(List.of(command));
        Process jcmd = new ProcessBuilder(line).redirectErrorStream(true).start();
        String output = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        jcmd.waitFor(30, TimeUnit.SECONDS);
        return output;
    }

    /** Asks the child to GC and report; returns {heap bytes, RSS kB}. */
    private static long[] ask(PrintWriter out, BufferedReader in) throws IOException {
        out.println("measure");
        String line = in.readLine();
        if (line == null || !line.startsWith("HEAP ")) throw new IOException("Unexpected answer: " + line);
        String[] parts = line.split(" ");
        return new long[] {Long.parseLong(parts[1]), Long.parseLong(parts[3])};
    }

    private static final class Path {
        static String javaBinary() {
            return java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString();
        }
    }
}
