package dev.tutor.exercises.tasks;

import static org.junit.jupiter.api.Assertions.fail;

import dev.tutor.exercises.tasks.PageCheck.Report;
import dev.tutor.exercises.tasks.ServedPage.Delivery;
import dev.tutor.runtime.loop.EventLoop;
import dev.tutor.runtime.loop.Future;
import dev.tutor.runtime.loop.LoopLog;
import dev.tutor.runtime.loop.LoopOptions;
import dev.tutor.runtime.loop.Task;
import dev.tutor.runtime.time.FakeClock;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A status board for the tests: {@link PageCheck}s as tasks on the bundled loop, a {@link PageServer} on loopback,
 * the pool and the summarise function the checks are given ({@link SummaryPool}), and the instruments that watch
 * them; and the assertions on what they saw, whose messages the learner reads.
 *
 * <ul>
 * <li>The loop runs on a {@link FakeClock} that jumps to the next timer whenever the loop is about to wait
 *     for one, so a pause costs no real time; the clock at which each request reached the server is kept.</li>
 * <li>A {@link LoopWatchdog} times every callback in real time and looks at the loop's thread while it runs.</li>
 * <li>Each check is given the loop through a {@link LoopRecorder} that passes every call on and notes the channel
 *     that {@code connect} gave, the bytes each {@code recv} read and each {@code sleep}: the channel must be
 *     closed when the task ends, and the server can wait until a check has read a piece of its answer.</li>
 * <li>A {@link ServedPage} can be served in one write, as a head and then a body, or in pieces; behind a gate, the
 *     server holds the loop in a callback of its own while it writes every answer, so that the checks' reads all
 *     complete in the same turn.</li>
 * </ul>
 */
final class Board implements AutoCloseable {

    private record Check(ServedPage page, Duration pause, Task<Report> task, LoopRecorder.Watch watch) {
    }

    /** The longest a callback may hold the loop thread, in real time. */
    static final long BOUND_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final FakeClock clock = new FakeClock();
    private final EventLoop loop;
    private final LoopRecorder recorder;
    private final PageServer server;
    private final LoopWatchdog watchdog;
    private final SummaryPool pool;
    private final List<Check> checks = new ArrayList<>();
    private final List<String> logged = new CopyOnWriteArrayList<>();
    private long endVirtualNanos = -1;

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
        recorder = new LoopRecorder(loop);
        server = new PageServer(clock, loop, recorder);
        watchdog = new LoopWatchdog(clock, loop, server);
        pool = new SummaryPool(loop, watchdog);
        loop.addListener(watchdog::onEvent);
    }

    // ---- setting up ----

    /** A page of a few or many characters, with an empty line in its body one time in three. */
    ServedPage page(Random random, String path, int status) {
        ServedPage page = page(random, path, status, random.nextInt(4) == 0 ? random.nextInt(40) : 9_000 + random.nextInt(30_000));
        if (random.nextInt(3) == 0) {
            page = page.withEmptyLineInBody(random);
            server.pages.put(path, page);
        }
        return page;
    }

    /** A page of fewer than 60 characters, served in one write, so that it arrives in one read. */
    ServedPage smallPage(Random random, String path) {
        ServedPage page = page(random, path, 200, random.nextInt(20));
        return new ServedPage(page.path(), page.status(), page.body(), null, Delivery.ONE_WRITE);
    }

    /** A page with no body at all: 204 No Content. */
    ServedPage emptyPage(String path) {
        return new ServedPage(path, 204, "", null, Delivery.HEAD_THEN_BODY);
    }

    private ServedPage page(Random random, String path, int status, int length) {
        StringBuilder body = new StringBuilder();
        String letters = "abcdefghijklmnopqrstuvwxyz      \nçéøßλ";
        while (body.length() < length) {
            body.append(letters.charAt(random.nextInt(letters.length())));
        }
        body.append(" #").append(path).append(' ').append(random.nextLong());
        ServedPage page = new ServedPage(path, status, body.toString(), null, Delivery.HEAD_THEN_BODY);
        server.pages.put(path, page);
        return page;
    }

    void check(ServedPage page, Duration pause) {
        check(page, pause, null);
    }

    void check(ServedPage page, Duration pause, InetSocketAddress elsewhereAddress) {
        server.pages.put(page.path(), page);
        pool.summarises(page);
        InetSocketAddress address = elsewhereAddress != null ? elsewhereAddress : server.address();
        LoopRecorder.Watch watch = recorder.watch(page.path());
        PageCheck check = new PageCheck(recorder.loopFor(watch), address, page.path(), pause, pool::execute,
                pool::summarise);
        checks.add(new Check(page, pause, loop.createTask("check " + checks.size(), check), watch));
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
        watchdog.watchThisThread();
        Future<Void> all = loop.createFuture();
        int[] left = {checks.size()};
        for (Check check : checks) {
            check.task().addDoneCallback(done -> {
                recorder.ended(check.watch());
                if (--left[0] == 0) {
                    endVirtualNanos = clock.nanoTime();
                    all.setResult(null);
                }
            });
        }
        watchdog.start(pool::busy, this::waitingTasks);
        try {
            loop.runUntilComplete(all);
        } catch (IllegalStateException stoppedEarly) {
            // the watchdog or the pool stopped the loop; what they saw is reported by the assertions
        } finally {
            watchdog.stop();
            Thread.interrupted(); // an interrupt meant for a wait inside a step must not outlive the run
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

    // ---- what was seen ----

    int summarisedOnLoop() {
        return pool.summarisedOnLoop();
    }

    int summarisedOnPool() {
        return pool.summarisedOnPool();
    }

    String summariseThreads() {
        List<String> elsewhere = pool.elsewhere();
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
        if (watchdog.stuck() != null) {
            fail(stuckMessage());
        }
        if (watchdog.waitingSeen() != null) {
            fail("The loop thread waited inside a step of a check: it was " + watchdog.waitingSeen() + ". While a step waits,"
                    + " no other task, timer or socket on the loop is served. A step must return Step.await(future)"
                    + " instead: loop.sleep for a pause, and for work on the pool a loop future that the pool's job"
                    + " completes, never get(), join() or a sleep on the loop thread.");
        }
        if (watchdog.longestNanos() > BOUND_NANOS) {
            fail(String.format("The callback '%s' held the loop thread for %.0f ms; the bound is %d ms, and a right"
                    + " answer's steps take well under a millisecond each (the bound leaves room for a busy machine).%s No other task ran meanwhile.",
                    watchdog.longestName(), watchdog.longestNanos() / 1e6, TimeUnit.NANOSECONDS.toMillis(BOUND_NANOS),
                    watchdog.longSample() != null ? " Meanwhile the loop thread was " + watchdog.longSample() + "." : ""));
        }
        if (server.gateTimedOut) {
            fail("The server held its answers until all " + server.gate + " requests had arrived, and after "
                    + TimeUnit.NANOSECONDS.toMillis(PageServer.GATE_NANOS) + " ms only " + server.arrivals.size() + " had: the"
                    + " checks did not fetch at the same time. Each must"
                    + " send its request and return Step.await(...) at once, so that the loop can start the next.");
        }
        if (!pool.elsewhere().isEmpty()) {
            fail("summarise ran on " + pool.elsewhere() + ", not on the pool the check was given: hand it to"
                    + " pool.execute(...), not to a thread or executor of your own.");
        }
    }

    /**
     * Fails if a callback threw on the loop thread: the loop logs it and goes on, so the checks may all end as they
     * should, yet something the answer handed to the loop was wrong.
     */
    void assertNoCallbackThrew() {
        runWhatThePoolHandedOverLast();
        List<String> callbacksThatThrew = watchdog.callbacksThatThrew();
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
            pool.awaitJobs(until);
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
        List<Throwable> escaped = pool.escaped();
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
        if (watchdog.stuck() != null) {
            fail(stuckMessage());
        }
    }

    private String stuckMessage() {
        return "The loop sat in select for a second and a half with nothing left to wake it, while the tasks "
                + watchdog.stuck()
                + " were still waiting; the server had answered and the pool was idle." + outcomes() + " Whatever the"
                + " pool computed never reached the loop: a result set from the pool thread (even inside a"
                + " CompletableFuture, which swallows the error) does not wake the loop; loop.callSoonThreadsafe does.";
    }

    void assertReport(int index) {
        Check check = checks.get(index);
        ServedPage page = check.page();
        Task<Report> task = check.task();
        Report expected = new Report(page.path(), page.status(), SummaryPool.expectedSummary(page.body()));
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

    private static String shape(ServedPage page) {
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

    @Override
    public void close() {
        if (!loop.isRunning()) {
            loop.close();
        }
        server.close();
    }
}
