package dev.tutor.exercises.tasks;

import static org.junit.jupiter.api.Assertions.fail;

import dev.tutor.exercises.tasks.PageCheck.Report;
import dev.tutor.runtime.loop.EventLoop;
import dev.tutor.runtime.loop.Future;
import dev.tutor.runtime.loop.LoopEvent;
import dev.tutor.runtime.loop.LoopLog;
import dev.tutor.runtime.loop.LoopOptions;
import dev.tutor.runtime.loop.Task;
import dev.tutor.runtime.time.FakeClock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A status board for the tests: {@link PageCheck}s as tasks on the bundled loop, a page server on loopback,
 * the pool and the summarise function the checks are given, and the instruments that watch them.
 *
 * <ul>
 * <li>The loop runs on a {@link FakeClock} that jumps to the next timer whenever the loop is about to wait
 *     for one, so a pause costs no real time; the clock at which each request reached the server is kept.</li>
 * <li>A listener times every callback in real time, from the loop's previous event to its end.</li>
 * <li>A watchdog looks at the loop's thread every few milliseconds: waiting (sleep, get, join, park) with a
 *     frame of PageCheck on its stack is recorded with the frames, and the pool's job is let go so that the
 *     wait can end; a wait that still does not end is interrupted. A callback that runs long has its stack
 *     sampled. A loop that sits in select with nothing left to wake it is stopped.</li>
 * <li>The pool starts a job only once the callback that handed it over has returned, as a busy pool would,
 *     and catches whatever the job throws on its thread.</li>
 * </ul>
 */
final class Board implements AutoCloseable {

    /**
     * A page the server serves: a negative status answers with text that is not HTTP (see
     * {@link #NO_STATUS_LINE}, {@link #NO_BLANK_LINE}); a {@code summaryFailure} is what summarise throws for its body.
     */
    record Page(String path, int status, String body, RuntimeException summaryFailure) {
        Page failingSummary() {
            return new Page(path, status, body, new IllegalStateException("summary of " + path + " failed on purpose"));
        }
    }

    private record Check(Page page, Duration pause, Task<Report> task) {
    }

    /** A page status that makes the server answer with text, an empty line and a body, and no status line. */
    static final int NO_STATUS_LINE = -1;
    /** A page status that makes the server answer with a status line and text, and no empty line after it. */
    static final int NO_BLANK_LINE = -2;
    static final long BOUND_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long WAIT_NOTICED_NANOS = TimeUnit.MILLISECONDS.toNanos(60);
    private static final long WAIT_INTERRUPTED_NANOS = TimeUnit.MILLISECONDS.toNanos(400);
    private static final long LONG_SAMPLE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long STUCK_NANOS = TimeUnit.MILLISECONDS.toNanos(1_500);
    /** How long the gated server waits for every request; a blocking fetch holds the loop at least this long. */
    static final long GATE_NANOS = TimeUnit.MILLISECONDS.toNanos(1_500);
    private static final String CHECK_CLASS = PageCheck.class.getName();

    private final FakeClock clock = new FakeClock();
    private final EventLoop loop;
    private final PageServer server;
    private final List<Check> checks = new ArrayList<>();
    private final Map<String, Page> pagesByBody = new ConcurrentHashMap<>();
    private final List<String> logged = new CopyOnWriteArrayList<>();

    // what the listener sees (written on the loop thread, read by the watchdog and the pool)
    private final Object gate = new Object();
    private long callbacksEnded;
    private volatile long lastEventReal = System.nanoTime();
    private volatile boolean inCallbacks;
    private volatile boolean inSelect;
    private long longestNanos;
    private String longestName = "";
    private long endVirtualNanos = -1;

    // what the watchdog and the pool see
    private volatile Thread loopThread;
    private volatile boolean released;
    private volatile String waitingSeen;
    private volatile String longSample;
    private volatile String stuck;
    private final AtomicInteger poolBusy = new AtomicInteger();
    private final List<Throwable> escaped = new CopyOnWriteArrayList<>();
    private final List<Thread> poolThreads = new CopyOnWriteArrayList<>();
    private final AtomicInteger onLoop = new AtomicInteger();
    private final AtomicInteger onPool = new AtomicInteger();
    private final List<String> elsewhere = new CopyOnWriteArrayList<>();

    Board() throws IOException {
        LoopLog log = new LoopLog() {
            @Override
            public void warning(String message) {
                logged.add(message);
            }

            @Override
            public void error(String message, Throwable error) {
                logged.add(message);
            }
        };
        loop = EventLoop.create(LoopOptions.defaults().withClock(clock).withSlowCallbackDuration(null).withLog(log));
        loop.addListener(this::onEvent);
        server = new PageServer(clock);
    }

    // ---- setting up ----

    Page page(Random random, String path, int status) {
        StringBuilder body = new StringBuilder();
        int length = random.nextInt(4) == 0 ? random.nextInt(40) : 9_000 + random.nextInt(30_000);
        String letters = "abcdefghijklmnopqrstuvwxyz      \nçéøßλ";
        while (body.length() < length) {
            body.append(letters.charAt(random.nextInt(letters.length())));
        }
        body.append(" #").append(path).append(' ').append(random.nextLong());
        Page page = new Page(path, status, body.toString(), null);
        server.pages.put(path, page);
        return page;
    }

    void check(Page page, Duration pause) {
        check(page, pause, null);
    }

    void check(Page page, Duration pause, InetSocketAddress elsewhereAddress) {
        server.pages.put(page.path(), page);
        pagesByBody.put(page.body(), page);
        InetSocketAddress address = elsewhereAddress != null ? elsewhereAddress : server.address();
        PageCheck check = new PageCheck(loop, address, page.path(), pause, this::execute, this::summarise);
        checks.add(new Check(page, pause, loop.createTask("check " + checks.size(), check)));
    }

    void gateUntil(int count) {
        server.gate = count;
    }

    static InetSocketAddress closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), socket.getLocalPort());
        }
    }

    // ---- running ----

    void run() {
        loopThread = Thread.currentThread();
        Future<Void> all = loop.createFuture();
        int[] left = {checks.size()};
        for (Check check : checks) {
            check.task().addDoneCallback(done -> {
                if (--left[0] == 0) {
                    endVirtualNanos = clock.nanoTime();
                    all.setResult(null);
                }
            });
        }
        Thread watchdog = new Thread(this::watch, "board-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        try {
            loop.runUntilComplete(all);
        } catch (IllegalStateException stoppedEarly) {
            // the watchdog or the pool stopped the loop; what they saw is reported by the assertions
        } finally {
            loopThread = null;
            watchdog.interrupt();
            try {
                watchdog.join(2_000);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
            Thread.interrupted(); // an interrupt meant for a wait inside a step must not outlive the run
        }
    }

    private void onEvent(LoopEvent event) {
        long now = System.nanoTime();
        switch (event) {
            case LoopEvent.CallbackRan ran -> {
                long took = now - lastEventReal;
                if (took > longestNanos) {
                    longestNanos = took;
                    longestName = ran.name();
                }
                synchronized (gate) {
                    callbacksEnded++;
                    gate.notifyAll();
                }
            }
            case LoopEvent.TimeoutChosen chosen -> {
                if (chosen.reason() == LoopEvent.TimeoutReason.NEXT_TIMER) {
                    clock.advanceNanos(chosen.timeoutNanos()); // the timer is due now, in the loop's time
                    loop.callSoonThreadsafe(() -> { });         // and the select must not wait for it in real time
                }
                inSelect = true;
            }
            case LoopEvent.SelectReturned ignored -> inSelect = false;
            case LoopEvent.TimersDue ignored -> inCallbacks = true;
            case LoopEvent.TurnEnded ignored -> inCallbacks = false;
            default -> { }
        }
        lastEventReal = System.nanoTime();
    }

    private void watch() {
        long waitingSince = 0;
        while (!Thread.currentThread().isInterrupted()) {
            Thread thread = loopThread;
            if (thread == null) {
                return;
            }
            long now = System.nanoTime();
            Thread.State state = thread.getState(); // cheap; the stack is read only when there is something to see
            boolean waiting = state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING;
            boolean longCallback = inCallbacks && now - lastEventReal > LONG_SAMPLE_NANOS && longSample == null;
            if (waiting || longCallback) {
                StackTraceElement[] stack = thread.getStackTrace();
                boolean inCheck = false;
                for (StackTraceElement frame : stack) {
                    inCheck |= frame.getClassName().startsWith(CHECK_CLASS);
                }
                if (waiting && inCheck) {
                    if (waitingSince == 0) {
                        waitingSince = now;
                    } else if (now - waitingSince > WAIT_NOTICED_NANOS && waitingSeen == null) {
                        waitingSeen = state + " in " + frames(stack);
                        release();
                    } else if (now - waitingSince > WAIT_INTERRUPTED_NANOS) {
                        thread.interrupt(); // a wait that nothing else will end, such as a sleep-and-poll loop
                        waitingSince = now;
                    }
                } else {
                    waitingSince = 0;
                }
                if (longCallback && inCheck) {
                    longSample = state + " in " + frames(stack);
                }
            } else {
                waitingSince = 0;
            }
            if (inSelect && now - lastEventReal > STUCK_NANOS && poolBusy.get() == 0 && server.holding.get() == 0
                    && stuck == null) {
                stuck = waitingTasks();
                loop.callSoonThreadsafe(loop::stop);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private String waitingTasks() {
        List<String> waiting = new ArrayList<>();
        for (Check check : checks) {
            if (!check.task().isDone()) {
                waiting.add(check.task().name());
            }
        }
        return waiting.toString();
    }

    private static String frames(StackTraceElement[] stack) {
        List<String> shown = new ArrayList<>();
        for (StackTraceElement frame : stack) {
            shown.add(frame.getClassName().substring(frame.getClassName().lastIndexOf('.') + 1) + "."
                    + frame.getMethodName() + (frame.getLineNumber() > 0 ? ":" + frame.getLineNumber() : ""));
            if (frame.getClassName().startsWith(CHECK_CLASS) || shown.size() == 12) {
                break;
            }
        }
        return String.join(" <- ", shown);
    }

    private void release() {
        synchronized (gate) {
            released = true;
            gate.notifyAll();
        }
    }

    // ---- the pool and summarise the checks are given ----

    private void execute(Runnable job) {
        if (job == null) {
            throw new NullPointerException("job");
        }
        long handedOverIn;
        synchronized (gate) {
            handedOverIn = Thread.currentThread() == loopThread ? callbacksEnded : -1;
        }
        poolBusy.incrementAndGet();
        Thread worker = new Thread(() -> {
            try {
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
                synchronized (gate) {
                    while (callbacksEnded <= handedOverIn && !released && System.nanoTime() < until) {
                        gate.wait(20);
                    }
                }
                job.run();
            } catch (Throwable thrown) {
                escaped.add(thrown);
                try {
                    loop.callSoonThreadsafe(loop::stop);
                } catch (IllegalStateException closed) {
                    // the run is over already
                }
            } finally {
                poolBusy.decrementAndGet();
            }
        }, "summary-pool-" + (poolThreads.size() + 1));
        worker.setDaemon(true);
        poolThreads.add(worker);
        worker.start();
    }

    private String summarise(String body) {
        Thread thread = Thread.currentThread();
        if (thread == loopThread) {
            onLoop.incrementAndGet();
        } else if (poolThreads.contains(thread)) {
            onPool.incrementAndGet();
        } else {
            elsewhere.add(thread.getName());
        }
        Page page = pagesByBody.get(body);
        if (page != null && page.summaryFailure() != null) {
            throw page.summaryFailure();
        }
        return expectedSummary(body);
    }

    static String expectedSummary(String body) {
        return body.length() + " chars, " + body.codePoints().filter(Character::isLetter).count() + " letters, #"
                + Integer.toHexString(body.hashCode());
    }

    // ---- what was seen ----

    int summarisedOnLoop() {
        return onLoop.get();
    }

    int summarisedOnPool() {
        return onPool.get();
    }

    String summariseThreads() {
        return elsewhere.isEmpty() ? "no call at all" : "it ran on " + elsewhere;
    }

    String loopThreadName() {
        return Thread.currentThread().getName();
    }

    long virtualMillisAtEnd() {
        return TimeUnit.NANOSECONDS.toMillis(endVirtualNanos);
    }

    Throwable failure(int index) {
        Task<Report> task = checks.get(index).task();
        return task.isDone() && !task.isCancelled() ? task.exception() : null;
    }

    RuntimeException summaryFailure(int index) {
        return checks.get(index).page().summaryFailure();
    }

    String outcome(int index) {
        Task<Report> task = checks.get(index).task();
        if (!task.isDone()) {
            return "nothing: it was still waiting" + (task.waitingOn() != null ? " on " + task.waitingOn() : "");
        }
        if (task.isCancelled()) {
            return "a cancellation";
        }
        return task.exception() != null ? "the failure " + task.exception() : "the report " + task.result();
    }

    String outcomes() {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < checks.size(); i++) {
            lines.add("check " + i + " (" + checks.get(i).page().path() + ") ended with " + outcome(i));
        }
        return " " + String.join("; ", lines) + ".";
    }

    void assertTheLoopWasNeverHeld() {
        if (stuck != null) {
            fail(stuckMessage());
        }
        if (waitingSeen != null) {
            fail("The loop thread waited inside a step of a check: it was " + waitingSeen + ". While a step waits,"
                    + " no other task, timer or socket on the loop is served. A step must return Step.await(future)"
                    + " instead: loop.sleep for a pause, and for work on the pool a loop future that the pool's job"
                    + " completes, never get(), join() or a sleep on the loop thread.");
        }
        if (longestNanos > BOUND_NANOS) {
            fail(String.format("The callback '%s' held the loop thread for %.0f ms; the bound is %d ms, and a right"
                    + " answer's steps take well under a millisecond each (the bound leaves room for a busy machine).%s No other task ran meanwhile.",
                    longestName, longestNanos / 1e6, TimeUnit.NANOSECONDS.toMillis(BOUND_NANOS),
                    longSample != null ? " Meanwhile the loop thread was " + longSample + "." : ""));
        }
        if (server.gateTimedOut) {
            fail("The server held its answers until all " + server.gate + " requests had arrived, and after "
                    + TimeUnit.NANOSECONDS.toMillis(GATE_NANOS) + " ms only " + server.arrivals.size() + " had: the"
                    + " checks did not fetch at the same time. Each must"
                    + " send its request and return Step.await(...) at once, so that the loop can start the next.");
        }
        if (!elsewhere.isEmpty()) {
            fail("summarise ran on " + elsewhere + ", not on the pool the check was given: hand it to"
                    + " pool.execute(...), not to a thread or executor of your own.");
        }
    }

    void assertNothingEscapedToThePool() {
        if (!escaped.isEmpty()) {
            boolean loopFuture = false;
            for (Throwable thrown : escaped) {
                for (Throwable t = thrown; t != null; t = t.getCause()) {
                    String message = String.valueOf(t.getMessage());
                    loopFuture |= message.contains("callSoon called from thread") || message.contains("future that is already done");
                }
            }
            fail("The job handed to the pool threw on the pool's thread: " + escaped.get(0) + (loopFuture
                    ? ". A loop future was completed on the pool's thread. It is not thread-safe and belongs to the"
                    + " loop thread: its setResult marks it done and then queues the task's wake-up with callSoon,"
                    + " which the loop refuses from another thread, so the task is never woken. The pool's job must"
                    + " hand the result over with loop.callSoonThreadsafe(...), which runs the completion on the loop"
                    + " thread and wakes the loop."
                    : ". Nothing catches it there, and the check's task would wait for ever: catch it in the job and"
                    + " hand it to the loop thread too."));
        }
        if (stuck != null) {
            fail(stuckMessage());
        }
    }

    private String stuckMessage() {
        return "The loop sat in select for a second and a half with nothing left to wake it, while the tasks " + stuck
                + " were still waiting; the server had answered and the pool was idle." + outcomes() + " Whatever the"
                + " pool computed never reached the loop: a result set from the pool thread (even inside a"
                + " CompletableFuture, which swallows the error) does not wake the loop; loop.callSoonThreadsafe does.";
    }

    void assertReport(int index) {
        Check check = checks.get(index);
        Page page = check.page();
        Task<Report> task = check.task();
        Report expected = new Report(page.path(), page.status(), expectedSummary(page.body()));
        if (!task.isDone() || task.isCancelled() || task.exception() != null) {
            fail("Check " + index + " of " + checks.size() + " (" + page.path() + ", status " + page.status()
                    + ") should have reported " + expected + ", but it ended with " + outcome(index) + ".");
        }
        Report actual = task.result();
        if (!expected.equals(actual)) {
            String what = actual == null ? "null"
                    : !page.path().equals(actual.path()) ? "the path " + actual.path() + " instead of " + page.path()
                    : actual.status() != page.status() ? "the status " + actual.status() + " instead of " + page.status()
                    + " from the status line" : "the summary \"" + actual.summary() + "\" instead of \""
                    + expected.summary() + "\": summarise must get the whole body after the first empty line,"
                    + " decoded as UTF-8, of " + page.body().length() + " characters";
            fail("Check " + index + " (" + page.path() + ") reported " + what + ".");
        }
    }

    void assertWaitedItsPause(int index) {
        Check check = checks.get(index);
        Long arrived = server.arrivals.get(check.page().path());
        long pause = check.pause().toMillis();
        if (arrived == null) {
            fail("Check " + index + "'s request for " + check.page().path() + " never reached the server.");
        }
        long at = TimeUnit.NANOSECONDS.toMillis(arrived);
        if (at < pause) {
            fail("Check " + index + " has a pause of " + pause + " ms, but its request reached the server at " + at
                    + " ms on the loop's clock: it must wait its pause (loop.sleep) before it connects.");
        }
    }

    void assertEveryChannelClosed() {
        for (Map.Entry<String, CountDownLatch> answered : server.answered.entrySet()) {
            boolean closed;
            try {
                closed = answered.getValue().await(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (!closed) {
                fail("The server answered " + answered.getKey() + " and closed its side, and the check never closed"
                        + " its channel: close it once the read returns -1, and when anything fails.");
            }
        }
    }

    @Override
    public void close() {
        if (!loop.isRunning()) {
            loop.close();
        }
        server.close();
    }

    // ---- the page server ----

    /** A small HTTP/1.1 server on loopback, one thread per connection; test code, so it may block. */
    private static final class PageServer implements AutoCloseable {
        final Map<String, Page> pages = new ConcurrentHashMap<>();
        final Map<String, Long> arrivals = new ConcurrentHashMap<>();
        final Map<String, CountDownLatch> answered = Collections.synchronizedMap(new java.util.LinkedHashMap<>());
        volatile int gate;
        volatile boolean gateTimedOut;
        final AtomicInteger holding = new AtomicInteger();
        private long gateDeadline;
        private final FakeClock clock;
        private final ServerSocket listening;
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();

        PageServer(FakeClock clock) throws IOException {
            this.clock = clock;
            listening = new ServerSocket(0, 256, InetAddress.getLoopbackAddress());
            Thread acceptor = new Thread(this::accept, "page-server");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        InetSocketAddress address() {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), listening.getLocalPort());
        }

        private void accept() {
            while (!listening.isClosed()) {
                try {
                    Socket socket = listening.accept();
                    sockets.add(socket);
                    Thread serving = new Thread(() -> serve(socket), "page-server-conn");
                    serving.setDaemon(true);
                    serving.start();
                } catch (IOException closed) {
                    return;
                }
            }
        }

        private void serve(Socket socket) {
            try (socket) {
                socket.setSoTimeout(5_000);
                InputStream in = socket.getInputStream();
                ByteArrayOutputStream head = new ByteArrayOutputStream();
                while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n") && head.size() < 8192) {
                    int b = in.read();
                    if (b < 0) {
                        return;
                    }
                    head.write(b);
                }
                String[] requestLine = head.toString(StandardCharsets.ISO_8859_1).split("\r\n")[0].split(" ");
                String path = requestLine.length > 1 ? requestLine[1] : "";
                arrivals.put(path, clock.nanoTime());
                awaitGate();
                Page page = pages.get(path);
                if (page != null && page.status() < 0) { // not HTTP: text, then the end of the stream
                    answered.put(path, new CountDownLatch(0));
                    String text = page.status() == NO_STATUS_LINE ? "not an answer\r\n\r\n" + page.body()
                            : "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n" + page.body().replace('\n', ' ');
                    socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
                    return;
                }
                int status = page != null ? page.status() : 404;
                byte[] body = (page != null ? page.body() : "no such page").getBytes(StandardCharsets.UTF_8);
                String reason = status == 200 ? "OK" : status == 404 ? "Not Found" : "Internal Server Error";
                String headers = "HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: text/plain; charset=utf-8\r\n"
                        + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
                CountDownLatch closedByClient = new CountDownLatch(1);
                answered.put(path, closedByClient);
                OutputStream out = socket.getOutputStream();
                out.write(headers.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                out.write(body);
                out.flush();
                socket.shutdownOutput();
                try {
                    while (in.read() >= 0) {
                        // the client has nothing more to say; wait for it to close
                    }
                    closedByClient.countDown();
                } catch (SocketTimeoutException stillOpen) {
                    // reported by assertEveryChannelClosed
                }
            } catch (IOException ignored) {
                // a client that went away; the checks' own outcomes say what happened
            }
        }

        private void awaitGate() {
            int needed = gate;
            if (needed <= 0) {
                return;
            }
            holding.incrementAndGet();
            try {
                holdAtGate(needed);
            } finally {
                holding.decrementAndGet();
            }
        }

        private void holdAtGate(int needed) {
            synchronized (this) {
                if (gateDeadline == 0) {
                    gateDeadline = System.nanoTime() + GATE_NANOS;
                }
                notifyAll();
                while (arrivals.size() < needed && !gateTimedOut) {
                    long left = gateDeadline - System.nanoTime();
                    if (left <= 0) {
                        gateTimedOut = true;
                        notifyAll();
                        break;
                    }
                    try {
                        TimeUnit.NANOSECONDS.timedWait(this, left);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }

        @Override
        public void close() {
            try {
                listening.close();
            } catch (IOException ignored) {
                // closing after the test
            }
            for (Socket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing after the test
                }
            }
        }
    }
}
