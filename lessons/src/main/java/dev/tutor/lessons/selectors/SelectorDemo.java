package dev.tutor.lessons.selectors;

import dev.tutor.lessons.Prediction;
import dev.tutor.runtime.net.ChaosClient;
import dev.tutor.runtime.net.EpollInterest;
import dev.tutor.runtime.net.EpollWatch;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.AsynchronousChannelProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Lesson 9's demo: which notification system this JVM's {@code Selector} uses; level-triggered waiting on a
 * pipe, and edge-triggered waiting imitated, in epoll(7)'s scenario; one thread serving a thousand echo
 * clients; what a thousand idle clients cost that thread, done right and with {@code OP_WRITE} left on;
 * and, on Linux, the selector's interest list as the kernel holds it, changing turn by turn.
 *
 * <p>Everything talks over loopback to servers in this JVM and is bounded: a thousand clients at most,
 * every wait with a limit, ten to twenty seconds in all. When a person is at the terminal it asks for two
 * predictions, each before the section that measures it.
 */
public final class SelectorDemo {

    static final int CLIENTS = 1_000;
    /** How long the idle server's CPU is watched. */
    static final Duration IDLE_WINDOW = Duration.ofSeconds(1);
    /** The edge-triggered imitation's wait: without a limit, it would wait forever. */
    static final long EDGE_WAIT_MILLIS = 500;

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private SelectorDemo() {
    }

    public static void main(String[] args) throws Exception {
        whichSelector();
        Optional<String> pipeGuess = Prediction.ask("A pipe holds 2,048 bytes. The loop is told the pipe is"
                + " readable, reads 1,024 bytes and waits again. Does the second wait return at once, or wait for"
                + " more data?");
        levelTriggered(pipeGuess);
        edgeTriggeredImitated();
        aThousandClients();
        Optional<String> idleGuess = Prediction.ask(String.format("%,d clients are connected and silent. How"
                + " many milliseconds of CPU does the server's one thread use in one second? And if it leaves"
                + " OP_WRITE on for every connection?", CLIENTS));
        idleCost(idleGuess);
        interestListLive();
    }

    private static void whichSelector() throws IOException {
        heading("Which notification system this JVM's Selector uses");
        System.out.printf("os.name %s, Java %s%n", System.getProperty("os.name"), Runtime.version().feature());
        try (Selector selector = Selector.open()) {
            System.out.println("Selector.open():              " + selector.getClass().getName());
        }
        System.out.println("asynchronous channels run on: "
                + AsynchronousChannelProvider.provider().getClass().getName());
        System.out.println("The JDK's defaults: EPollSelectorImpl on Linux (epoll), KQueueSelectorImpl on macOS"
                + " (kqueue), WEPollSelectorImpl on Windows (wepoll) since JDK 17. The asynchronous channels use IOCP on"
                + " Windows; on Linux they are emulated over epoll.");
    }

    /** epoll(7)'s pipe, on Java's selector: still readable after half is read, so reported again. */
    private static void levelTriggered(Optional<String> guess) throws IOException {
        heading("Level-triggered: Java's Selector and a pipe holding 2,048 bytes");
        Set<Integer> before = EpollInterest.available() ? EpollInterest.instances() : Set.of();
        try (Selector selector = Selector.open()) {
            Optional<Integer> epfd = EpollInterest.available() ? EpollInterest.openedSince(before) : Optional.empty();
            Pipe pipe = Pipe.open();
            try (Pipe.SinkChannel sink = pipe.sink(); Pipe.SourceChannel source = pipe.source()) {
                source.configureBlocking(false);
                source.register(selector, SelectionKey.OP_READ);
                sink.write(ByteBuffer.allocate(2048));
                System.out.println("1. wrote 2,048 bytes into the pipe; its reading end is registered for OP_READ");
                System.out.printf("2. select(): %d channel ready%n", selector.select(1000));
                selector.selectedKeys().clear();
                int read = source.read(ByteBuffer.allocate(1024));
                System.out.printf("3. read %,d bytes: 1,024 are still in the pipe%n", read);
                long start = System.nanoTime();
                int ready = selector.select(EDGE_WAIT_MILLIS);
                String measured = ready == 1
                        ? String.format("returned at once (%.1f ms), the pipe reported readable again", millis(start))
                        : String.format("waited %.0f ms and reported nothing", millis(start));
                System.out.println("4. select() again: " + measured);
                selector.selectedKeys().clear();
                Prediction.printBeside(guess, "Java's Selector " + measured);
                if (epfd.isPresent()) {
                    for (EpollWatch watch : EpollInterest.interestList(epfd.get())) {
                        if (watch.target().startsWith("pipe:")) {
                            System.out.println("   the kernel's view: " + watch.target() + " watched for "
                                    + watch.eventNames()
                                    + (watch.edgeTriggered() ? "" : ", no EPOLLET: level-triggered"));
                        }
                    }
                } else {
                    System.out.println("   " + EpollInterest.unavailableReason());
                }
            }
        }
    }

    /** The same scenario under an imitation of edge-triggered waiting: the fifth step never ends. */
    private static void edgeTriggeredImitated() throws IOException {
        heading("Edge-triggered, imitated (Java's Selector has no such mode)");
        try (Selector selector = Selector.open()) {
            Pipe pipe = Pipe.open();
            try (Pipe.SinkChannel sink = pipe.sink(); Pipe.SourceChannel source = pipe.source()) {
                source.configureBlocking(false);
                SelectionKey key = source.register(selector, SelectionKey.OP_READ);
                EdgeTriggeredView edge = new EdgeTriggeredView(selector);
                sink.write(ByteBuffer.allocate(2048));
                System.out.println("1. wrote 2,048 bytes; 2. wait: " + edge.select(1000).size() + " channel reported");
                int read = source.read(ByteBuffer.allocate(1024));
                System.out.printf("3. read %,d bytes: 1,024 are still in the pipe%n", read);
                long start = System.nanoTime();
                int again = edge.select(EDGE_WAIT_MILLIS).size();
                System.out.printf("4. wait again: %d reported after %.0f ms, though 1,024 bytes are waiting. Nothing"
                        + " has changed, so there is no news: without the demo's limit this wait never ends.%n",
                        again, millis(start));
                System.out.println("The cure for edge-triggered code: after each report, read until read() returns 0,"
                        + " then wait.");
                ByteBuffer buffer = ByteBuffer.allocate(1024);
                int total = 0;
                int n;
                while ((n = source.read(buffer.clear())) > 0) {
                    total += n;
                }
                edge.drained(key);
                System.out.printf("   read %,d more bytes, then a read returned %d: drained%n", total, n);
                sink.write(ByteBuffer.allocate(10));
                System.out.println("   10 new bytes arrive; wait: " + edge.select(1000).size() + " channel reported");
            }
        }
    }

    /** One thread and one selector against a thousand ChaosClient clients. */
    private static void aThousandClients() throws Exception {
        heading(String.format("One thread, one Selector, %,d echo clients", CLIENTS));
        try (DemoEchoServer server = new DemoEchoServer(false)) {
            Thread loop = new Thread(server::run, "selector-loop");
            loop.setDaemon(true);
            loop.start();
            ChaosClient chaos = ChaosClient.seeded(9).clients(CLIENTS).messages(2, 32).timeout(Duration.ofSeconds(30));
            long start = System.nanoTime();
            Optional<String> problem = chaos.echo(server.address());
            double seconds = millis(start) / 1000;
            int threads = Thread.getAllStackTraces().size();
            server.stop();
            loop.join(2000);
            System.out.println(problem.map(p -> "problem: " + p).orElse(String.format("%,d clients, each sending"
                    + " 2 messages in random pieces: every echo correct, in %.2f s", CLIENTS, seconds)));
            System.out.printf("the server ran on 1 thread, \"selector-loop\", and its loop came back from select()"
                    + " %,d times; the JVM had %d threads in all.%n", server.turns(), threads);
            System.out.printf("A thread per client would have needed %,d threads for the same work.%n", CLIENTS);
        }
    }

    /** What a thousand silent clients cost the server's thread: right, and with OP_WRITE left on. */
    private static void idleCost(Optional<String> guess) throws Exception {
        heading(String.format("%,d silent clients: the server thread's CPU time in %d s", CLIENTS,
                IDLE_WINDOW.toSeconds()));
        long right = idle(false);
        long wrong = idle(true);
        System.out.println("With OP_WRITE left on, every socket with room in its send buffer is writable, so select()"
                + " returns at once, every turn, with nothing to do.");
        Prediction.printBeside(guess, String.format("%d ms done right, %d ms with OP_WRITE left on", right, wrong));
    }

    /** Connects the clients, lets each talk once, then watches the server thread; returns its CPU milliseconds. */
    private static long idle(boolean leaveWriteInterestOn) throws Exception {
        List<SocketChannel> clients = new ArrayList<>();
        try (DemoEchoServer server = new DemoEchoServer(leaveWriteInterestOn)) {
            Thread loop = new Thread(server::run, "selector-loop");
            loop.setDaemon(true);
            loop.start();
            ByteBuffer one = ByteBuffer.allocate(1);
            for (int c = 0; c < CLIENTS; c++) {
                SocketChannel client = SocketChannel.open(server.address());
                clients.add(client);
                client.write(one.clear());
                client.read(one.clear()); // blocking: waits for its echo
            }
            long turnsBefore = server.turns();
            long cpuBefore = THREADS.getThreadCpuTime(loop.threadId());
            Thread.sleep(IDLE_WINDOW.toMillis());
            long cpuMillis = (THREADS.getThreadCpuTime(loop.threadId()) - cpuBefore) / 1_000_000;
            long turns = server.turns() - turnsBefore;
            server.stop();
            loop.join(2000);
            System.out.printf("%-32s %5d ms of CPU, %,11d turns of the loop%n",
                    leaveWriteInterestOn ? "OP_WRITE left on:" : "OP_WRITE only while owed bytes:", cpuMillis, turns);
            return cpuMillis;
        } finally {
            for (SocketChannel client : clients) {
                client.close();
            }
        }
    }

    /** The kernel's view of a selector, between turns of the loop run by hand. */
    private static void interestListLive() throws IOException {
        heading("The kernel's view: the selector's interest list, turn by turn");
        if (!EpollInterest.available()) {
            System.out.println(EpollInterest.unavailableReason());
            return;
        }
        Set<Integer> before = EpollInterest.instances();
        try (DemoEchoServer server = new DemoEchoServer(false);
             SocketChannel reader = SocketChannel.open();
             SocketChannel hog = SocketChannel.open()) {
            int epfd = EpollInterest.openedSince(before).orElseThrow(() -> new IOException("could not find the epoll"
                    + " descriptor of the demo's selector"));
            show("The listening socket is registered for OP_ACCEPT", server, epfd, Map.of());

            hog.setOption(StandardSocketOptions.SO_RCVBUF, 1);
            reader.connect(server.address());
            hog.connect(server.address());
            server.turn(1000);
            Map<Integer, String> names = Map.of(localPort(reader), "client A", localPort(hog), "client B");
            show("Two clients connect; the loop accepts them and registers each for OP_READ", server, epfd, names);

            // Client B sends without reading until the server cannot write its echo back.
            hog.configureBlocking(false);
            ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
            long sent = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!server.hasPendingFor(localPort(hog)) && System.nanoTime() < deadline) {
                sent += hog.write(chunk.clear());
                server.turn(-1);
            }
            show(String.format("Client B sent %,d bytes and read none of its echo: the loop's write came out"
                    + " partial, so it waits for room (OP_WRITE) and stops reading B (no OP_READ)", sent),
                    server, epfd, names);

            ByteBuffer drain = ByteBuffer.allocate(256 * 1024);
            long received = 0;
            while (received < sent) {
                int n = hog.read(drain.clear());
                received += Math.max(0, n);
                server.turn(n > 0 ? -1 : 10);
                if (System.nanoTime() > deadline + Duration.ofSeconds(10).toNanos()) {
                    break;
                }
            }
            show(String.format("Client B reads its %,d bytes; with nothing left to send, the loop takes OP_WRITE"
                    + " off and reads B again", received), server, epfd, names);

            reader.close();
            server.turn(1000);
            show("Client A closes; the loop reads -1, closes its end, and the kernel forgets the socket", server,
                    epfd, names);
        }
    }

    /**
     * Runs one more turn that does not wait, since the selector hands interest changes to the kernel only at
     * its next select, then prints what the kernel watches.
     */
    private static void show(String step, DemoEchoServer server, int epfd, Map<Integer, String> names)
            throws IOException {
        server.turn(-1);
        int serverPort = server.address().getPort();
        System.out.println(step + ":");
        for (EpollWatch watch : EpollInterest.interestList(epfd)) {
            String what;
            if (watch.target().equals("anon_inode:[eventfd]")) {
                what = "the selector's own wake-up (an eventfd)";
            } else if ("LISTEN".equals(watch.tcpState())) {
                what = "listening socket, port " + serverPort;
            } else if (watch.localPort() == serverPort) {
                what = names.getOrDefault(watch.remotePort(), "a client") + "'s connection (" + watch.tcpState() + ")";
            } else {
                what = watch.target();
            }
            System.out.printf("   fd %3d  %-42s %s%n", watch.fd(), what, watch.eventNames());
        }
    }

    private static int localPort(SocketChannel channel) throws IOException {
        return ((InetSocketAddress) channel.getLocalAddress()).getPort();
    }

    private static double millis(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e6;
    }

    private static void heading(String title) {
        System.out.println();
        System.out.println("== " + title);
    }
}
