package dev.tutor.lessons.sockets;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.UnixOperatingSystemMXBean;
import dev.tutor.lessons.Prediction;
import dev.tutor.runtime.net.EchoServer;
import dev.tutor.runtime.net.LoopbackServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Lesson 7's demo: what a socket is on this machine, a read and a write that wait, a blocking client, a
 * stream that keeps no message boundaries, two clients taking turns against one thread and against a
 * thread per client, and what a thread per client costs.
 *
 * <p>Why it exists: each claim of the lesson is one section of this output, measured here rather than
 * promised. Everything runs in this JVM on loopback: the bundled echo server, a server that accepts and
 * never reads, {@link OneClientAtATimeEchoServer} and {@link ThreadPerClientEchoServer}. It is bounded: at
 * most {@link #CLIENTS} clients, a write that stops at {@link #WRITE_CAP} bytes, a few seconds in all.
 *
 * <p>Run it with {@code tutor demo sockets}. At a terminal it asks for two predictions, each just before
 * the section that measures it, and prints each beside the measurement. The section on descriptors and
 * memory reads {@code /proc/self}, which only Linux has; elsewhere it says so and shows the rest.
 */
public final class SocketsDemo {

    /** How many clients the last section connects to the thread-per-client server, at most. */
    static final int CLIENTS = 1_000;
    /** How long a read waits in the section on blocking reads. */
    private static final int READ_TIMEOUT_MILLIS = 300;
    /** How long a client waits for its echo in the section on taking turns. */
    private static final int TURN_WAIT_MILLIS = 500;
    /** A write that has not moved for this long is taken as blocked. */
    private static final long STALL_MILLIS = 300;
    /** The write to a server that never reads stops here even if it never blocks. */
    static final long WRITE_CAP = 256L * 1024 * 1024;
    private static final int WRITE_CHUNK = 4 * 1024;
    private static final Path PROC_SELF = Path.of("/proc/self");

    private SocketsDemo() {
    }

    public static void main(String[] args) throws Exception {
        try (LoopbackServer echo = EchoServer.start()) {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), echo.port());
            System.out.println("Bundled echo server on " + address.getAddress().getHostAddress() + ":" + echo.port()
                    + ".");
            whatASocketIs(address);
            aReadWaits(address);
            aBlockingClient(address);
            Optional<String> bufferGuess = Prediction.ask("A client writes to a server that accepts the connection"
                    + " and never reads. How many bytes will the client's write() take before it blocks?");
            long written = aWriteWaits();
            Prediction.printBeside(bufferGuess, String.format("%,d bytes before write() blocked", written));
            noMessageBoundaries(address);
        }
        takeTurns();
        Optional<String> costGuess = Prediction.ask("A thread-per-client server gets " + CLIENTS + " clients."
                + " How long will starting their threads take, and how much memory will the threads reserve"
                + " and really use?");
        String cost = threadPerClientCost();
        Prediction.printBeside(costGuess, cost);
    }

    // ---- a socket: a descriptor and two buffers ----

    private static void whatASocketIs(InetSocketAddress address) throws IOException {
        heading("A socket is a file descriptor with two kernel buffers behind it");
        Set<String> before = descriptors();
        try (Socket client = new Socket()) {
            client.connect(address, 1_000);
            System.out.printf("connected from port %d to port %d%n", client.getLocalPort(), client.getPort());
            System.out.printf("the kernel's buffers for this socket: send %,d bytes, receive %,d bytes"
                    + " (SO_SNDBUF, SO_RCVBUF; the kernel may grow them)%n",
                    client.getSendBufferSize(), client.getReceiveBufferSize());
            Set<String> after = descriptors();
            if (after.isEmpty()) {
                System.out.println("(no /proc/self/fd on this system: the descriptors cannot be listed here)");
                return;
            }
            after.removeAll(before);
            System.out.println("new file descriptors of this process since connect():");
            after.stream().sorted().forEach(line -> System.out.println("  " + line));
            System.out.println("one is the client's socket, the other the server's accepted socket for it:"
                    + " each end of a connection has its own descriptor.");
        }
    }

    /** This process's open descriptors that are sockets, as "fd 17 -> socket:[88123]"; empty without /proc. */
    private static Set<String> descriptors() {
        Set<String> sockets = new HashSet<>();
        Path fds = PROC_SELF.resolve("fd");
        if (!Files.isDirectory(fds)) {
            return sockets;
        }
        try (Stream<Path> entries = Files.list(fds)) {
            for (Path fd : entries.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:")) {
                        sockets.add(String.format("fd %4s -> %s", fd.getFileName(), target));
                    }
                } catch (IOException closedMeanwhile) {
                    // the descriptor was closed while the list was read
                }
            }
        } catch (IOException e) {
            return sockets;
        }
        return sockets;
    }

    // ---- a blocking client ----

    private static void aBlockingClient(InetSocketAddress address) throws IOException {
        heading("A blocking client: send, say you are done, read to the end");
        byte[] request = "ping, and pong".getBytes(StandardCharsets.US_ASCII);
        long start = System.nanoTime();
        byte[] echo = sendAndReadToEnd(address, request);
        System.out.printf("sent %d bytes, shut down the sending side, read %d bytes until the end of stream:"
                + " \"%s\" in %.2f ms%n", request.length, echo.length, new String(echo, StandardCharsets.US_ASCII),
                (System.nanoTime() - start) / 1e6);
    }

    /**
     * Sends {@code request}, tells the server it has sent everything, and reads until the server ends the
     * stream; the lesson's listing of a blocking client.
     */
    static byte[] sendAndReadToEnd(InetSocketAddress server, byte[] request) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(server, 1_000);              // waits for the connection, at most 1 s
            socket.setSoTimeout(1_000);                 // every read waits at most 1 s for a byte
            socket.getOutputStream().write(request);    // into the send buffer
            socket.shutdownOutput();                    // "I have sent everything": the server reads -1
            return socket.getInputStream().readAllBytes();  // reads until the server's -1
        }
    }

    // ---- two clients taking turns ----

    /**
     * Client 1 connects and talks, client 2 connects and talks, client 1 talks again and leaves: first
     * against a server with one thread, then against a thread per client. Prints when each echo came.
     */
    private static void takeTurns() throws Exception {
        heading("Two clients take turns: one thread for all, then a thread per client");
        try (OneClientAtATimeEchoServer server = OneClientAtATimeEchoServer.start()) {
            System.out.println("one thread for all:");
            takeTurns(server.address());
        }
        try (ThreadPerClientEchoServer server = ThreadPerClientEchoServer.start()) {
            System.out.println("a thread per client:");
            takeTurns(server.address());
        }
    }

    private static void takeTurns(InetSocketAddress address) throws IOException {
        long start = System.nanoTime();
        try (Socket first = new Socket(); Socket second = new Socket()) {
            first.connect(address, 1_000);
            first.setSoTimeout(TURN_WAIT_MILLIS);
            second.connect(address, 1_000);
            second.setSoTimeout(TURN_WAIT_MILLIS);
            turn(first, "client 1", "one", start);
            boolean secondAnswered = turn(second, "client 2", "two", start);
            turn(first, "client 1", "three", start);
            first.close();
            System.out.printf("  %4d ms  client 1 closed its connection%n", millisSince(start));
            if (!secondAnswered) {
                second.setSoTimeout(2_000);
                String late = readFully(second, "two".length());
                System.out.printf("  %4d ms  client 2 %s%n", millisSince(start),
                        late == null ? "still got nothing" : "got \"" + late + "\" at last");
            }
        }
    }

    /**
     * Sends {@code word} and waits up to {@link #TURN_WAIT_MILLIS} for its echo; prints what happened and
     * returns whether the echo came.
     */
    private static boolean turn(Socket client, String who, String word, long start) throws IOException {
        client.getOutputStream().write(word.getBytes(StandardCharsets.US_ASCII));
        String echo = readFully(client, word.length());
        System.out.printf("  %4d ms  %s sent \"%s\": %s%n", millisSince(start), who, word,
                echo == null ? "no echo within " + TURN_WAIT_MILLIS + " ms" : "echo \"" + echo + "\"");
        return echo != null;
    }

    /** Reads exactly {@code length} bytes, or returns null when they do not come before the time-out. */
    private static String readFully(Socket client, int length) throws IOException {
        byte[] echo = new byte[length];
        int got = 0;
        try {
            while (got < length) {
                int n = client.getInputStream().read(echo, got, length - got);
                if (n == -1) {
                    return null;
                }
                got += n;
            }
        } catch (SocketTimeoutException e) {
            return null;
        }
        return new String(echo, StandardCharsets.US_ASCII);
    }

    // ---- blocking ----

    private static void aReadWaits(InetSocketAddress address) throws IOException {
        heading("A read waits until bytes come");
        try (Socket client = new Socket()) {
            client.connect(address, 1_000);
            client.setSoTimeout(READ_TIMEOUT_MILLIS);
            InputStream in = client.getInputStream();
            byte[] buffer = new byte[1024];
            long start = System.nanoTime();
            try {
                int n = in.read(buffer);
                System.out.println("read() returned " + n + " without anything sent: unexpected");
            } catch (SocketTimeoutException e) {
                System.out.printf("nothing sent yet: read() waited %d ms, then gave up (the socket's time-out"
                        + " is %d ms; without one it would wait for ever)%n", millisSince(start), READ_TIMEOUT_MILLIS);
            }
            client.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
            start = System.nanoTime();
            int n = in.read(buffer);
            System.out.printf("after sending \"hello\": read() returned %d bytes after %.2f ms%n", n,
                    (System.nanoTime() - start) / 1e6);
        }
    }

    /**
     * Writes to a server that accepts and never reads, in small chunks on a thread of its own, until a
     * write has not returned for {@link #STALL_MILLIS}; then closes the socket, which ends the blocked write.
     * Returns how many bytes the writes took.
     */
    private static long aWriteWaits() throws Exception {
        heading("A write waits until the kernel's send buffer has room");
        try (ServerSocket neverReads = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             Socket client = new Socket()) {
            client.connect(neverReads.getLocalSocketAddress(), 1_000);
            try (Socket accepted = neverReads.accept()) {
                AtomicLong written = new AtomicLong();
                Thread writer = new Thread(() -> writeUntilBlocked(client, written), "writer");
                writer.setDaemon(true);
                writer.start();
                long last = -1;
                long lastChange = System.nanoTime();
                while (written.get() < WRITE_CAP && writer.isAlive()) {
                    long now = written.get();
                    if (now != last) {
                        last = now;
                        lastChange = System.nanoTime();
                    } else if (millisSince(lastChange) >= STALL_MILLIS) {
                        break;
                    }
                    Thread.sleep(20);
                }
                long total = written.get();
                int sendBuffer = client.getSendBufferSize();
                int receiveBuffer = accepted.getReceiveBufferSize();
                client.close(); // a thread blocked in write() gets a SocketException and ends
                writer.join(2_000);
                System.out.printf("the client's writes took %,d bytes (%.1f KiB), then write() did not return for"
                        + " %d ms: it was blocked%n", total, total / 1024.0, STALL_MILLIS);
                System.out.printf("they sit in the client's send buffer and the server's receive buffer (now %,d"
                        + " and %,d bytes), waiting for a read that never comes%n",
                        sendBuffer, receiveBuffer);
                return total;
            }
        }
    }

    private static void writeUntilBlocked(Socket client, AtomicLong written) {
        byte[] chunk = new byte[WRITE_CHUNK];
        try {
            OutputStream out = client.getOutputStream();
            while (written.get() < WRITE_CAP) {
                out.write(chunk);
                written.addAndGet(chunk.length);
            }
        } catch (IOException closedWhileBlocked) {
            // the demo closed the socket to end the blocked write
        }
    }

    // ---- a stream, not messages ----

    private static void noMessageBoundaries(InetSocketAddress address) throws Exception {
        heading("TCP is a stream of bytes, not of messages");
        try (Socket client = new Socket()) {
            client.connect(address, 1_000);
            client.setSoTimeout(2_000);
            OutputStream out = client.getOutputStream();
            InputStream in = client.getInputStream();
            for (String message : List.of("one;", "two;", "three;")) {
                out.write(message.getBytes(StandardCharsets.US_ASCII)); // three writes
            }
            Thread.sleep(100); // let all three echoes arrive before the first read
            byte[] buffer = new byte[1024];
            int n = in.read(buffer);
            System.out.printf("three writes of 4, 4 and 6 bytes; the first read returned %d bytes: \"%s\"%n", n,
                    new String(buffer, 0, n, StandardCharsets.US_ASCII));

            byte[] big = new byte[1024 * 1024];
            out.write(big); // one write of 1 MiB
            List<Integer> reads = new ArrayList<>();
            int total = 0;
            byte[] large = new byte[big.length];
            while (total < big.length) {
                int got = in.read(large, 0, big.length - total);
                if (got < 0) {
                    break;
                }
                reads.add(got);
                total += got;
            }
            System.out.printf("one write of %,d bytes came back in %d reads, with room for all of it in each;"
                    + " the first sizes: %s%n", big.length, reads.size(), reads.subList(0, Math.min(8, reads.size())));
        }
    }

    // ---- what a thread per client costs ----

    private static String threadPerClientCost() throws Exception {
        int clients = clientsThisMachineAllows();
        heading("A thread per client: " + clients + " clients connected at once");
        System.out.printf("each new platform thread reserves a stack of %s KiB (ThreadStackSize)%n", stackSizeKib());
        Memory before = Memory.now();
        List<Socket> connected = new ArrayList<>();
        try (ThreadPerClientEchoServer server = ThreadPerClientEchoServer.start()) {
            long start = System.nanoTime();
            byte[] one = {42};
            for (int c = 0; c < clients; c++) {
                Socket client = new Socket();
                connected.add(client);
                client.connect(server.address(), 2_000);
                client.setSoTimeout(5_000);
                client.getOutputStream().write(one);
                if (client.getInputStream().read() != 42) { // the echo: this client's thread is running
                    throw new IOException("client " + (c + 1) + " got no echo");
                }
            }
            long millis = millisSince(start);
            Memory after = Memory.now();
            System.out.printf("%d clients connected and echoed in %,d ms: %.0f microseconds per client,"
                    + " thread start included%n", clients, millis, millis * 1000.0 / clients);
            System.out.printf("threads in this process: %d before, %d now%n", before.threads(), after.threads());
            if (!after.known()) {
                System.out.println("(no /proc/self/status on this system: memory is not measured here)");
                return String.format("%d clients in %,d ms", clients, millis);
            }
            long reservedKib = after.virtualKib() - before.virtualKib();
            long residentKib = after.residentKib() - before.residentKib();
            System.out.printf("address space reserved: %,d KiB more (%,d KiB per client)%n", reservedKib,
                    reservedKib / clients);
            System.out.printf("memory really in use:   %,d KiB more (%,d KiB per client)%n", residentKib,
                    residentKib / clients);
            System.out.printf("at 10,000 clients that would be about %,d MiB reserved and %,d MiB in use,"
                    + " and 10,000 threads for the scheduler%n", reservedKib * 10_000 / clients / 1024,
                    residentKib * 10_000 / clients / 1024);
            return String.format("%,d ms to connect %d clients; %,d KiB reserved and %,d KiB in use per client",
                    millis, clients, reservedKib / clients, residentKib / clients);
        } finally {
            for (Socket client : connected) {
                client.close();
            }
        }
    }

    /** {@link #CLIENTS}, or fewer when this process may not open two descriptors per client. */
    private static int clientsThisMachineAllows() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix) {
            long spare = unix.getMaxFileDescriptorCount() - unix.getOpenFileDescriptorCount() - 100;
            return (int) Math.max(10, Math.min(CLIENTS, spare / 2));
        }
        return CLIENTS;
    }

    private static String stackSizeKib() {
        HotSpotDiagnosticMXBean hotSpot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        try {
            return hotSpot == null ? "?" : hotSpot.getVMOption("ThreadStackSize").getValue();
        } catch (IllegalArgumentException notThisVm) {
            return "?";
        }
    }

    /** What /proc/self/status says about this process: its threads, reserved and resident memory, in KiB. */
    private record Memory(boolean known, long threads, long virtualKib, long residentKib) {
        static Memory now() {
            Path status = PROC_SELF.resolve("status");
            long threads = Thread.getAllStackTraces().size();
            if (!Files.isReadable(status)) {
                return new Memory(false, threads, 0, 0);
            }
            long vm = 0;
            long rss = 0;
            try {
                for (String line : Files.readAllLines(status)) {
                    String[] parts = line.split("\\s+");
                    switch (parts[0]) {
                        case "VmSize:" -> vm = Long.parseLong(parts[1]);
                        case "VmRSS:" -> rss = Long.parseLong(parts[1]);
                        case "Threads:" -> threads = Long.parseLong(parts[1]);
                        default -> { }
                    }
                }
            } catch (IOException | RuntimeException e) {
                return new Memory(false, threads, 0, 0);
            }
            return new Memory(true, threads, vm, rss);
        }
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    private static void heading(String title) {
        System.out.println();
        System.out.println("== " + title);
    }
}
