package dev.tutor.exercises.sockets;

import static dev.tutor.exercises.sockets.ServerClients.ECHO_WAIT_MILLIS;
import static dev.tutor.exercises.sockets.ServerClients.isOpen;
import static dev.tutor.exercises.sockets.ServerThreads.CLOSE_MILLIS;
import static dev.tutor.exercises.sockets.ServerThreads.closeWithin;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tutor.exercises.sockets.ServerThreads.Closing;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ConcurrentModificationException;
import java.util.List;

/**
 * The checks of what one call of close() did, for the tests of hint 3 in {@link ThreadPerClientServerTest}: each
 * takes the {@link Closing} that {@link ServerThreads} saw, and what the test had set up (its "setting", the start
 * of every message), and fails with what went wrong and what close() does instead. Not a test itself.
 */
final class CloseChecks {
    /** How much later than its limit close(limit) may return, on a machine busy with other work. */
    static final long BUSY_MILLIS = 3_000;
    /**
     * How much earlier than its limit close(limit) may return: a deadline counted in the whole milliseconds of
     * System.currentTimeMillis() can fall a millisecond short.
     */
    private static final long EARLY_MILLIS = 5;

    private CloseChecks() {
    }

    /** close() on a server no client has used: fails unless it returned within CLOSE_MILLIS, without throwing. */
    static void assertReturnedAtOnceOnAnUnusedServer(Closing closing) {
        if (!closing.returned()) {
            fail("close() on a server that no client had connected to had not returned " + CLOSE_MILLIS + " ms"
                    + " later. These threads of the server were still alive: " + String.join("; ",
                    closing.aliveAfter()) + ". close() closes the listening socket, so that accept() throws on the"
                    + " accepting thread, and that thread ends there: from then on every accept() throws at once,"
                    + " so a loop that catches the exception and accepts again never ends.");
        }
        if (closing.thrown() != null) {
            fail("close() on a server that no client had connected to threw " + closing.thrown() + "."
                    + whyCloseThrew(closing.thrown()), closing.thrown());
        }
    }

    /**
     * close() with idle clients and one whose thread is blocked in write(): fails unless it returned, without
     * throwing, once every thread of the server had ended.
     */
    static void assertEveryThreadEnded(String setting, Closing closing) {
        if (!closing.returned()) {
            fail(setting + notReturned(closing) + " These threads of the server were still alive: "
                    + String.join("; ", closing.aliveAfter()) + ". A thread blocked in read() or write() waits"
                    + " until its socket is closed: close every client's socket before waiting for the threads.");
        }
        failIfThrew(setting, closing);
        assertTrue(closing.aliveAfter().isEmpty(), setting + "close() returned after " + closing.millis()
                + " ms, and at that moment these threads of the server were still alive: "
                + String.join("; ", closing.aliveAfter()) + ". close() must wait until every thread the server"
                + " started has ended, daemon threads too: join them.");
    }

    /**
     * Fails if a thread that close() woke by closing its client's socket ended with an exception nobody caught
     * (recorded by {@code uncaught} after {@code thrownBefore}).
     */
    static void assertWokenThreadsEndedByReturning(String setting, UncaughtExceptions uncaught, int thrownBefore) {
        // Every thread has ended, so each one's uncaught exception, if any, has been handled. The accepting
        // thread's way out of accept() is not judged: the contract says only that it ends.
        List<String> thrown = uncaught.since(thrownBefore, e -> !UncaughtExceptions.fromAccept(e));
        if (!thrown.isEmpty()) {
            fail(setting + "close() returned, and the threads it woke by closing the clients' sockets had ended"
                    + " with an exception nobody caught: " + String.join("; ", thrown) + ". A read or write on a"
                    + " socket that close() has closed throws a SocketException in that client's thread: catch it"
                    + " there, as a reset, and let the thread end by returning. An exception thrown out of the"
                    + " thread is printed on the server's standard error, a stack trace for every client still"
                    + " connected when the server closes.");
        }
    }

    /** Fails if a client can still connect to {@code address} after close(). */
    static void assertNewClientsRefused(String setting, InetSocketAddress address) throws IOException {
        try (Socket late = new Socket()) {
            late.connect(address, ECHO_WAIT_MILLIS);
            fail(setting + "After close() a new client could still connect to " + address
                    + ": close the listening socket.");
        } catch (ConnectException | SocketTimeoutException refused) {
            // as it should be
        }
    }

    /** Closes {@code server}, closed before, again; fails unless that returns at once, without throwing. */
    static void assertClosingTwiceDoesNothing(ThreadPerClientServer server) throws InterruptedException {
        Closing again = closeWithin(server, CLOSE_MILLIS, List.of());
        assertTrue(again.returned() && again.thrown() == null, "A second close() "
                + (again.returned() ? "threw " + again.thrown() : "had not returned " + CLOSE_MILLIS + " ms later")
                + "; closing a server twice must do nothing.");
    }

    /**
     * close() while the test holds every thread of the server alive in its last step until close() waits for it:
     * fails unless close() returned, without throwing, and only once every one of them had ended.
     */
    static void assertJoinedEveryThread(String setting, Closing closing) {
        if (!closing.returned()) {
            fail(setting + "close() had not returned " + CLOSE_MILLIS + " ms later. These threads of the server"
                    + " were still alive: " + String.join("; ", closing.aliveAfter()) + ".");
        }
        failIfThrew(setting, closing);
        assertTrue(closing.aliveAfter().isEmpty(), setting + "The test kept each thread of the server alive in"
                + " its last step until close() waited for it. close() returned without waiting for these,"
                + " which were still alive: " + String.join("; ", closing.aliveAfter()) + ". Closing a socket"
                + " wakes the thread blocked on it, and closing the listening socket wakes the accepting thread,"
                + " but a thread is alive until after its last line: close() must join() every thread the"
                + " server started, and so must still be able to reach each one until it has ended.");
    }

    /**
     * close() that began while the accepting thread was held inside {@code new Thread(...)} for the client
     * {@code late}: fails unless it returned, without throwing, once every thread had ended, that client's too.
     */
    static void assertEndedTheClientAcceptedMeanwhile(String setting, Closing closing, Socket late)
            throws IOException {
        if (!closing.returned() || !closing.aliveAfter().isEmpty()) {
            String seen = closing.returned() ? "close() returned, and at that moment these threads of the"
                    + " server were still alive: " : notReturned(closing) + " These threads of the server were"
                    + " still alive: ";
            fail(setting + seen + String.join("; ", closing.aliveAfter()) + "." + (isOpen(late)
                    ? " The last client's connection was still open: close() went through the clients' sockets"
                    + " before that client was among them. Either close() closed them before the accepting thread"
                    + " had ended, or the client's socket was added to them only later, by its own thread. Add each"
                    + " client's socket on the accepting thread, before its thread starts, and stop accepting and"
                    + " wait for the accepting thread to end before closing the clients' sockets; then no client"
                    + " is added after."
                    : " close() must wait for every thread the server started, one that started after close()"
                    + " began too."));
        }
        failIfThrew(setting, closing);
    }

    /**
     * close(limit) with a thread of the server that never ends, the one {@code hold} holds: fails unless it
     * returned without throwing, not before {@code limit} and not long after ({@code most} ms at the latest).
     */
    static void assertGaveUpOnceItsLimitHadPassed(String setting, Closing closing, Duration limit, long most,
            ThreadStartHold hold) {
        if (!closing.returned() && closing.waiting() != null) {
            fail(setting + "After " + closing.millis() + " ms it was " + closing.waiting() + ". close(limit) waits"
                    + " for the threads until limit after it was called, all of them together, and no longer: work"
                    + " out that deadline once, and join each thread with the time left until it, which once it has"
                    + " passed is none, so that close(limit) waits for no thread at all any more.");
        }
        if (!closing.returned()) {
            fail(setting + "It had not returned " + most + " ms later. close(limit) waits for the threads until"
                    + " limit after it was called, one deadline for all of them: join each with the time left"
                    + " until it, and return once it has passed.");
        }
        if (closing.thrown() != null) {
            fail(setting + "It threw " + closing.thrown() + " after " + closing.millis() + " ms; a thread that"
                    + " has not ended by the deadline is left running, and close(limit) returns all the same."
                    + whyCloseThrew(closing.thrown()), closing.thrown());
        }
        if (closing.millis() < limit.toMillis() - EARLY_MILLIS) {
            fail(setting + "It returned after " + closing.millis() + " ms, while the thread the test held, \""
                    + hold.holding().getName() + "\", was alive, and it stayed alive to the end of the test:"
                    + " close(limit) waits for every thread the server started until they have ended or the limit"
                    + " has passed.");
        }
    }

    /**
     * close(limit) with a limit of zero or less and a thread of the server that never ends: fails unless it
     * returned at once, without throwing.
     */
    static void assertReturnedAtOnceWithNoTimeLeft(String setting, Closing closing) {
        if (!closing.returned()) {
            fail(setting + (closing.waiting() != null ? "After " + closing.millis() + " ms it was "
                    + closing.waiting() + ", while the test held threads of the server that would never end."
                    : "It had not returned " + CLOSE_MILLIS + " ms later.") + " With a limit of zero or less"
                    + " there is no time to wait for any thread, not even a millisecond: close(limit) closes the"
                    + " server and returns. No time left is not the same as no limit, which is what Thread.join(0)"
                    + " takes a zero for; Thread.join(Duration) with a time of zero or less does not wait.");
        }
        if (closing.thrown() != null) {
            fail(setting + "It threw " + closing.thrown() + "." + whyCloseThrew(closing.thrown()),
                    closing.thrown());
        }
    }

    /** Fails, saying what the exception tells where it tells something, if close() threw. */
    private static void failIfThrew(String setting, Closing closing) {
        if (closing.thrown() != null) {
            fail(setting + "close() threw " + closing.thrown() + "." + whyCloseThrew(closing.thrown()),
                    closing.thrown());
        }
    }

    /** What a close() that had not returned was seen doing: waiting out the test's time, or stuck for good. */
    private static String notReturned(Closing closing) {
        if (closing.millis() >= CLOSE_MILLIS) {
            return "close() had not returned " + CLOSE_MILLIS + " ms later.";
        }
        return "After " + closing.millis() + " ms close() was still waiting, and would have waited for ever: every"
                + " thread of the server was blocked in accept(), read() or write() with no time-out, which only a"
                + " client can end, and the clients did nothing.";
    }

    /**
     * What an exception out of close() tells, where it tells something: a ConcurrentModificationException is a
     * collection that one thread went through while another changed it, and Thread.join(millis) throws an
     * IllegalArgumentException for a time below zero.
     */
    private static String whyCloseThrew(Throwable thrown) {
        if (thrown instanceof IllegalArgumentException && String.valueOf(thrown.getMessage()).contains("negative")) {
            return " Thread.join(millis) refuses a time below zero, which is what is left once the deadline has"
                    + " passed: by then there is no time left to wait for any thread.";
        }
        if (!(thrown instanceof ConcurrentModificationException)) {
            return " close() returns without throwing.";
        }
        return " A collection close() was going through was changed meanwhile. Each socket close() closes wakes"
                + " that client's thread, which ends and takes its socket out while close() is still going through"
                + " the others: what the server keeps its clients in is changed and gone through by several threads"
                + " at once, and must be made for that.";
    }
}
