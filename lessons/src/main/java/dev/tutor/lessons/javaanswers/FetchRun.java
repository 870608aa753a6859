package dev.tutor.lessons.javaanswers;

import dev.tutor.runtime.loop.Coroutine;
import dev.tutor.runtime.loop.EventLoop;
import dev.tutor.runtime.loop.Future;
import dev.tutor.runtime.loop.Step;
import dev.tutor.runtime.loop.Task;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One side of {@link TenThousandFetchesDemo}, run in a child JVM of its own so that its memory and its
 * threads are its own: {@code FetchRun virtual|platform|loop PORT COUNT DELAY_MS} fetches
 * {@code /delay/DELAY_MS} COUNT times, all at once, from the slow server on 127.0.0.1:PORT, and prints
 * one {@link FetchFigures} line.
 *
 * <p>The virtual and platform runs share one blocking fetch ({@link #fetch}): a {@code Socket}, a write,
 * a read to the end. Only the kind of thread differs. The loop run does the same on the bundled event
 * loop, one thread, non-blocking sockets. When the last request has been sent, every fetch is in flight,
 * and the run takes its memory sample there (see {@link Sample}).
 */
public final class FetchRun {

    /** The most connections being opened at once; see the class comment. */
    static final int CONNECTING = 1_000;

    private FetchRun() {
    }

    public static void main(String[] args) throws Exception {
        String kind = args[0];
        InetSocketAddress server = new InetSocketAddress("127.0.0.1", Integer.parseInt(args[1]));
        int count = Integer.parseInt(args[2]);
        String path = "/delay/" + Integer.parseInt(args[3]);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long startedBefore = threads.getTotalStartedThreadCount();
        Sample sample = new Sample(count);
        long start = System.nanoTime();
        Outcome outcome = switch (kind) {
            case "virtual" -> onThreads(Thread.ofVirtual().name("fetch-", 0),
                    server, path, count, sample);
            case "platform" -> onThreads(Thread.ofPlatform().name("fetch-", 0),
                    server, path, count, sample);
            case "loop" -> onLoop(server, path, count, sample);
            default -> throw new IllegalArgumentException("No kind '" + kind + "': use virtual, platform or loop.");
        };
        long nanos = System.nanoTime() - start;
        FetchFigures figures = new FetchFigures(kind, count, outcome.ok(), nanos / 1_000_000,
                sample.sentAt < 0 ? -1 : (sample.sentAt - start) / 1_000_000,
                Memory.peakRssKb(), sample.threadStacksKb, sample.heapUsedKb,
                threads.getTotalStartedThreadCount() - startedBefore, threads.getPeakThreadCount(),
                sample.jdkThreads, outcome.failure());
        System.out.println(figures.toLine());
    }

    /** What a run ended with: how many fetches answered 200, and the first failure, if any, in a word or two. */
    record Outcome(int ok, String failure) {
    }

    // ---- one thread per fetch: virtual or platform, the same code ----

    private static Outcome onThreads(Thread.Builder builder, InetSocketAddress server, String path, int count,
                                     Sample sample) throws InterruptedException {
        AtomicInteger ok = new AtomicInteger();
        AtomicReference<String> failure = new AtomicReference<>("");
        List<Thread> started = new ArrayList<>(count);
        Semaphore connecting = new Semaphore(CONNECTING);
        try {
            for (int i = 0; i < count; i++) {
                started.add(builder.start(() -> {
                    try {
                        if (fetch(server, path, connecting, sample::requestSent) == 200) {
                            ok.incrementAndGet();
                        }
                    } catch (IOException | RuntimeException e) {
                        failure.compareAndSet("", e.toString());
                    }
                }));
            }
        } catch (OutOfMemoryError e) { // "unable to create native thread": the machine's limit on threads
            failure.compareAndSet("", "thread " + (started.size() + 1) + " could not start: " + e.getMessage());
            sample.giveUp();
        }
        for (Thread thread : started) {
            thread.join(60_000);
        }
        return new Outcome(ok.get(), failure.get());
    }

    /** GET {@code path} with Connection: close on a blocking socket, read to the end; returns the status code. */
    static int fetch(InetSocketAddress server, String path, Semaphore connecting, Runnable afterSending)
            throws IOException {
        try (Socket socket = new Socket()) {
            connecting.acquireUninterruptibly();
            try {
                socket.connect(server, 30_000);
            } finally {
                connecting.release();
            }
            socket.setSoTimeout(60_000);
            socket.getOutputStream().write(request(path));
            afterSending.run();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            byte[] buffer = new byte[1024];               // 1 KiB, as the loop reads
            for (int n; (n = in.read(buffer)) >= 0; ) {    // a virtual thread parks here
                response.write(buffer, 0, n);
            }
            return status(response.toString(StandardCharsets.US_ASCII));
        }
    }

    static byte[] request(String path) {
        return ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** The status code of an HTTP response, or -1 when it does not start with a status line. */
    static int status(String response) {
        String[] words = response.split(" ", 3);
        if (words.length < 3 || !words[0].startsWith("HTTP/")) {
            return -1;
        }
        try {
            return Integer.parseInt(words[1]);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    // ---- one thread, the bundled loop ----

    private static Outcome onLoop(InetSocketAddress server, String path, int count, Sample sample) {
        try (EventLoop loop = EventLoop.create()) {
            List<Task<Integer>> tasks = new ArrayList<>(count);
            LoopGate connecting = new LoopGate(loop, CONNECTING);
            for (int i = 0; i < count; i++) {
                tasks.add(loop.createTask("fetch " + i, new LoopFetch(loop, server, path, connecting, sample)));
            }
            int[] left = {count};
            Future<Void> all = loop.createFuture();
            for (Task<Integer> task : tasks) {
                task.addDoneCallback(t -> {
                    if (--left[0] == 0) {
                        all.setResult(null);
                    }
                });
            }
            loop.runUntilComplete(all);
            int ok = 0;
            String failure = "";
            for (Task<Integer> task : tasks) {
                try {
                    ok += task.result() == 200 ? 1 : 0;
                } catch (Exception e) {
                    failure = failure.isEmpty() ? e.toString() : failure;
                }
            }
            return new Outcome(ok, failure);
        }
    }

    /** The same fetch as a step function on the loop: connect, send, read until the server closes. */
    private static final class LoopFetch implements Coroutine<Integer> {
        private final EventLoop loop;
        private final InetSocketAddress server;
        private final String path;
        private final LoopGate connecting;
        private final Sample sample;
        private final ByteBuffer buffer = ByteBuffer.allocate(1024);
        private final ByteArrayOutputStream response = new ByteArrayOutputStream();
        private int state;
        private Future<Void> turn;
        private Future<SocketChannel> connection;
        private Future<Void> sending;
        private Future<Integer> reading;
        private SocketChannel channel;

        LoopFetch(EventLoop loop, InetSocketAddress server, String path, LoopGate connecting, Sample sample) {
            this.loop = loop;
            this.server = server;
            this.path = path;
            this.connecting = connecting;
            this.sample = sample;
        }

        @Override
        public Step<Integer> resume() throws IOException {
            switch (state) {
                case 0 -> {                       // await connecting.acquire()
                    turn = connecting.acquire();
                    state = 1;
                    return Step.await(turn);
                }
                case 1 -> {                       // await loop.connect(server)
                    turn.result();
                    connection = loop.connect(server);
                    connection.addDoneCallback(f -> connecting.release());
                    state = 2;
                    return Step.await(connection);
                }
                case 2 -> {                       // await loop.sendAll(request)
                    channel = connection.result();
                    sending = loop.sendAll(channel, ByteBuffer.wrap(request(path)));
                    state = 3;
                    return Step.await(sending);
                }
                case 3 -> {                       // await loop.recv(...) until the server closes
                    sending.result();
                    sample.requestSent();
                    state = 4;
                    reading = loop.recv(channel, buffer.clear());
                    return Step.await(reading);
                }
                default -> {
                    if (reading.result() > 0) {
                        response.write(buffer.array(), 0, buffer.position());
                        reading = loop.recv(channel, buffer.clear());
                        return Step.await(reading);
                    }
                    channel.close();
                    return Step.done(status(response.toString(StandardCharsets.US_ASCII)));
                }
            }
        }
    }

    /** A semaphore for tasks on one loop: acquire() returns a future that is done when a permit is theirs. */
    static final class LoopGate {
        private final EventLoop loop;
        private final ArrayDeque<Future<Void>> waiting = new ArrayDeque<>();
        private int permits;

        LoopGate(EventLoop loop, int permits) {
            this.loop = loop;
            this.permits = permits;
        }

        Future<Void> acquire() {
            Future<Void> turn = loop.createFuture();
            if (permits > 0) {
                permits--;
                turn.setResult(null);
            } else {
                waiting.addLast(turn);
            }
            return turn;
        }

        void release() {
            Future<Void> next = waiting.pollFirst();    // FIFO: the longest waiting goes first
            if (next != null) {
                next.setResult(null);
            } else {
                permits++;
            }
        }
    }

    // ---- the sample at the moment every fetch is in flight ----

    /**
     * Counts requests sent; whoever sends the last one takes the sample: the committed stacks of platform
     * threads (from Native Memory Tracking, when the JVM was started with it), the heap in use (where a
     * parked virtual thread keeps its stack) and the names of the JDK's own platform threads at that moment.
     */
    static final class Sample {
        private final AtomicInteger left;
        volatile long sentAt = -1;
        volatile long threadStacksKb = -1;
        volatile long heapUsedKb = -1;
        volatile String jdkThreads = "";

        Sample(int count) {
            this.left = new AtomicInteger(count);
        }

        void requestSent() {
            if (left.decrementAndGet() == 0) {
                sentAt = System.nanoTime();
                threadStacksKb = Memory.threadStacksCommittedKb();
                heapUsedKb = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1024;
                jdkThreads = jdkThreadNames();
            }
        }

        void giveUp() {
            left.set(-1);
        }
    }

    /**
     * The platform threads alive now that the JDK started for this work: carriers, pollers, the loop's
     * own none. Ours (named fetch-N) and the JVM's usual ones are left out; counts replace numbers.
     */
    static String jdkThreadNames() {
        Set<String> usual = Set.of("main", "Reference Handler", "Finalizer", "Signal Dispatcher", "Common-Cleaner",
                "Notification Thread", "Attach Listener", "DestroyJavaVM");
        TreeSet<String> names = new TreeSet<>();
        int carriers = 0;
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            String name = thread.getName();
            if (name.startsWith("ForkJoinPool-")) {
                carriers++;
            } else if (!name.startsWith("fetch-") && !usual.contains(name)) {
                names.add(name);
            }
        }
        if (carriers > 0) {
            names.add(carriers + " carrier" + (carriers == 1 ? "" : "s") + " (ForkJoinPool-1-worker-N)");
        }
        return String.join(", ", names);
    }
}
