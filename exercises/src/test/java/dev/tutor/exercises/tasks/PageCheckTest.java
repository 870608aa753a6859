package dev.tutor.exercises.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tutor.exercises.support.CompiledNest;
import dev.tutor.exercises.support.Seeded;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Grades {@link PageCheck}: the summary runs on the pool (hint 1); the summary, or what summarise threw, comes
 * back through callSoonThreadsafe (hint 3); the loop thread never waits or blocks and the pause is one
 * loop.sleep on the loop's clock (hint 2); then crowds of checks with their pauses, pages (in pieces, cut inside a
 * character, with empty lines in the body or no body), statuses and failures, every channel closed (hint 4); and
 * last what the class may use (hint 2).
 *
 * <p>Every test runs checks as tasks on the bundled event loop on a fake clock, against a small server of its
 * own on loopback ({@link Board}). The fake clock jumps to the next timer whenever the loop would wait for
 * one, so pauses cost no real time, while every callback is timed in real time and a watchdog looks at
 * what the loop's thread is doing while it runs. See {@link Board} for the instruments.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
@ExtendWith(Seeded.class)
class PageCheckTest {

    private final List<Board> boards = new ArrayList<>();

    @AfterEach
    void closeBoards() {
        for (Board board : boards) {
            board.close();
        }
    }

    private Board board() throws IOException {
        Board board = new Board();
        boards.add(board);
        return board;
    }

    // ---- the summary runs on the pool: hint 1 ----

    @Test
    @Order(1)
    @Tag("hint:1")
    void summariseRunsOnThePoolNotOnTheLoopThread(Random random) throws IOException {
        Board board = board();
        ServedPage page = board.page(random, "/status/" + random.nextInt(1000), 200);
        board.check(page, Duration.ofMillis(1 + random.nextInt(50)));
        board.run();
        if (board.summarisedOnLoop() > 0) {
            fail("summarise was called on the loop thread (" + board.loopThreadName() + "), inside a step of the task:"
                    + " while it computes, the loop serves no other task, timer or socket, for as long as the summary"
                    + " takes. Summaries are CPU-bound; the class comment says they run on the pool you were given.");
        }
        if (board.summarisedOnPool() == 0) {
            fail("summarise was never called on the pool you were given (" + board.summariseThreads() + "). The check"
                    + " must hand the body to pool.execute(...) and call summarise there." + board.outcomes());
        }
    }

    // ---- the loop thread never waits: hint 2 ----

    @Test
    @Order(3)
    @Tag("hint:2")
    void theLoopThreadNeverWaitsInsideAStep(Random random) throws IOException {
        Board board = board();
        int count = 3 + random.nextInt(4);
        long longestPause = 0;
        for (int i = 0; i < count; i++) {
            ServedPage page = board.page(random, "/p" + i + "/" + random.nextInt(1000), 200);
            long pause = 1 + random.nextInt(50); // on the loop's clock; a pause slept elsewhere costs real time
            longestPause = Math.max(longestPause, pause);
            board.check(page, Duration.ofMillis(pause));
        }
        board.gateUntil(count); // the server answers nobody until all requests are in, or 1.5 s have passed
        board.run();
        board.assertTheLoopWasNeverHeld();
        board.assertPausedOnTheLoopsClock(longestPause);
    }

    // ---- the result comes back to the loop thread: hint 3 ----

    @Test
    @Order(2)
    @Tag("hint:3")
    void theSummaryOrItsFailureReachesTheTaskThroughCallSoonThreadsafe(Random random) throws IOException {
        // One check per loop and small pages written at once: here only the hand-over from the pool can fail.
        // One summary throws a RuntimeException, another an Error: the pool's job must hand either over.
        int rounds = 2 + random.nextInt(3);
        int failing = random.nextInt(rounds);
        int failingWithAnError = (failing + 1 + random.nextInt(rounds - 1)) % rounds;
        for (int round = 0; round < rounds; round++) {
            Board board = board();
            ServedPage small = board.smallPage(random, "/s" + round + "/" + random.nextInt(1000));
            ServedPage page = round == failing ? small.failingSummary()
                    : round == failingWithAnError ? small.summaryThrowingAnError() : small;
            board.check(page, Duration.ofMillis(random.nextInt(50)));
            board.run();
            board.assertNothingEscapedToThePool();
            board.assertNoCallbackThrew();
            if (round == failing || round == failingWithAnError) {
                Throwable error = board.failure(0);
                Throwable thrown = board.summaryFailure(0);
                assertSame(thrown, error, () -> "summarise threw " + thrown + " on the pool's thread for "
                        + page.path() + ", so the check's task must fail with that very exception, handed to the"
                        + " loop thread (setException through callSoonThreadsafe) and rethrown by result(); it ended"
                        + " with " + board.outcome(0) + (error != null && error.getCause() == thrown
                        ? ", which wraps it." : ".") + unwrapped(error, thrown));
            } else {
                board.assertReport(0);
            }
        }
    }

    // ---- a crowd of checks, and failures: hint 4 ----

    @Test
    @Order(4)
    @Tag("hint:4")
    void aCrowdOfChecksWaitFetchAndReportTogether(Random random) throws IOException {
        // Round 0: one check, its answer in pieces. Round 1: many, every first read completing in the same turn.
        // Round 2: many, some in pieces, one with no body at all.
        for (int round = 0; round < 3; round++) {
            Board board = board();
            int count = round == 0 ? 1 : 5 + random.nextInt(25);
            int empty = round == 2 ? random.nextInt(count) : -1;
            long longestPause = 0;
            for (int i = 0; i < count; i++) {
                int status = random.nextInt(5) == 0 ? 404 : random.nextInt(7) == 0 ? 500 : 200;
                String path = "/c" + round + "-" + i + "/" + random.nextInt(10_000);
                ServedPage page = i == empty ? board.emptyPage(path) : board.page(random, path, status);
                if (round == 0) {
                    page = page.withEmptyLineInBody(random).inPieces(random);
                } else if (round == 2 && i != empty && random.nextInt(3) == 0) {
                    page = page.inPieces(random);
                }
                long pause = random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(5_000);
                longestPause = Math.max(longestPause, pause);
                board.check(page, Duration.ofMillis(pause));
            }
            if (round == 1) {
                board.gateUntil(count);
            }
            board.run();
            board.assertNothingEscapedToThePool();
            board.assertTheLoopWasNeverHeld();
            for (int i = 0; i < count; i++) {
                board.assertReport(i);
                board.assertWaitedItsPause(i);
            }
            long ended = board.virtualMillisAtEnd();
            long longest = longestPause;
            assertEquals(longest, ended, () -> count + " checks with pauses up to " + longest + " ms all ended at "
                    + ended + " ms on the loop's clock. Each check waits its own pause once, all at the same time,"
                    + " so a board ends when its longest pause has passed: " + (ended > longest
                    ? "some check waited longer than its pause, or after another check's." : "a check did not wait."));
            board.assertEveryChannelClosed();
        }
    }

    @Test
    @Order(5)
    @Tag("hint:4")
    void aFailedCheckFailsItsOwnTaskAndTheOthersGoOn(Random random) throws IOException {
        Board board = board();
        int count = 6 + random.nextInt(5);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            order.add(i);
        }
        java.util.Collections.shuffle(order, random);
        int refused = order.get(0);
        int badSummary = order.get(1);
        int noStatusLine = order.get(2);   // a blank line, but no status line before it
        int noBlankLine = order.get(3);    // a status line, but no blank line after the headers
        int reset = order.get(4);          // a head and half the body, then the connection is reset
        int errorSummary = order.get(5);   // summarise throws an Error, which a catch of exceptions lets by
        InetSocketAddress nobody = Board.closedPort();
        for (int i = 0; i < count; i++) {
            int status = i == noStatusLine ? ServedPage.NO_STATUS_LINE : i == noBlankLine ? ServedPage.NO_BLANK_LINE
                    : i == reset ? ServedPage.RESET_MIDWAY : 200;
            ServedPage page = board.page(random, "/f" + i + "/" + random.nextInt(1000), status);
            if (i == badSummary) {
                page = page.failingSummary();
            } else if (i == errorSummary) {
                page = page.summaryThrowingAnError();
            }
            board.check(page, Duration.ofMillis(random.nextInt(300)), i == refused ? nobody : null);
        }
        board.run();
        board.assertNothingEscapedToThePool();
        board.assertTheLoopWasNeverHeld();
        for (int i = 0; i < count; i++) {
            if (i == refused) {
                Throwable error = board.failure(i);
                int index = i;
                assertTrue(error instanceof IOException, () -> "Check " + index + " connects to a port where nobody"
                        + " listens, so its task must fail with the IOException the connection failed with (a"
                        + " ConnectException); it " + (error == null ? "ended with " + board.outcome(index)
                        : "failed with " + error) + ".");
            } else if (i == reset) {
                Throwable error = board.failure(i);
                int index = i;
                assertTrue(error instanceof IOException, () -> "Check " + index + "'s server sends the head and half"
                        + " the body, then resets the connection, so a read fails: its task must fail with the"
                        + " IOException that read failed with; it ended with " + board.outcome(index) + ".");
            } else if (i == noStatusLine || i == noBlankLine) {
                Throwable error = board.failure(i);
                int index = i;
                String what = i == noStatusLine ? "text, an empty line and more text, with no status line"
                        : "a status line and text, with no empty line after the headers";
                assertTrue(error instanceof IOException, () -> "Check " + index + " gets an answer that is not HTTP: "
                        + what + ", until the server closes. Its task must fail with an IOException; it ended with "
                        + board.outcome(index) + ".");
            } else if (i == badSummary || i == errorSummary) {
                Throwable error = board.failure(i);
                int index = i;
                assertSame(board.summaryFailure(i), error, () -> "Check " + index + "'s summarise throws "
                        + board.summaryFailure(index) + ", so its task must fail with that very exception, handed"
                        + " back to the loop thread (setException through callSoonThreadsafe); it ended with "
                        + board.outcome(index) + "." + unwrapped(error, board.summaryFailure(index)));
            } else {
                board.assertReport(i);
            }
        }
        board.assertEveryChannelClosed();
    }

    // ---- the means ----

    @Test
    @Order(6)
    @Tag("hint:2")
    void usesTheLoopsOwnWaitsAndThePoolItWasGiven() {
        var found = CompiledNest.forbiddenUses(PageCheck.class, PageCheckTest::forbidden);
        if (!found.isEmpty()) {
            fail("PageCheck uses " + String.join("; ", found) + ". A step must not wait: pause with"
                    + " loop.sleep, read with loop.recv, hand work to the pool you were given and await a loop"
                    + " future that callSoonThreadsafe completes.");
        }
    }

    /** A remark for a task that failed with the cause inside what summarise threw, or "". */
    private static String unwrapped(Throwable error, Throwable thrown) {
        return error != null && error == thrown.getCause() ? " That is the cause inside what summarise threw: hand"
                + " over the very exception summarise threw, not the one it wraps." : "";
    }

    private static String forbidden(String owner, String name) {
        if (owner.equals("java.lang.Thread")) {
            return List.of("sleep", "join", "onSpinWait", "yield", "start", "startVirtualThread", "ofPlatform",
                    "ofVirtual", "<init>").contains(name) ? "a thread of its own, or a wait on the loop thread" : null;
        }
        if (owner.equals("java.util.concurrent.TimeUnit") && name.contains("sleep")) {
            return "a sleep on the loop thread";
        }
        if (owner.equals("java.lang.Object") && name.equals("wait")) {
            return "a wait on the loop thread";
        }
        if (owner.equals("java.util.concurrent.locks.LockSupport")) {
            return "a wait on the loop thread";
        }
        if (owner.startsWith("java.util.concurrent.") && List.of("get", "join", "await", "acquire", "take",
                "invokeAll", "invokeAny", "awaitTermination").contains(name)) {
            return "waits for another thread";
        }
        if (owner.equals("java.util.concurrent.Executors") || owner.endsWith("ThreadPoolExecutor")
                || owner.endsWith("ForkJoinPool")) {
            return "a pool of its own instead of the one given";
        }
        if (owner.equals("java.nio.channels.spi.AbstractSelectableChannel") || owner.equals("java.nio.channels.SelectableChannel")
                || owner.startsWith("java.nio.channels.") && name.equals("configureBlocking")) {
            return name.equals("configureBlocking") ? "blocking mode" : null;
        }
        if (owner.equals("java.nio.channels.SocketChannel") && (name.equals("read") || name.equals("write")
                || name.equals("socket") || name.equals("finishConnect"))) {
            return "reads or writes the channel itself instead of through the loop";
        }
        if (owner.equals("java.nio.channels.SocketChannel") && name.equals("open")) {
            return "opens its own channel instead of loop.connect";
        }
        if (owner.equals("java.nio.channels.Channels") || owner.startsWith("java.net.Socket")) {
            return "a blocking stream";
        }
        if (owner.equals("java.lang.System") && (name.equals("nanoTime") || name.equals("currentTimeMillis"))) {
            return "the system clock instead of the loop's";
        }
        return null;
    }
}
