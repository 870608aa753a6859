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
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

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
 *     so a summary always ends after its task has parked, and the pool catches whatever the job throws.</li>
 * <li>Each check is given the loop through a recorder that passes every call on and notes the channel
 *     that {@code connect} gave, the bytes each {@code recv} read and each {@code sleep}: the channel must be
 *     closed when the task ends, and the server can wait until a check has read a piece of its answer.</li>
 * <li>A page can be served in one write, as a head and then a body, or in pieces, each written only once
 *     the check has read the one before, cut inside the status line, inside the empty line and between the
 *     two bytes of a character. Behind a gate, the server holds the loop in a callback of its own while it
 *     writes every answer, so that the checks' reads all complete in the same turn.</li>
 * </ul>
 */
final class Board implements AutoCloseable {

    /**
     * A page the server serves: a negative status answers with text that is not HTTP (see
     * {@link #NO_STATUS_LINE}, {@link #NO_BLANK_LINE}); a {@code summaryFailure} is what summarise throws for its body:
     * a RuntimeException or an Error, each with a cause of its own, so that the failure handed over can be told from
     * what it wraps.
     */
    record Page(String path, int status, String body, Throwable summaryFailure, Delivery delivery) {
        Page failingSummary() {
            return new Page(path, status, body, new IllegalStateException("summary of " + path + " failed on purpose",
                    new ArithmeticException("the cause inside the failure of " + path)), delivery);
        }

        /** The same page, whose summary throws an Error, which the pool's job must hand over as well. */
        Page summaryThrowingAnError() {
            return new Page(path, status, body, new AssertionError("summary of " + path + " failed on purpose,"
                    + " with an Error", new ArithmeticException("the cause inside the Error of " + path)), delivery);
        }

        /** The same page written in pieces; its body gets a two-byte character to cut if it has none. */
        Page inPieces(Random random) {
            String text = body.chars().anyMatch(c -> c >= 0x80) ? body : insert(random, body, "\u00e9");
            return new Page(path, status, text, summaryFailure, Delivery.PIECES);
        }

        /** The same page with an empty line ({@code \r\n\r\n}) somewhere in its body. */
        Page withEmptyLineInBody(Random random) {
            return new Page(path, status, insert(random, body, "\r\n\r\n"), summaryFailure, delivery);
        }

        private static String insert(Random random, String text, String what) {
            int at = random.nextInt(text.length() + 1);
            return text.substring(0, at) + what + text.substring(at);
        }
    }

    /** How the server writes an answer. */
    enum Delivery {
        /** the head, then the body, in two writes */
        HEAD_THEN_BODY,
        /** head and body in one small write, which arrives in one read */
        ONE_WRITE,
        /** in pieces, each written once the check has read everything before it */
        PIECES
    }

    /** What the recorder saw one check do with the loop; written on the loop thread. */
    private static final class Watch {
        volatile SocketChannel channel;
        final AtomicLong read = new AtomicLong();
        final AtomicInteger sleeps = new AtomicInteger();
        volatile boolean ended;
    }

    private record Check(Page page, Duration pause, Task<Report> task, Watch watch) {
    }

    /** A page status that makes the server answer with text, an empty line and a body, and no status line. */
    static final int NO_STATUS_LINE = -1;
    /** A page status that makes the server answer with a status line and text, and no empty line after it. */
    static final int NO_BLANK_LINE = -2;
    /** A page status that makes the server send a head and part of the body, then reset the connection. */
    static final int RESET_MIDWAY = -3;
    static final long BOUND_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long WAIT_NOTICED_NANOS = TimeUnit.MILLISECONDS.toNanos(60);
    private static final long WAIT_INTERRUPTED_NANOS = TimeUnit.MILLISECONDS.toNanos(400);
    private static final long LONG_SAMPLE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long STUCK_NANOS = TimeUnit.MILLISECONDS.toNanos(1_500);
    /** How long the server waits for a check to read a piece; a right answer reads it at once. */
    private static final long PIECE_READ_NANOS = TimeUnit.MILLISECONDS.toNanos(1_000);
    /** How long the gated server waits for every request; a blocking fetch holds the loop at least this long. */
    static final long GATE_NANOS = TimeUnit.MILLISECONDS.toNanos(1_500);
    private static final String CHECK_CLASS = PageCheck.class.getName();

    private final FakeClock clock = new FakeClock();
    private final EventLoop loop;
    private final PageServer server;
    private final List<Check> checks = new ArrayList<>();
    private final Map<String, Page> pagesByBody = new ConcurrentHashMap<>();
    private final List<String> logged = new CopyOnWriteArrayList<>();
    private final Map<String, Watch> watchesByPath = new ConcurrentHashMap<>();
    private final Object reads = new Object();
    private int pendingRecvs; // guarded by reads
    private volatile boolean holdJustRan;

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
    /** Every callback that threw on the loop thread, as "its name: what it threw". */
    private final List<String> callbacksThatThrew = new CopyOnWriteArrayList<>();
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

    /** A page of a few or many characters, with an empty line in its body one time in three. */
    Page page(Random random, String path, int status) {
        Page page = page(random, path, status, random.nextInt(4) == 0 ? random.nextInt(40) : 9_000 + random.nextInt(30_000));
        if (random.nextInt(3) == 0) {
            page = page.withEmptyLineInBody(random);
            server.pages.put(path, page);
        }
        return page;
    }

    /** A page of fewer than 60 characters, served in one write, so that it arrives in one read. */
    Page smallPage(Random random, String path) {
        Page page = page(random, path, 200, random.nextInt(20));
        return new Page(page.path(), page.status(), page.body(), null, Delivery.ONE_WRITE);
    }

    /** A page with no body at all: 204 No Content. */
    Page emptyPage(String path) {
        return new Page(path, 204, "", null, Delivery.HEAD_THEN_BODY);
    }

    private Page page(Random random, String path, int status, int length) {
        StringBuilder body = new StringBuilder();
        String letters = "abcdefghijklmnopqrstuvwxyz      \nçéøßλ";
        while (body.length() < length) {
            body.append(letters.charAt(random.nextInt(letters.length())));
        }
        body.append(" #").append(path).append(' ').append(random.nextLong());
        Page page = new Page(path, status, body.toString(), null, Delivery.HEAD_THEN_BODY);
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
        Watch watch = new Watch();
        watchesByPath.put(page.path(), watch);
        PageCheck check = new PageCheck(recorder(watch), address, page.path(), pause, this::execute, this::summarise);
        checks.add(new Check(page, pause, loop.createTask("check " + checks.size(), check), watch));
    }

    /** The loop as a check sees it: every call passed on, and what the check did with it noted in watch. */
    private EventLoop recorder(Watch watch) {
        return (EventLoop) Proxy.newProxyInstance(EventLoop.class.getClassLoader(), new Class<?>[] {EventLoop.class},
                (proxy, method, args) -> {
                    Object result;
                    try {
                        result = method.invoke(loop, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    switch (method.getName()) {
                        case "connect" -> ((Future<?>) result).addDoneCallback(done -> {
                            if (!done.isCancelled() && done.exception() == null) {
                                watch.channel = (SocketChannel) done.result();
                            }
                        });
                        case "recv" -> {
                            Future<?> receiving = (Future<?>) result;
                            if (!receiving.isDone()) {
                                synchronized (reads) {
                                    pendingRecvs++;
                                    reads.notifyAll();
                                }
                            }
                            boolean counted = !receiving.isDone();
                            Runnable tally = () -> {
                                synchronized (reads) {
                                    if (counted) {
                                        pendingRecvs--;
                                    }
                                    if (!receiving.isCancelled() && receiving.exception() == null
                                            && receiving.result() instanceof Integer n && n > 0) {
                                        watch.read.addAndGet(n);
                                    }
                                    reads.notifyAll();
                                }
                            };
                            if (receiving.isDone()) {
                                tally.run();
                            } else {
                                receiving.addDoneCallback(done -> tally.run());
                            }
                        }
                        case "sleep" -> watch.sleeps.incrementAndGet();
                        default -> { }
                    }
                    return result;
                });
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
                check.watch().ended = true;
                synchronized (reads) {
                    reads.notifyAll();
                }
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
                if (ran.error() != null) {
                    callbacksThatThrew.add(ran.name() + ": " + ran.error());
                }
                long took = now - lastEventReal;
                if (holdJustRan) {
                    holdJustRan = false; // the server's own hold, not a step of a check
                } else if (took > longestNanos) {
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
                    inCheck |= isCheck(frame);
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

    /** A frame of the learner's class or its nested classes (and not of PageCheckTest, whose name it begins). */
    private static boolean isCheck(StackTraceElement frame) {
        return frame.getClassName().equals(CHECK_CLASS) || frame.getClassName().startsWith(CHECK_CLASS + "$");
    }

    private static String frames(StackTraceElement[] stack) {
        List<String> shown = new ArrayList<>();
        for (StackTraceElement frame : stack) {
            shown.add(frame.getClassName().substring(frame.getClassName().lastIndexOf('.') + 1) + "."
                    + frame.getMethodName() + (frame.getLineNumber() > 0 ? ":" + frame.getLineNumber() : ""));
            if (isCheck(frame) || shown.size() == 12) {
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
        if (page != null && page.summaryFailure() instanceof Error error) {
            throw error;
        }
        if (page != null && page.summaryFailure() != null) {
            throw (RuntimeException) page.summaryFailure();
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

    Throwable summaryFailure(int index) {
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

    /**
     * Fails if a callback threw on the loop thread: the loop logs it and goes on, so the checks may all end as they
     * should, yet something the answer handed to the loop was wrong.
     */
    void assertNoCallbackThrew() {
        runWhatThePoolHandedOverLast();
        if (!callbacksThatThrew.isEmpty()) {
            String first = callbacksThatThrew.get(0);
            fail("A callback threw on the loop thread, which logged it and went on: " + first + (first.contains(
                    "already done") ? ". The same future was completed twice: once the pool's job has handed over"
                    + " a failure, it must not hand over a result as well (a return after the catch), and the"
                    + " reverse." : "."));
        }
    }

    /**
     * Waits for the pool's jobs to end (2 s in all at most), then runs on the loop whatever they handed over after the
     * last check had ended: run() stops the loop as soon as every task is done, and a job may queue a second
     * completion a moment later. A callback queued behind theirs runs after them, so it ends the run.
     */
    private void runWhatThePoolHandedOverLast() {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        try {
            for (Thread worker : poolThreads) {
                long left = until - System.nanoTime();
                if (left > 0) {
                    worker.join(TimeUnit.NANOSECONDS.toMillis(left) + 1);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        Future<Void> flushed = loop.createFuture();
        try {
            loop.callSoonThreadsafe(() -> flushed.setResult(null));
            loop.runUntilComplete(flushed);
        } catch (IllegalStateException closedOrStopped) {
            // the loop was closed or stopped for another failure, which the other assertions report
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
                    + ") should have reported " + expected + ", but it ended with " + outcome(index) + shape(page) + ".");
        }
        Report actual = task.result();
        if (!expected.equals(actual)) {
            String what = actual == null ? "null"
                    : !page.path().equals(actual.path()) ? "the path " + actual.path() + " instead of " + page.path()
                    : actual.status() != page.status() ? "the status " + actual.status() + " instead of " + page.status()
                    + " from the status line" : "the summary \"" + actual.summary() + "\" instead of \""
                    + expected.summary() + "\": summarise must get the whole body after the first empty line,"
                    + " decoded as UTF-8, of " + page.body().length() + " characters" + shape(page);
            fail("Check " + index + " (" + page.path() + ") reported " + what + ".");
        }
    }

    private static String shape(Page page) {
        List<String> what = new ArrayList<>();
        if (page.body().contains("\r\n\r\n")) {
            what.add("the body has an empty line of its own");
        }
        if (page.delivery() == Delivery.PIECES) {
            what.add("the answer came in pieces, each sent once the one before was read, cut inside the status line,"
                    + " inside the empty line after the headers and between the two bytes of a character");
        } else if (page.delivery() == Delivery.HEAD_THEN_BODY && page.body().length() > 8_000) {
            what.add("the answer came in several reads");
        }
        return what.isEmpty() ? "" : " (" + String.join("; ", what) + ")";
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
        for (int i = 0; i < checks.size(); i++) {
            Check check = checks.get(i);
            SocketChannel channel = check.watch().channel;
            if (channel != null && channel.isOpen()) {
                fail("Check " + i + " (" + check.page().path() + ") ended with " + outcome(i) + ", and the channel"
                        + " loop.connect gave it is still open: close it once a read gives -1, and when anything"
                        + " fails, so that the task ends with its channel closed whatever the outcome.");
            }
        }
    }

    /** The pause on the loop's clock: one loop.sleep, before the request, and no timer after it. */
    void assertPausedOnTheLoopsClock(long longestPause) {
        for (int i = 0; i < checks.size(); i++) {
            Check check = checks.get(i);
            int sleeps = check.watch().sleeps.get();
            Long arrived = server.arrivals.get(check.page().path());
            long pause = check.pause().toMillis();
            if (arrived != null && TimeUnit.NANOSECONDS.toMillis(arrived) < pause) {
                fail("Check " + i + " has a pause of " + pause + " ms, and its request reached the server at "
                        + TimeUnit.NANOSECONDS.toMillis(arrived) + " ms on the loop's clock, after " + sleeps
                        + " call(s) of loop.sleep. The pause is waited on the loop's clock, before connecting:"
                        + " loop.sleep(pause), awaited in the task, not a sleep on another thread.");
            }
            if (sleeps > 1) {
                fail("Check " + i + " called loop.sleep " + sleeps + " times; it pauses once. Every further timer"
                        + " moves the loop's clock and wakes the loop for nothing: a task that waits for its summary"
                        + " awaits a loop future that the pool's job completes, and wakes only when it is done.");
            }
        }
        long ended = virtualMillisAtEnd();
        if (ended != longestPause) {
            fail(checks.size() + " checks with pauses up to " + longestPause + " ms all ended at " + ended
                    + " ms on the loop's clock: " + (ended > longestPause ? "a timer ran after the pauses."
                    : "a check did not wait its pause on the loop's clock."));
        }
    }

    /** Called by the server: waits until the check for path has read count bytes, has ended, or a second passed. */
    private void awaitRead(String path, long count) {
        Watch watch = watchesByPath.get(path);
        if (watch == null) {
            return;
        }
        long until = System.nanoTime() + PIECE_READ_NANOS;
        synchronized (reads) {
            while (watch.read.get() < count && !watch.ended) {
                long left = until - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(reads, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Called by the server: waits until count reads are pending on the loop, or the deadline has passed. */
    private void awaitPendingRecvs(int count, long deadline) {
        synchronized (reads) {
            while (pendingRecvs < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(reads, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
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

    /**
     * A small HTTP/1.1 server on loopback, one thread per connection; test code, so it may block. Behind a gate
     * it answers nobody until every request is in and every check is waiting on a read, then holds the loop
     * in a callback while it writes the first piece of every answer, so that those reads complete in one turn.
     */
    private final class PageServer implements AutoCloseable {
        final Map<String, Page> pages = new ConcurrentHashMap<>();
        final Map<String, Long> arrivals = new ConcurrentHashMap<>();
        volatile int gate;
        volatile boolean gateTimedOut;
        final AtomicInteger holding = new AtomicInteger();
        private long gateDeadline;
        private boolean holdStarted;
        private final CountDownLatch loopHeld = new CountDownLatch(1);
        private volatile CountDownLatch heldWrites;
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
            CountDownLatch held = null;
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
                held = awaitGate();
                Page page = pages.get(path);
                OutputStream out = socket.getOutputStream();
                if (page != null && page.status() < 0 && page.status() != RESET_MIDWAY) {
                    // not HTTP: text, then the end of the stream
                    String text = page.status() == NO_STATUS_LINE ? "not an answer\r\n\r\n" + page.body()
                            : "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n" + page.body().replace('\n', ' ');
                    out.write(text.getBytes(StandardCharsets.UTF_8));
                    countDown(held);
                    held = null;
                    return;
                }
                int status = page == null ? 404 : page.status() == RESET_MIDWAY ? 200 : page.status();
                byte[] body = (page != null ? page.body() : "no such page").getBytes(StandardCharsets.UTF_8);
                String reason = switch (status) {
                    case 200 -> "OK";
                    case 204 -> "No Content";
                    case 404 -> "Not Found";
                    default -> "Internal Server Error";
                };
                byte[] headers = ("HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: text/plain; charset=utf-8\r\n"
                        + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1);
                byte[] answer = new byte[headers.length + body.length];
                System.arraycopy(headers, 0, answer, 0, headers.length);
                System.arraycopy(body, 0, answer, headers.length, body.length);
                Delivery delivery = page != null ? page.delivery() : Delivery.HEAD_THEN_BODY;
                if (page != null && page.status() == RESET_MIDWAY) {
                    out.write(answer, 0, headers.length + body.length / 2);
                    out.flush();
                    countDown(held);
                    held = null;
                    awaitRead(path, headers.length + body.length / 2);
                    socket.setSoLinger(true, 0); // close with a reset: the check's next read fails
                    return;
                }
                int[] cuts = switch (delivery) {
                    case ONE_WRITE -> new int[] {answer.length};
                    case HEAD_THEN_BODY -> body.length == 0 ? new int[] {answer.length}
                            : new int[] {headers.length, answer.length};
                    case PIECES -> pieces(answer, headers.length);
                };
                int from = 0;
                for (int cut : cuts) {
                    out.write(answer, from, cut - from);
                    out.flush();
                    countDown(held);
                    held = null;
                    if (delivery == Delivery.PIECES && cut < answer.length) {
                        awaitRead(path, cut); // the next piece only once this one is read
                    }
                    from = cut;
                }
                socket.shutdownOutput();
                while (in.read() >= 0) {
                    // the client has nothing more to say; wait for it to close
                }
            } catch (IOException ignored) {
                // a client that went away; the checks' own outcomes say what happened
            } finally {
                countDown(held);
            }
        }

        /** Cuts inside the status line, inside the empty line, and between the two bytes of a character. */
        private int[] pieces(byte[] answer, int headLength) {
            java.util.TreeSet<Integer> cuts = new java.util.TreeSet<>();
            cuts.add(1 + Math.floorMod(java.util.Arrays.hashCode(answer), 11)); // "HTTP/1.1 200" is 12 bytes
            cuts.add(headLength - 2);
            for (int i = headLength; i < answer.length; i++) {
                if ((answer[i] & 0xC0) == 0xC0) { // the first byte of a character of two or more
                    cuts.add(i + 1);
                    break;
                }
            }
            cuts.add(answer.length);
            int[] result = new int[cuts.size()];
            int i = 0;
            for (int cut : cuts) {
                result[i++] = cut;
            }
            return result;
        }

        private static void countDown(CountDownLatch latch) {
            if (latch != null) {
                latch.countDown();
            }
        }

        /** Returns the latch to count down once the first piece is written, or null if the loop is not held. */
        private CountDownLatch awaitGate() {
            int needed = gate;
            if (needed <= 0) {
                return null;
            }
            holding.incrementAndGet();
            try {
                return holdAtGate(needed);
            } finally {
                holding.decrementAndGet();
            }
        }

        private CountDownLatch holdAtGate(int needed) {
            boolean first;
            synchronized (this) {
                if (gateDeadline == 0) {
                    gateDeadline = System.nanoTime() + GATE_NANOS;
                    heldWrites = new CountDownLatch(needed);
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
                        return null;
                    }
                }
                if (gateTimedOut) {
                    return null;
                }
                first = !holdStarted;
                holdStarted = true;
            }
            if (first) {
                holdTheLoop(needed);
            }
            try {
                loopHeld.await(GATE_NANOS, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return heldWrites;
        }

        /** Once every check waits on a read, holds the loop in a callback until every first piece is written. */
        private void holdTheLoop(int needed) {
            long deadline = System.nanoTime() + GATE_NANOS;
            awaitPendingRecvs(needed, deadline);
            CountDownLatch running = new CountDownLatch(1);
            CountDownLatch writes = heldWrites;
            try {
                loop.callSoonThreadsafe(() -> {
                    running.countDown();
                    try {
                        writes.await(GATE_NANOS, TimeUnit.NANOSECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    holdJustRan = true;
                });
                running.await(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (IllegalStateException | InterruptedException over) {
                // the loop is closed, or the test is over
            } finally {
                loopHeld.countDown();
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
