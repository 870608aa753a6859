package dev.tutor.lessons.eventloop;

import dev.tutor.runtime.loop.LoopEvent;
import dev.tutor.runtime.loop.TurnTraceFormatter;
import dev.tutor.runtime.net.LoopbackServer;
import dev.tutor.runtime.net.ServerOptions;
import dev.tutor.runtime.net.SlowHttpServer;
import dev.tutor.runtime.poll.Poller;
import dev.tutor.runtime.time.Clock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Lesson 10's demo run on the learner's own loop (exercise mini-loop) instead of the bundled one: the same
 * three scenes as {@link LoopTraceDemo}, traced one line per turn through {@link TracedMiniLoop}.
 *
 * <p>Why it exists: once their loop passes, a learner can watch it do what the lesson showed the bundled loop
 * doing: the order of callbacks, a wait in the poll beside timers and a socket, and a timer that still runs
 * beside a callback that queues itself again. {@code tutor demo eventloop --mine} starts it in a JVM whose
 * class path begins with the learner's compiled class; the first argument names that class. It asks no
 * predictions: the learner made them on the bundled loop. Each scene stops after a few seconds whatever the
 * loop does, so a loop that never runs a timer cannot hang the demo.
 */
public final class MiniLoopTraceDemo {
    /** The learner's class when no argument names one. */
    static final String DEFAULT_CLASS = "dev.tutor.exercises.eventloop.MiniLoop";
    private static final Duration SERVER_DELAY = Duration.ofMillis(200);
    private static final Duration SCENE_LIMIT = Duration.ofSeconds(5);
    private static final int TURN_LIMIT = 200_000;

    private MiniLoopTraceDemo() {
    }

    public static void main(String[] args) throws IOException {
        String className = args.length > 0 ? args[0] : DEFAULT_CLASS;
        System.out.println("Lesson 10's demo on your own loop, " + className + ".");
        System.out.println(TracedMiniLoop.COARSER);
        System.out.println();
        try {
            orderOfCallbacks(className, false); // once unseen, so that loading classes does not stretch turn 2
            orderOfCallbacks(className, true);
            System.out.println();
            timersAndSockets(className, false); // unseen too: the first connect loads much of java.nio
            timersAndSockets(className, true);
            System.out.println();
            aCallbackThatNeverStops(className);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
        } catch (RuntimeException | Error e) {
            System.err.println("Your loop threw " + e + " during the demo; run 'tutor check mini-loop' to see why.");
            System.exit(1);
        }
    }

    private static TracedMiniLoop loop(String className, Poller poller, List<String> lines) {
        return TracedMiniLoop.create(className, poller, Clock.system(), new TurnTraceFormatter(lines::add));
    }

    private static void print(List<String> lines) {
        lines.forEach(line -> System.out.println("   " + line));
        lines.clear();
    }

    // ---- 1. the order of callbacks ----

    private static void orderOfCallbacks(String className, boolean print) throws IOException {
        List<String> order = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        try (Poller poller = Poller.selector()) {
            TracedMiniLoop loop = loop(className, poller, lines);
            loop.callSoon("A", () -> {
                order.add("A");
                loop.callSoon("C", () -> order.add("C"));
            });
            loop.callSoon("B", () -> order.add("B"));
            loop.callLater(Duration.ZERO, "T", () -> order.add("T"));
            loop.runUntil(() -> order.contains("C"), 10, SCENE_LIMIT);
        }
        if (!print) {
            return;
        }
        System.out.println("1. The ready queue. A and B are queued with callSoon; A queues C while it runs;");
        System.out.println("   timer T is started with callLater(0 ms), after A and B.");
        print(lines);
        System.out.println("   Ran: " + String.join(" ", order) + ".");
    }

    // ---- 2. timers and a socket ----

    private static void timersAndSockets(String className, boolean print) throws IOException {
        List<String> lines = new ArrayList<>();
        List<Long> waits = new ArrayList<>();
        int[] turns = {0};
        boolean[] last = {false};
        try (LoopbackServer server = SlowHttpServer.start(ServerOptions.defaults().withDelay(SERVER_DELAY));
             Poller poller = Poller.selector()) {
            TurnTraceFormatter formatter = new TurnTraceFormatter(lines::add);
            TracedMiniLoop loop = TracedMiniLoop.create(className, poller, Clock.system(), event -> {
                formatter.onEvent(event);
                if (event instanceof LoopEvent.SelectReturned selected) {
                    waits.add(selected.waitedNanos());
                } else if (event instanceof LoopEvent.TurnEnded) {
                    turns[0]++;
                }
            });
            loop.callLater(Duration.ofMillis(100), "timer 100ms", () -> { });
            loop.callLater(Duration.ofMillis(300), "timer 300ms", () -> last[0] = true);
            Fetch fetch = new Fetch(loop, server);
            fetch.start();
            // Until both are over: on a busy machine the answer may come after the 300 ms timer.
            loop.runUntil(() -> last[0] && fetch.finished(), TURN_LIMIT, SCENE_LIMIT);
            fetch.close();
            if (!print) {
                return;
            }
            System.out.println("2. A fetch from the slow HTTP server (it answers after 200 ms) on your loop, beside"
                    + " timers");
            System.out.println("   due at 100 ms and 300 ms. Nothing else is ready, so your loop waits in its poll.");
            print(lines);
            System.out.printf("   -- the fetch answered \"%s\"; %d turns; the longest poll waited %.1f ms%n",
                    fetch.status, turns[0], waits.stream().mapToLong(Long::longValue).max().orElse(0) / 1e6);
        }
    }

    /**
     * GET /delay/200 over one non-blocking connection, with callbacks on the learner's {@code watch}: connect,
     * then write the request, then read until the headers and the whole body are in.
     */
    private static final class Fetch {
        private final TracedMiniLoop loop;
        private final LoopbackServer server;
        private final ByteBuffer in = ByteBuffer.allocate(4096);
        private ByteBuffer out;
        private SocketChannel channel;
        private String status = "not finished";

        Fetch(TracedMiniLoop loop, LoopbackServer server) {
            this.loop = loop;
            this.server = server;
        }

        void start() throws IOException {
            channel = SocketChannel.open();
            channel.configureBlocking(false);
            String request = "GET /delay/" + SERVER_DELAY.toMillis() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
            out = ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII));
            if (channel.connect(server.address())) {
                loop.watch(channel, SelectionKey.OP_WRITE, "send", this::send);
            } else {
                loop.watch(channel, SelectionKey.OP_CONNECT, "connect", this::connected);
            }
        }

        private void connected() {
            io(() -> {
                if (channel.finishConnect()) {
                    loop.watch(channel, SelectionKey.OP_WRITE, "send", this::send);
                }
            });
        }

        private void send() {
            io(() -> {
                channel.write(out);
                if (!out.hasRemaining()) {
                    loop.watch(channel, SelectionKey.OP_READ, "recv", this::receive);
                }
            });
        }

        private void receive() {
            io(() -> {
                int n = channel.read(in);
                String text = new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII);
                int headersEnd = text.indexOf("\r\n\r\n");
                if (n < 0) {
                    status = "connection closed early";
                    close();
                } else if (headersEnd >= 0 && text.length() >= headersEnd + 4 + contentLength(text)) {
                    status = text.substring(0, text.indexOf("\r\n"));
                    close();
                }
            });
        }

        boolean finished() {
            return channel != null && !channel.isOpen();
        }

        void close() throws IOException {
            if (channel != null && channel.isOpen()) {
                loop.unwatch(channel);
                channel.close();
            }
        }

        private interface Io {
            void run() throws IOException;
        }

        private static void io(Io step) {
            try {
                step.run();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static int contentLength(String headers) {
            for (String line : headers.split("\r\n")) {
                if (line.toLowerCase().startsWith("content-length:")) {
                    return Integer.parseInt(line.substring("content-length:".length()).trim());
                }
            }
            return 0;
        }
    }

    // ---- 3. a callback that queues itself again ----

    private static void aCallbackThatNeverStops(String className) throws IOException {
        spinBesideATimer(className, false); // once unseen, so that loading classes does not make the timer late
        System.out.println("3. A callback that queues itself again every time it runs (about 20 µs of work each");
        System.out.println("   time), beside a timer due in 20 ms.");
        spinBesideATimer(className, true);
    }

    private static void spinBesideATimer(String className, boolean print) throws IOException {
        List<String> lines = new ArrayList<>();
        try (Poller poller = Poller.selector()) {
            TracedMiniLoop loop = loop(className, poller, lines);
            int[] spins = {0};
            long[] timerRanAt = {-1};
            int[] timerTurn = {0};
            long due = loop.time() + Duration.ofMillis(20).toNanos();
            loop.callLater(Duration.ofMillis(20), "timer 20ms", () -> {
                timerRanAt[0] = loop.time();
                timerTurn[0] = lines.size() + 1;
            });
            Runnable[] spinner = new Runnable[1];
            spinner[0] = () -> {
                spins[0]++;
                long until = System.nanoTime() + 20_000;
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
                if (timerRanAt[0] < 0) {
                    loop.callSoon("spinner", spinner[0]);
                }
            };
            loop.callSoon("spinner", spinner[0]);
            boolean ran = loop.runUntil(() -> timerRanAt[0] >= 0, TURN_LIMIT, SCENE_LIMIT);
            if (!print) {
                return;
            }
            System.out.println("   The first two turns, the one before the timer's and the timer's:");
            for (int i = 0; i < lines.size(); i++) {
                if (i < 2 || i >= timerTurn[0] - 2 && i < timerTurn[0]) {
                    System.out.println("   " + lines.get(i));
                }
            }
            if (ran) {
                System.out.printf("   The spinner ran %d times in %d turns; the timer ran in turn %d, %.3f ms after it"
                        + " was due.%n", spins[0], lines.size(), timerTurn[0], (timerRanAt[0] - due) / 1e6);
            } else {
                System.out.printf("   The timer never ran: the spinner ran %d times in %d turns and the demo gave up"
                        + " after %d s.%n", spins[0], lines.size(), SCENE_LIMIT.toSeconds());
            }
        }
    }
}
