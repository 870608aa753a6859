package dev.tutor.lessons.tasks;

import dev.tutor.lessons.Prediction;
import dev.tutor.runtime.loop.Coroutine;
import dev.tutor.runtime.loop.EventLoop;
import dev.tutor.runtime.loop.Future;
import dev.tutor.runtime.loop.LoopEvent;
import dev.tutor.runtime.loop.LoopLog;
import dev.tutor.runtime.loop.LoopOptions;
import dev.tutor.runtime.loop.Step;
import dev.tutor.runtime.loop.Task;
import dev.tutor.runtime.loop.TurnTraceFormatter;
import dev.tutor.runtime.net.LoopbackServer;
import dev.tutor.runtime.net.ServerOptions;
import dev.tutor.runtime.net.SlowHttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Lesson 11's demo: tasks on the bundled event loop, against the slow HTTP server on loopback.
 *
 * <p>First a hundred fetches of 200 ms each as a hundred tasks on one thread. Then twenty fetches beside a
 * task that, once its own page is in, computes for 300 ms without giving the loop back: the loop's
 * slow-callback warning names it, and the fetches that were due meanwhile finish late. Last, the same
 * computation handed to a one-thread pool, its result handed back with callSoonThreadsafe. About two
 * seconds in all; every count and every computation is bounded.
 */
public final class TasksDemo {

    private static final int HUNDRED = 100;
    private static final int TWENTY = 20;
    private static final Duration CRUNCH = Duration.ofMillis(300);

    private TasksDemo() {
    }

    public static void main(String[] args) throws Exception {
        try (LoopbackServer server = SlowHttpServer.start(ServerOptions.defaults().withDelay(Duration.ofMillis(200)))) {
            hundredFetches(server.address());
            System.out.println();
            hiddenBlockingCall(server.address(), false);
            System.out.println();
            hiddenBlockingCall(server.address(), true);
        }
    }

    // ---- 1. a hundred fetches on one thread ----

    private static void hundredFetches(InetSocketAddress server) {
        System.out.println("1. " + HUNDRED + " tasks, each fetching a page the server answers after 200 ms, on one loop.");
        Optional<String> guess = Prediction.ask("How long will the " + HUNDRED + " fetches take, and on how many threads?");
        try (EventLoop loop = EventLoop.create()) {
            Thread main = Thread.currentThread();
            List<Thread> seen = new ArrayList<>();
            loop.addListener(event -> {
                if (event instanceof LoopEvent.TurnStarted && !seen.contains(Thread.currentThread())) {
                    seen.add(Thread.currentThread());
                }
            });
            long start = System.nanoTime();
            List<Task<String>> tasks = new ArrayList<>();
            for (int n = 0; n < HUNDRED; n++) {
                tasks.add(loop.createTask("fetch " + n, new Fetch(loop, server, "/page/" + n)));
            }
            loop.runUntilComplete(gather(loop, tasks));
            long took = System.nanoTime() - start;
            long ok = tasks.stream().filter(t -> t.result().contains(" 200 ")).count();
            String measured = String.format("%.2f s, %d of %d answered 200, every turn on thread %s (%d thread%s)",
                    took / 1e9, ok, HUNDRED, main.getName(), seen.size(), seen.size() == 1 ? "" : "s");
            System.out.println("   " + measured);
            System.out.println("   The waits overlapped: the kernel held a hundred connections while the loop slept in select.");
            Prediction.printBeside(guess, measured);
        }
    }

    // ---- 2 and 3. a computation hidden in one task, then handed to a pool ----

    private static void hiddenBlockingCall(InetSocketAddress server, boolean offload) throws InterruptedException {
        if (!offload) {
            System.out.println("2. " + TWENTY + " fetches of 200 ms, and one 'report' task that fetches a 100 ms page and then");
            System.out.println("   computes for " + CRUNCH.toMillis() + " ms on the loop thread, with no await in between.");
        } else {
            System.out.println("3. The same, with the report's computation handed to a one-thread pool; the result");
            System.out.println("   comes back to the loop through callSoonThreadsafe.");
        }
        Optional<String> guess = Prediction.ask(offload ? "When do the twenty fetches finish now, and the report?"
                : "When will the twenty 200 ms fetches finish? Will the loop notice?");
        List<String> warnings = new ArrayList<>();
        LoopLog log = new LoopLog() {
            @Override
            public void warning(String message) {
                warnings.add(message);
            }

            @Override
            public void error(String message, Throwable error) {
                warnings.add("ERROR " + message);
            }
        };
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (EventLoop loop = EventLoop.create(LoopOptions.defaults().withLog(log))) {
            List<String> slowTurns = new ArrayList<>();
            loop.addListener(new TurnTraceFormatter(line -> {
                if (line.contains("SLOW")) {
                    slowTurns.add(line.length() > 150 ? line.substring(0, 147) + "..." : line);
                }
            }));
            long start = System.nanoTime();
            List<Task<String>> fetches = new ArrayList<>();
            for (int n = 0; n < TWENTY; n++) {
                fetches.add(loop.createTask("fetch " + n, new Fetch(loop, server, "/delay/200?n=" + n)));
            }
            Task<String> report = loop.createTask("report", new Report(loop, server, offload ? pool : null));
            long[] fetchesDone = {0};
            Future<Void> allFetches = gather(loop, fetches);
            allFetches.addDoneCallback(f -> fetchesDone[0] = System.nanoTime() - start);
            loop.runUntilComplete(gather(loop, List.of(allFetches, report)));
            long reportDone = System.nanoTime() - start;
            for (String warning : warnings) {
                System.out.println("   WARNING " + warning);
            }
            for (String line : slowTurns) {
                System.out.println("   " + line);
            }
            String measured = String.format("the fetches finished after %.0f ms, the report after %.0f ms (%s)",
                    fetchesDone[0] / 1e6, reportDone / 1e6, report.result());
            System.out.println("   " + measured);
            Prediction.printBeside(guess, measured);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Fetches a 100 ms page, then works out its checksum: inline, or on {@code pool} when one is given. */
    private static final class Report implements Coroutine<String> {
        private final EventLoop loop;
        private final InetSocketAddress server;
        private final ExecutorService pool;
        private Task<String> page;
        private Future<Long> checksum;

        Report(EventLoop loop, InetSocketAddress server, ExecutorService pool) {
            this.loop = loop;
            this.server = server;
            this.pool = pool;
        }

        @Override
        public Step<String> resume() {
            if (page == null) {
                page = loop.createTask("report page", new Fetch(loop, server, "/delay/100"));
                return Step.await(page);
            }
            if (pool == null) {
                return Step.done("checksum " + Long.toHexString(crunch(page.result(), CRUNCH))); // holds the loop
            }
            if (checksum == null) {
                checksum = offload(loop, pool, page.result());
                return Step.await(checksum);
            }
            return Step.done("checksum " + Long.toHexString(checksum.result()));
        }
    }

    /** Runs crunch on {@code pool} and completes a loop future with its result, on the loop thread. */
    static Future<Long> offload(EventLoop loop, ExecutorService pool, String text) {
        Future<Long> result = loop.createFuture();          // created on the loop thread
        pool.execute(() -> {
            try {
                long value = crunch(text, CRUNCH);          // on the pool's thread
                loop.callSoonThreadsafe(() -> result.setResult(value));
            } catch (RuntimeException e) {
                loop.callSoonThreadsafe(() -> result.setException(e));
            }
        });
        return result;                                      // the task awaits it; the loop goes on
    }

    /** CPU-bound work of a fixed length: mixes the text's hash until {@code length} has passed. */
    static long crunch(String text, Duration length) {
        long until = System.nanoTime() + length.toNanos();
        long hash = text.hashCode();
        while (System.nanoTime() < until) {
            for (int i = 0; i < 1_000; i++) {
                hash = hash * 0x9E3779B97F4A7C15L + i;
            }
        }
        return hash;
    }

    /** A future that completes once every one of {@code futures} is done, whatever their outcome. */
    static Future<Void> gather(EventLoop loop, List<? extends Future<?>> futures) {
        Future<Void> all = loop.createFuture();
        int[] left = {futures.size()};
        for (Future<?> future : futures) {
            future.addDoneCallback(f -> {
                if (--left[0] == 0) all.setResult(null);
            });
        }
        return all;
    }

    /**
     * GET {@code path} over one connection that the server closes after its answer, as a step function:
     * connect, send, then read until the end of the stream. Returns the status line.
     */
    static final class Fetch implements Coroutine<String> {
        private final EventLoop loop;
        private final InetSocketAddress server;
        private final String path;
        private final ByteBuffer buffer = ByteBuffer.allocate(4096);
        private final ByteArrayOutputStream response = new ByteArrayOutputStream();
        private int state;
        private Future<SocketChannel> connecting;
        private Future<Void> sending;
        private Future<Integer> reading;
        private SocketChannel channel;

        Fetch(EventLoop loop, InetSocketAddress server, String path) {
            this.loop = loop;
            this.server = server;
            this.path = path;
        }

        @Override
        public Step<String> resume() throws IOException {
            switch (state) {
                case 0 -> {                                   // await loop.connect(server)
                    connecting = loop.connect(server);
                    state = 1;
                    return Step.await(connecting);
                }
                case 1 -> {                                   // await loop.sendAll(request)
                    channel = connecting.result();
                    String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
                    sending = loop.sendAll(channel, ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
                    state = 2;
                    return Step.await(sending);
                }
                case 2 -> {                                   // await the first read
                    sending.result();
                    state = 3;
                    reading = loop.recv(channel, buffer.clear());
                    return Step.await(reading);
                }
                default -> {                                  // a read is in: keep it, then read again or finish
                    if (reading.result() > 0) {
                        response.write(buffer.array(), 0, buffer.position());
                        reading = loop.recv(channel, buffer.clear());
                        return Step.await(reading);
                    }
                    channel.close();
                    String text = response.toString(StandardCharsets.US_ASCII);
                    return Step.done(text.substring(0, Math.max(0, text.indexOf("\r\n"))));
                }
            }
        }
    }
}
