package dev.tutor.lessons.eventloop;

import dev.tutor.lessons.Prediction;
import dev.tutor.runtime.loop.Coroutine;
import dev.tutor.runtime.loop.EventLoop;
import dev.tutor.runtime.loop.Future;
import dev.tutor.runtime.loop.LoopEvent;
import dev.tutor.runtime.loop.Step;
import dev.tutor.runtime.loop.Task;
import dev.tutor.runtime.loop.TurnTraceFormatter;
import dev.tutor.runtime.net.LoopbackServer;
import dev.tutor.runtime.net.ServerOptions;
import dev.tutor.runtime.net.SlowHttpServer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Lesson 10's demo: the tutor's bundled event loop, traced one line per turn, in three small scenes.
 *
 * <p>First the order of callbacks: two queued with callSoon, one queued by a callback while the turn runs,
 * and a timer due at once. Then a fetch from the slow HTTP server (on loopback, 200 ms) beside two timers,
 * where the trace shows each turn's time-out, how long the select waited and which socket woke it. Last, a
 * callback that queues itself again every time it runs, next to a timer due in 20 ms: the timer still runs,
 * in the turn its time comes. The whole demo takes about half a second.
 */
public final class LoopTraceDemo {

    private static final Duration SERVER_DELAY = Duration.ofMillis(200);

    private LoopTraceDemo() {
    }

    public static void main(String[] args) throws IOException {
        orderOfCallbacks();
        System.out.println();
        timersAndSockets();
        System.out.println();
        aCallbackThatNeverStops();
    }

    // ---- 1. the order of callbacks ----

    private static void orderOfCallbacks() {
        System.out.println("1. The ready queue. A and B are queued with callSoon; A queues C while it runs;");
        System.out.println("   timer T is started with callLater(0 ms), after A and B.");
        Optional<String> guess = Prediction.ask("In which turn does each of A, B, C and T run, and in what order?");
        List<String> order = new ArrayList<>();
        try (EventLoop loop = EventLoop.create()) {
            loop.addListener(new TurnTraceFormatter(line -> System.out.println("   " + line)));
            Future<Void> done = loop.createFuture();
            loop.callSoon("A", () -> {
                order.add("A");
                loop.callSoon("C", () -> {
                    order.add("C");
                    done.setResult(null);
                });
            });
            loop.callSoon("B", () -> order.add("B"));
            loop.callAt(loop.time(), "T", () -> order.add("T")); // callLater(0 ms), with a name for the trace
            loop.runUntilComplete(done);
        }
        System.out.println("   Ran: " + String.join(" ", order) + ". T became due in turn 1 and joined the queue behind A"
                + " and B.");
        System.out.println("   C was queued while turn 1 ran, so it waited for turn 2. (The last turn is");
        System.out.println("   runUntilComplete's own callback, which stops the loop once C has set its future.)");
        Prediction.printBeside(guess, String.join(" ", order));
    }

    // ---- 2. timers and a socket ----

    private static void timersAndSockets() throws IOException {
        System.out.println("2. A fetch from the slow HTTP server (it answers after 200 ms) on the loop, beside timers");
        System.out.println("   due at 100 ms and 300 ms. Nothing else is ready, so the loop sleeps in select.");
        Optional<String> guess = Prediction.ask("How many turns will the loop need for all of this, and how long"
                + " will its longest select wait?");
        List<Long> waits = new ArrayList<>();
        int[] turns = {0};
        try (LoopbackServer server = SlowHttpServer.start(ServerOptions.defaults().withDelay(SERVER_DELAY));
             EventLoop loop = EventLoop.create()) {
            loop.addListener(new TurnTraceFormatter(line -> System.out.println("   " + line)));
            loop.addListener(event -> {
                if (event instanceof LoopEvent.SelectReturned selected) {
                    waits.add(selected.waitedNanos());
                } else if (event instanceof LoopEvent.TurnEnded) {
                    turns[0]++;
                }
            });
            long start = loop.time();
            loop.callAt(start + Duration.ofMillis(100).toNanos(), "timer 100ms", () -> { });
            Future<Void> last = loop.createFuture();
            loop.callAt(start + Duration.ofMillis(300).toNanos(), "timer 300ms", () -> last.setResult(null));
            Task<String> fetch = loop.createTask("fetch", new Fetch(loop, server));
            loop.runUntilComplete(last);
            String status = fetch.isDone() ? fetch.result() : "not finished";
            System.out.printf("   -- the fetch answered \"%s\"; %d turns; the longest select waited %.1f ms%n", status,
                    turns[0], waits.stream().mapToLong(Long::longValue).max().orElse(0) / 1e6);
            Prediction.printBeside(guess, String.format("%d turns, longest select %.1f ms", turns[0],
                    waits.stream().mapToLong(Long::longValue).max().orElse(0) / 1e6));
        }
    }

    /**
     * GET /delay/200 over one connection, as a step function: connect, send, then read until the headers
     * and the whole body are in (one read is not one message).
     */
    private static final class Fetch implements Coroutine<String> {
        private final EventLoop loop;
        private final LoopbackServer server;
        private final ByteBuffer buffer = ByteBuffer.allocate(4096);
        private int state;
        private Future<SocketChannel> connecting;
        private Future<Void> sending;
        private Future<Integer> receiving;
        private SocketChannel channel;

        Fetch(EventLoop loop, LoopbackServer server) {
            this.loop = loop;
            this.server = server;
        }

        @Override
        public Step<String> resume() throws IOException {
            switch (state) {
                case 0 -> {
                    connecting = loop.connect(server.address());
                    state = 1;
                    return Step.await(connecting);
                }
                case 1 -> {
                    channel = connecting.result();
                    String request = "GET /delay/" + SERVER_DELAY.toMillis() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
                    sending = loop.sendAll(channel, ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
                    state = 2;
                    return Step.await(sending);
                }
                default -> {
                    if (state == 3 && receiving.result() < 0) {
                        channel.close();
                        return Step.done("connection closed early");
                    }
                    if (state == 2) {
                        sending.result();
                    }
                    String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII);
                    int headersEnd = text.indexOf("\r\n\r\n");
                    if (headersEnd >= 0 && text.length() >= headersEnd + 4 + contentLength(text)) {
                        channel.close();
                        return Step.done(text.substring(0, text.indexOf("\r\n")));
                    }
                    receiving = loop.recv(channel, buffer);
                    state = 3;
                    return Step.await(receiving);
                }
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

    private static void aCallbackThatNeverStops() {
        spinBesideATimer(false); // once unseen, so that loading classes does not make the timer late
        System.out.println("3. A callback that queues itself again every time it runs (about 20 µs of work each");
        System.out.println("   time), beside a timer due in 20 ms.");
        Optional<String> guess = Prediction.ask("Will the timer ever run? If so, how late?");
        double late = spinBesideATimer(true);
        Prediction.printBeside(guess, String.format("it ran, %.3f ms late", late));
    }

    /** Runs the spinner beside a timer due in 20 ms; prints what happened if asked; returns the timer's lateness. */
    private static double spinBesideATimer(boolean print) {
        try (EventLoop loop = EventLoop.create()) {
            int[] spins = {0};
            int[] turns = {0};
            long[] timerRanAt = {-1};
            List<String> lines = new ArrayList<>();
            loop.addListener(new TurnTraceFormatter(lines::add));
            loop.addListener(event -> {
                if (event instanceof LoopEvent.TurnEnded) {
                    turns[0]++;
                }
            });
            long due = loop.time() + Duration.ofMillis(20).toNanos();
            int[] timerTurn = {0};
            loop.callAt(due, "timer 20ms", () -> {
                timerRanAt[0] = loop.time();
                timerTurn[0] = turns[0] + 1;
            });
            Runnable[] spinner = new Runnable[1];
            spinner[0] = () -> {
                spins[0]++;
                long until = System.nanoTime() + 20_000;
                while (System.nanoTime() < until) {
                    Thread.onSpinWait(); // a little work, so that the demo's turns stay in the hundreds
                }
                if (timerRanAt[0] < 0 && spins[0] < 100_000) {
                    loop.callSoon("spinner", spinner[0]);
                } else {
                    loop.stop();
                }
            };
            loop.callSoon("spinner", spinner[0]);
            loop.runForever();
            double late = (timerRanAt[0] - due) / 1e6;
            if (print) {
                System.out.println("   The first two turns, the one before the timer's and the timer's:");
                for (int i = 0; i < lines.size(); i++) {
                    if (i < 2 || i >= timerTurn[0] - 2 && i < timerTurn[0]) {
                        System.out.println("   " + lines.get(i));
                    }
                }
                System.out.printf("   The spinner ran %d times in %d turns, once per turn; the timer ran in turn %d,"
                        + " %.3f ms after it was due.%n", spins[0], turns[0], timerTurn[0], late);
                System.out.println("   Each turn runs only what was ready when it began, so the poll and the timers get"
                        + " their");
                System.out.println("   look in between. A loop that drained the queue instead would never return to"
                        + " them.");
            }
            return late;
        }
    }
}
