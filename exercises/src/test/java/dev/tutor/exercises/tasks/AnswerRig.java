package dev.tutor.exercises.tasks;

import static org.junit.jupiter.api.Assertions.fail;

import dev.tutor.exercises.tasks.FetchAll.Result;
import dev.tutor.runtime.loop.EventLoop;
import dev.tutor.runtime.loop.Future;
import dev.tutor.runtime.loop.LoopEvent;
import dev.tutor.runtime.loop.LoopLog;
import dev.tutor.runtime.loop.LoopOptions;
import dev.tutor.runtime.time.FakeClock;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * One call of {@link FetchAll#fetchAll} with the test playing the server, on the same loop, so that the whole
 * run happens on one thread and every count is exact.
 *
 * <p>The server accepts on loopback and reads each request, then holds its answer. It answers only when the
 * loop is <em>idle</em>: about to wait for the network with no callback ready and no timer, so that the
 * fetches have done all they can. At each idle moment the test first checks the limit (no fetch waits to
 * start while a place is free, no channel left open after its end), then sends one piece of each of a few held
 * answers, picked at random: a piece goes out only once the client has read everything sent before it on that
 * connection, so every piece is a read of its own. Answers are cut at random places (inside the empty line,
 * inside a UTF-8 character), some are reset halfway, some are not HTTP, and they end in a random order.
 *
 * <p>The loop runs on a {@link FakeClock} that nobody moves: a fetch that waits for a timer would wait for
 * ever, so the first such wait is reported at once. A watchdog stops a loop that sits in select for 1.5 s
 * with nothing on the way, which a right answer never does, and interrupts the loop thread when it waits
 * inside a step of {@link FetchAll} (a sleep, an acquire) for more than 100 ms.
 */
final class AnswerRig implements AutoCloseable {

    /** How a page answers. */
    enum Kind {
        /** A status line, headers, an empty line and the body. */
        OK,
        /** Part of a good answer, then a reset (RST) instead of the end. */
        RESET,
        /** Headers, an empty line and a body, with no HTTP status line (none, or a first line that is not HTTP's). */
        NO_STATUS_LINE,
        /** A status line, headers and a body, with no empty line after the headers. */
        NO_BLANK_LINE,
        /** A status line whose code is not a number. */
        BAD_CODE
    }

    /** A page; an awkward one is always cut inside its empty line and inside a character of its body. */
    record Page(String path, Kind kind, int status, String body, boolean awkward) {
    }

    private static final int TURNS_WITHOUT_WAITING = 20_000;
    private static final String LETTERS = "abcdefghijklmnopqrstuvwxyz     \n\u00e9\u00f8\u00df\u03bb\u20ac";

    private final Random random;
    /** The server's own choices while it runs, so that the inputs drawn from {@code random} replay exactly. */
    private final Random serving;
    private final FakeClock clock = new FakeClock();
    private final EventLoop loop;
    private final ServerSocketChannel listening;
    private final int port;
    private int refusedPort = -1;
    private int unresolvedPort = -1;
    private boolean unresolvedThrows;
    private boolean firstAnswerLast;
    private final Map<String, Page> pages = new HashMap<>();
    private final List<ServedAnswer> conns = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private final List<String> logged = new ArrayList<>();

    // a run: one fetchAll call, or more on the same loop
    private final List<FetchAllCall> gathers = new ArrayList<>();
    private long turns;
    private long lastIdleTurn;
    private final FetchWatchdog watchdog;

    AnswerRig(Random random) throws IOException {
        this.random = random;
        this.serving = new Random(random.nextLong());
        LoopLog log = new LoopLog() {
            @Override
            public void warning(String message) {
                logged.add(message);
            }

            @Override
            public void error(String message, Throwable error) {
                logged.add(message.contains(String.valueOf(error)) ? message : message + " " + error);
            }
        };
        loop = EventLoop.create(LoopOptions.defaults().withClock(clock).withSlowCallbackDuration(null).withLog(log));
        watchdog = new FetchWatchdog(loop, this::problem, this::stuckMessage);
        listening = ServerSocketChannel.open();
        listening.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 512);
        listening.configureBlocking(false);
        port = ((InetSocketAddress) listening.getLocalAddress()).getPort();
        loop.addReader(listening, this::acceptAll);
        loop.addListener(this::onEvent);
    }

    // ---- setting up ----

    /** A page of this kind at {@code path}, with a random status and body; returns its address. */
    URI page(String path, Kind kind) {
        return page(path, kind, false);
    }

    /**
     * A page whose body has at least one character of two bytes or more in UTF-8, and whose answer is always cut
     * between the two halves of its empty line and between the bytes of that character, each cut a read of its
     * own: the edge cases every seed must meet.
     */
    URI awkwardPage(String path, Kind kind) {
        return page(path, kind, true);
    }

    private URI page(String path, Kind kind, boolean awkward) {
        int[] statuses = {200, 200, 200, 201, 204, 301, 404, 404, 500, 503};
        int status = statuses[random.nextInt(statuses.length)];
        int length = switch (random.nextInt(5)) {
            case 0 -> 0;
            case 1 -> 1 + random.nextInt(40);
            case 2 -> 5_000 + random.nextInt(20_000);
            default -> 100 + random.nextInt(3_000);
        };
        StringBuilder body = new StringBuilder();
        while (body.length() < length) {
            body.append(LETTERS.charAt(random.nextInt(LETTERS.length())));
        }
        if (awkward && body.chars().allMatch(c -> c < 0x80)) {
            String wide = LETTERS.substring(LETTERS.indexOf('\u00e9'));
            body.insert(random.nextInt(body.length() + 1), wide.charAt(random.nextInt(wide.length())));
        }
        pages.put(path, new Page(path, kind, status, body.toString(), awkward));
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** An address on a port where nobody listens: its connect is refused. */
    URI refused(String path) throws IOException {
        if (refusedPort < 0) {
            try (ServerSocketChannel closed = ServerSocketChannel.open()) {
                closed.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
                refusedPort = ((InetSocketAddress) closed.getLocalAddress()).getPort();
            }
        }
        return URI.create("http://127.0.0.1:" + refusedPort + path);
    }

    /**
     * An address whose connect fails as a host name that does not resolve makes it fail: with an unchecked
     * {@code UnresolvedAddressException}, thrown by {@code loop.connect} itself when {@code thrown}, else as the
     * failure of the future it returns (as the bundled loop does). The test's loop plays the part on a port of its
     * own, without touching the network or a name server.
     */
    URI unresolved(String path, boolean thrown) throws IOException {
        refused("/");
        while (unresolvedPort < 0 || unresolvedPort == refusedPort) {
            try (ServerSocketChannel closed = ServerSocketChannel.open()) {
                closed.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
                unresolvedPort = ((InetSocketAddress) closed.getLocalAddress()).getPort();
            }
        }
        unresolvedThrows = thrown;
        return URI.create("http://127.0.0.1:" + unresolvedPort + path);
    }

    /**
     * Holds back the answer to the first connect while any other fetch is in flight, so that the first address's
     * fetch ends last and no other order of ending can give the results in list order by chance.
     */
    void answerTheFirstConnectLast() {
        firstAnswerLast = true;
    }

    // ---- running ----

    /** What one call of fetchAll gave. */
    record Run(List<Result> results, Throwable thrown, Throwable failed, FetchAllCall gather) {
    }


    /** Calls fetchAll and runs the loop until its future is done, or the test stops it. */
    Run run(List<URI> uris, int limitGiven) {
        return runCalls(List.of(uris), List.of(limitGiven)).get(0);
    }

    /**
     * Two calls of fetchAll on the one loop: the first before the loop runs, the second from a callback of the
     * loop's first turn, once the first call's fetches have taken their places (and the others wait); runs the
     * loop until both futures are done, or the test stops it. The server holds the first call's answers until the
     * second call is done: each call's limit is its own, so the places the second call's fetches free go to its own
     * fetches waiting, never to the first call's.
     */
    List<Run> runTwo(List<URI> first, int firstLimit, List<URI> second, int secondLimit) {
        return runCalls(List.of(first, second), List.of(firstLimit, secondLimit));
    }

    private List<Run> runCalls(List<List<URI>> lists, List<Integer> limits) {
        gathers.clear();
        for (int i = 0; i < lists.size(); i++) {
            gathers.add(new FetchAllCall(i, lists.get(i), limits.get(i), lists.size(), loop, unresolvedPort,
                    unresolvedThrows));
        }
        watchdog.loopThread(Thread.currentThread());
        FetchAllCall first = gathers.get(0);
        first.start();
        if (first.thrown != null) {
            return gathers.stream().map(FetchAllCall::outcome).toList();
        }
        if (first.all == null) {
            fail("fetchAll returned null, not a loop future: create one with loop.createFuture() and complete it"
                    + " once every fetch has ended.");
        }
        Future<Void> allDone = loop.createFuture();
        Runnable check = () -> {
            if (!allDone.isDone() && gathers.stream().allMatch(FetchAllCall::done)) {
                allDone.setResult(null);
            }
        };
        first.all.addDoneCallback(done -> check.run());
        for (FetchAllCall later : gathers.subList(1, gathers.size())) {
            loop.callSoon(() -> {
                later.start();
                if (later.all != null) {
                    later.all.addDoneCallback(done -> check.run());
                } else if (later.thrown == null) {
                    problem("fetchAll returned null, not a loop future: create one with loop.createFuture() and"
                            + " complete it once every fetch has ended.");
                }
                check.run();
            });
        }
        Thread watching = new Thread(watchdog::watch, "fetch-watchdog");
        watching.setDaemon(true);
        watching.start();
        try {
            loop.runUntilComplete(allDone);
        } catch (RuntimeException | Error stoppedOrFailed) {
            // the test stopped the loop, or the future failed: what happened is reported below
        } finally {
            watching.interrupt();
            try {
                watching.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Thread.interrupted(); // an interrupt meant for a wait inside a step must not outlive the run
        }
        return gathers.stream().map(FetchAllCall::outcome).toList();
    }

    private void onEvent(LoopEvent event) {
        watchdog.sawEvent();
        switch (event) {
            case LoopEvent.TurnStarted started -> {
                turns = started.turn();
                if (turns - lastIdleTurn > TURNS_WITHOUT_WAITING && problems.isEmpty()) {
                    problem("The loop ran " + TURNS_WITHOUT_WAITING + " turns in a row with callbacks always ready and"
                            + " never waited for the network: something queues callbacks again and again (a step that"
                            + " awaits a future that is always done already, or a callSoon that queues itself) instead"
                            + " of waiting on a future that only the network or another fetch completes.");
                }
            }
            case LoopEvent.TimeoutChosen chosen -> {
                if (chosen.reason() == LoopEvent.TimeoutReason.NEXT_TIMER && chosen.timeoutNanos() > 0) {
                    lastIdleTurn = turns;
                    problem(String.format("The loop was about to wait %.3f ms for a timer (loop.sleep, callLater or"
                            + " callAt). Nothing in fetchAll waits on the clock: a fetch waiting for its place is woken"
                            + " by the fetch that frees it, which completes the loop future it waits on.",
                            chosen.timeoutNanos() / 1e6));
                } else if (chosen.reason() == LoopEvent.TimeoutReason.NOTHING_SCHEDULED) {
                    lastIdleTurn = turns;
                    idle();
                }
                watchdog.inSelect(true);
            }
            case LoopEvent.SelectReturned ignored -> watchdog.inSelect(false);
            default -> { }
        }
    }

    private void problem(String text) {
        if (problems.isEmpty()) {
            problems.add(text);
        }
        loop.stop();
        loop.callSoonThreadsafe(() -> { }); // select must not wait: the loop stops after this turn
    }

    /** The loop is about to wait for the network: check the rules, then send one piece of one answer. */
    private void idle() {
        if (!problems.isEmpty() || gathers.stream().allMatch(FetchAllCall::done)) {
            return;
        }
        for (FetchAllCall gather : gathers) {
            List<String> broken = gather.watched.violations();
            if (!broken.isEmpty()) {
                problem(broken.get(0) + "." + gather.which());
                return;
            }
        }
        for (FetchAllCall gather : gathers) {
            if (gather.started && !gather.done() && !checkIdle(gather)) {
                return;
            }
        }
        List<WatchedLoop.Fetch> fetches = gathers.get(0).watched.fetches();
        ServedAnswer held = firstAnswerLast && !fetches.isEmpty() && fetches.stream().skip(1).anyMatch(
                WatchedLoop.Fetch::inFlight) ? connOf(fetches.get(0)) : null;
        // Two calls: the first call's answers wait until the second call is done, so that the places the second
        // call's fetches free, while the first call's fetches wait, are seen to go to the second call's own.
        WatchedLoop holdBack = gathers.size() > 1 && !gathers.get(1).done() ? gathers.get(0).watched : null;
        List<ServedAnswer> ready = new ArrayList<>();
        for (ServedAnswer conn : conns) {
            if (conn.canTakeMore() && conn != held && (holdBack == null || holdBack.fetchOnPort(conn.clientPort) == null)) {
                ready.add(conn);
            }
        }
        if (!ready.isEmpty()) { // a random few, one piece each, so that the answers end in a random order
            java.util.Collections.shuffle(ready, serving);
            int few = 1 + serving.nextInt(Math.min(4, ready.size()));
            for (ServedAnswer conn : ready.subList(0, few)) {
                conn.next();
            }
        }
    }

    /** Checks one gather still going at an idle moment; false when it found a problem (reported). */
    private boolean checkIdle(FetchAllCall gather) {
        List<WatchedLoop.Fetch> fetches = gather.watched.fetches();
        int inFlight = gather.watched.inFlight();
        int count = gather.count;
        int limit = gather.limit;
        if (fetches.size() < count && inFlight < limit) {
            problem("With a limit of " + limit + ", only " + inFlight + " fetch(es) were in flight while "
                    + (count - fetches.size()) + " of the " + count + " had not started yet (" + fetches.size()
                    + " connects so far), and the loop was about to wait for the network."
                    + oncePerAddress(gather, fetches.size()) + " When a fetch ends, the first one waiting must start"
                    + " at once; while fetches wait, " + limit + " must be in flight." + gather.which());
            return false;
        }
        for (WatchedLoop.Fetch fetch : fetches) {
            if (fetch.inFlight() && fetch.recvPending == 0 && (fetch.sawEnd || fetch.readFailed != null)) {
                problem("The fetch of connect number " + (fetch.serial + 1) + " (" + fetch.path() + ") "
                        + (fetch.sawEnd ? "read the end of its answer (-1)" : "had a read fail with " + fetch.readFailed)
                        + " and left its channel open, and the loop was about to wait for the network. Close the"
                        + " channel in the step that sees the end or the failure: until then the fetch is in flight."
                        + gather.which());
                return false;
            }
        }
        if (inFlight == 0) {
            String errors = logged.isEmpty() ? "" : " The loop logged: " + logged.get(0) + ".";
            problem(count == 0 ? "fetchAll was given an empty list, and the future it returned was still pending with"
                    + " nothing left to wake the loop. With no fetch, no done-callback ever runs: complete it with an"
                    + " empty list before returning it."
                    : "All " + fetches.size() + " fetches had ended (every channel closed or every connect failed), yet"
                    + " the future fetchAll returned was still pending, and nothing was left to wake the loop." + errors
                    + " Complete it with the list of results once the last fetch has ended." + gather.which());
            return false;
        }
        return true;
    }

    private String stuckMessage() {
        List<String> open = new ArrayList<>();
        for (WatchedLoop.Fetch fetch : gathers.stream().flatMap(g -> g.watched.fetches().stream()).toList()) {
            if (fetch.inFlight()) {
                ServedAnswer conn = connOf(fetch);
                open.add("connect " + (fetch.serial + 1) + " (" + fetch.path() + "): "
                        + (fetch.request.isEmpty() ? "no request sent"
                        : conn == null || !conn.requested ? "request not complete at the server"
                        : fetch.recvPending == 0 ? "no read waiting, " + fetch.bytesRead + " of " + conn.written
                        + " bytes sent read" + (conn.finished ? ", the server has closed" : "")
                        : "a read waiting"));
            }
        }
        return "The loop sat in select for a second and a half with nothing on the way to wake it, while fetchAll's"
                + " future was still pending. Fetches in flight: " + open + ". Each fetch must keep a read waiting"
                + " (loop.recv, then Step.await) until a read gives -1.";
    }

    // ---- the server ----

    private void acceptAll() {
        try {
            SocketChannel client;
            while ((client = listening.accept()) != null) {
                client.configureBlocking(false);
                int clientPort = ((InetSocketAddress) client.getRemoteAddress()).getPort();
                ServedAnswer conn = new ServedAnswer(loop, client, clientPort, conns.size() + 1, serving, pages,
                        this::fetchOnPort);
                conns.add(conn);
                loop.addReader(client, conn::readRequest);
            }
        } catch (IOException e) {
            problem("The test's server could not accept a connection: " + e);
        }
    }

    private WatchedLoop.Fetch fetchOnPort(int clientPort) {
        for (FetchAllCall gather : gathers) {
            WatchedLoop.Fetch fetch = gather.watched.fetchOnPort(clientPort);
            if (fetch != null) {
                return fetch;
            }
        }
        return null;
    }

    private ServedAnswer connOf(WatchedLoop.Fetch fetch) {
        for (ServedAnswer conn : conns) {
            if (conn.clientPort == fetch.localPort && fetch.localPort > 0) {
                return conn;
            }
        }
        return null;
    }

    // ---- what was seen ----

    int mostInFlight() {
        return gathers.get(0).watched.mostInFlight();
    }

    /** Checks a whole run against what this rig saw and its server sent: {@link ResultChecks#assertRun}. */
    void assertRun(List<URI> uris, Run run) {
        new ResultChecks(gathers.size(), problems, refusedPort, unresolvedPort, unresolvedThrows, this::connOf)
                .assertRun(uris, run);
    }


    /** A remark for a run that started one fetch for each different address of a list that repeats some, or "". */
    private String oncePerAddress(FetchAllCall gather, int started) {
        List<URI> given = gather.given;
        int count = gather.count;
        int different = new HashSet<>(given).size();
        return different < count && started == different ? " The list holds " + count + " addresses, " + different
                + " of them different, and exactly " + different + " fetches were started: an address that appears"
                + " twice is fetched twice, one fetch for each entry of the list." : "";
    }


    @Override
    public void close() {
        if (!loop.isRunning()) {
            for (ServedAnswer conn : conns) {
                try {
                    conn.channel.close();
                } catch (IOException ignored) {
                    // after the test
                }
            }
            for (FetchAllCall gather : gathers) {
                for (WatchedLoop.Fetch fetch : gather.watched.fetches()) {
                    SocketChannel channel = fetch.connected();
                    if (channel != null) {
                        try {
                            channel.close();
                        } catch (IOException ignored) {
                            // a learner's channel left open: reported already
                        }
                    }
                }
            }
            loop.close();
        }
        try {
            listening.close();
        } catch (IOException ignored) {
            // after the test
        }
    }
}
