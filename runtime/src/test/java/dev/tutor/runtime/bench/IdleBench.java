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
 * Memory per idle connection: starts an echo server in a process of its own (a child JVM running
 * {@link IdleServerMain}, or Python asyncio's streams server), measures its heap after GC (JVMs only) and
 * its RSS, opens N loopback connections (default 10,000) checking one round trip on
 * each, measures again and divides the difference by N. A benchmark, not a test.
 *
 * <pre>
 * cd runtime &amp;&amp; java -cp target/classes:target/test-classes:$(cat target/cp.txt) \
 *     dev.tutor.runtime.bench.IdleBench [connections, default 10000] [servers, default bundled,netty,platform,virtual,asyncio]
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
        String[] servers = (args.length > 1 ? args[1] : "bundled,netty,platform,virtual,asyncio").split(",");
        System.out.printf(Locale.ROOT, "Idle connections: %d per server, Java %s%n", connections, Runtime.version());
        for (String server : servers) {
            measure(server, connections);
        }
    }

    private static void measure(String kind, int connections) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
        String childOptions = System.getProperty("bench.childOptions", "").trim();
        List<Socket> sockets = new ArrayList<>(connections);
        try (Measured server = kind.equals("asyncio") ? new PythonChild() : new JvmChild(kind, childOptions)) {
            try {
                measure(server, kind, connections, sockets, deadline, childOptions);
            } finally {
                for (Socket socket : sockets) socket.close(); // before the server goes, so it sees them leave
            }
        }
    }

    /** Opens the connections against a server that is up, and prints what they cost it. */
    private static void measure(Measured server, String kind, int connections, List<Socket> sockets, long deadline,
                                String childOptions) throws Exception {
        InetSocketAddress address = server.address();
        // Warm-up: load every class the connection path needs, then let the connections go.
        List<Socket> warm = new ArrayList<>();
        for (int i = 0; i < 200; i++) warm.add(openAndPing(address));
        for (Socket socket : warm) socket.close();
        Thread.sleep(300);

        long[] before = server.memory();
        boolean nmt = server instanceof JvmChild && childOptions.contains("NativeMemoryTracking");
        if (nmt) ((JvmChild) server).jcmd("VM.native_memory", "baseline");
        long start = System.nanoTime();
        for (int i = 0; i < connections; i++) {
            if (System.nanoTime() > deadline) throw new IOException("Gave up after " + i + " connections");
            sockets.add(openAndPing(address));
        }
        double openSeconds = (System.nanoTime() - start) / 1e9;
        // A second round trip on every connection once all are open: all of them are really served.
        for (Socket socket : sockets) ping(socket);
        long[] after = server.memory();
        if (nmt) System.out.println(((JvmChild) server).jcmd("VM.native_memory", "summary.diff", "scale=KB"));
        String heap = before[0] < 0 ? "heap n/a (not a JVM)" : String.format(Locale.ROOT,
                "heap after GC %.1f -> %.1f MiB, %.0f bytes/connection", before[0] / 1048576.0,
                after[0] / 1048576.0, (after[0] - before[0]) / (double) connections);
        System.out.printf(Locale.ROOT, "%-8s %d connections open and echoing (opened in %.1f s): %s;"
                        + " RSS %.1f -> %.1f MiB, %.0f bytes/connection%n",
                kind, sockets.size(), openSeconds, heap, before[1] / 1024.0, after[1] / 1024.0,
                (after[1] - before[1]) * 1024.0 / connections);
    }

    /** An echo server in a process of its own, whose memory can be asked for. */
    private interface Measured extends AutoCloseable {
        InetSocketAddress address();

        /** Returns {heap bytes in use after a GC, or -1 where there is no Java heap; RSS in kB}. */
        long[] memory() throws IOException;

        @Override
        void close() throws Exception;
    }

    /** Python asyncio's streams server; its RSS is read from {@code /proc}. */
    private static final class PythonChild implements Measured {
        private final ChildEchoServer server = ChildEchoServer.asyncio("streams");

        PythonChild() throws IOException {
        }

        @Override
        public InetSocketAddress address() {
            return server.address();
        }

        @Override
        public long[] memory() throws IOException {
            return new long[] {-1, server.rssKb()};
        }

        @Override
        public void close() {
            server.close();
        }
    }

    /** A server in a child JVM ({@link IdleServerMain}) that reports its heap after GC and its RSS. */
    private static final class JvmChild implements Measured {
        private final Process child;
        private final PrintWriter out;
        private final BufferedReader in;
        private final InetSocketAddress address;

        JvmChild(String kind, String childOptions) throws IOException {
            List<String> command = new ArrayList<>(List.of(Path.javaBinary()));
            // -Dbench.childOptions="-XX:+UseSerialGC -Xmx64m" passes JVM options to the server's JVM.
            if (!childOptions.isEmpty()) command.addAll(List.of(childOptions.split("\\s+")));
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), IdleServerMain.class.getName(), kind));
            child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            out = new PrintWriter(child.getOutputStream(), true, StandardCharsets.UTF_8);
            in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String first = in.readLine();
            if (first == null || !first.startsWith("PORT ")) {
                child.destroyForcibly();
                throw new IOException(kind + " server did not print its port (got: " + first + ")");
            }
            address = new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(first.substring(5)));
        }

        @Override
        public InetSocketAddress address() {
            return address;
        }

        /** Asks the child to GC and report. */
        @Override
        public long[] memory() throws IOException {
            out.println("measure");
            String line = in.readLine();
            if (line == null || !line.startsWith("HEAP ")) throw new IOException("Unexpected answer: " + line);
            String[] parts = line.split(" ");
            return new long[] {Long.parseLong(parts[1]), Long.parseLong(parts[3])};
        }

        /** Runs the JDK's jcmd against the child and returns what it printed. */
        String jcmd(String... command) throws IOException, InterruptedException {
            List<String> line = new ArrayList<>(List.of(java.nio.file.Path.of(System.getProperty("java.home"), "bin",
                    "jcmd").toString(), String.valueOf(child.pid())));
            line.addAll(List.of(command));
            Process jcmd = new ProcessBuilder(line).redirectErrorStream(true).start();
            String output = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            jcmd.waitFor(30, TimeUnit.SECONDS);
            return output;
        }

        @Override
        public void close() throws InterruptedException {
            out.close(); // EOF on stdin: IdleServerMain returns
            if (!child.waitFor(10, TimeUnit.SECONDS)) child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
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

    private static final class Path {
        static String javaBinary() {
            return java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString();
        }
    }
}
