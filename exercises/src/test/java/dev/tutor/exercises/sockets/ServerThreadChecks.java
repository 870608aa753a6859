package dev.tutor.exercises.sockets;

import static dev.tutor.exercises.sockets.ServerThreads.THREAD_END_MILLIS;
import static dev.tutor.exercises.sockets.ServerThreads.names;
import static dev.tutor.exercises.sockets.ServerThreads.serverThreads;
import static dev.tutor.exercises.sockets.ServerThreads.threadsStillAliveAfter;
import static dev.tutor.exercises.sockets.ServerThreads.virtualThreadsRunningTheServer;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tutor.exercises.sockets.ServerThreads.Closing;
import java.util.List;
import java.util.Set;

/**
 * The checks of {@link ThreadPerClientServerTest} on the server's threads, for the tests of hints 1 and 2: a
 * thread accepts, every client has a platform thread of its own, and that thread ends when its client's connection
 * does, by returning rather than by an exception nobody caught. The server's threads are those not alive in the
 * test's {@code before} ({@link ServerThreads}). Not a test itself.
 */
final class ServerThreadChecks {
    private ServerThreadChecks() {
    }

    /** Fails unless a thread of the server is alive once start() has returned: the one that accepts. */
    static void assertAThreadAccepts(Set<Thread> before) {
        // A virtual accepting thread is not listed among the server's threads; a later test names it.
        if (serverThreads(before).isEmpty() && virtualThreadsRunningTheServer().isEmpty()) {
            fail("start() had returned, and no thread of the server was alive: nothing was waiting in accept(),"
                    + " so no client would ever get an echo. start() starts the thread that accepts clients, and"
                    + " that thread goes on accepting until close().");
        }
    }

    /**
     * With {@code count} clients connected, each having had its echo: fails unless the server's threads, {@code
     * serving}, are one that accepts and a platform thread for each client.
     */
    static void assertAPlatformThreadPerClient(int count, List<Thread> serving) {
        if (serving.size() < count + 1) {
            // Virtual threads are missing from serving; a dump shows whether they did the serving.
            List<String> virtual = virtualThreadsRunningTheServer();
            if (!virtual.isEmpty()) {
                fail(count + " clients were connected and each had had its echo, and " + virtual.size()
                        + " virtual thread(s) were running the server's code: " + (virtual.size() <= 6
                        ? virtual : virtual.subList(0, 6) + " and more") + "; the server had "
                        + serving.size() + " platform thread(s): " + names(serving) + ". This server gives"
                        + " each client a platform thread of its own, the kind whose cost this lesson counts;"
                        + " virtual threads are another kind, Java's own answer to that cost in lesson 12.");
            }
        }
        assertTrue(serving.size() >= count + 1, count + " clients were connected, each had had its echo,"
                + " and the server had " + serving.size() + " thread(s) of its own: " + names(serving)
                + ". One thread accepts and every client needs one of its own, " + (count + 1) + " in all.");
    }

    /** Once {@code count} clients have closed their connections: fails unless only the accepting thread is left. */
    static void assertClientsThreadsEnded(Set<Thread> before, int count) throws InterruptedException {
        List<Thread> left = threadsStillAliveAfter(before, THREAD_END_MILLIS, 1);
        assertTrue(left.size() <= 1, count + " clients closed their connections, and " + THREAD_END_MILLIS
                + " ms later the server still had " + left.size() + " threads: " + names(left) + ". Only the"
                + " accepting thread should be left: a client's thread ends when its client's stream does"
                + " (a read returns -1), or thousands of clients over a day leave thousands of threads.");
    }

    /** Once every client has half-closed, had its echo and closed: fails unless only the accepting thread is left. */
    static void assertHalfClosedClientsThreadsEnded(Set<Thread> before) throws InterruptedException {
        List<Thread> left = threadsStillAliveAfter(before, THREAD_END_MILLIS, 1);
        assertTrue(left.size() <= 1, "Every client half-closed, got its echo and the end of the stream, and"
                + " closed; " + THREAD_END_MILLIS + " ms later the server still had " + left.size()
                + " threads: " + names(left) + ".");
    }

    /**
     * Once every client has left, every third one by resetting its connection: fails unless only the accepting
     * thread is left, and no thread ended with an exception nobody caught (recorded by {@code uncaught}).
     */
    static void assertResetClientsThreadsEnded(Set<Thread> before, UncaughtExceptions uncaught)
            throws InterruptedException {
        List<Thread> left = threadsStillAliveAfter(before, THREAD_END_MILLIS, 1);
        assertTrue(left.size() <= 1, "Every client left, every third one by resetting its connection, and "
                + THREAD_END_MILLIS + " ms later the server still had " + left.size() + " threads: "
                + names(left) + ". A reset is an IOException in that client's thread: catch it there, close"
                + " that socket and let the thread end.");
        // Every client's thread has ended, so each one's uncaught exception, if any, has been handled.
        List<String> thrown = uncaught.all();
        if (!thrown.isEmpty()) {
            fail("Every client left, every third one by resetting its connection, and threads of the server"
                    + " ended with an exception nobody caught: " + String.join("; ", thrown) + ". A reset is an"
                    + " IOException in that client's thread: catch it there, close that socket and let the thread"
                    + " end by returning. An exception thrown out of the thread ends it too, but the JVM prints it"
                    + " on the server's standard error, a stack trace for every client that resets, where a reset"
                    + " should leave no more trace than a client that was never there.");
        }
    }

    /**
     * Once {@code count} clients one after another have sent a message ({@code sizes} bytes), half-closed and read
     * to the end of the stream, and the server has been closed ({@code closing}) and its threads have ended: fails
     * if one ended with an exception nobody caught (recorded by {@code uncaught}).
     */
    static void assertEndedByReturning(UncaughtExceptions uncaught, int count, List<Integer> sizes, Closing closing) {
        // The accepting thread's way out of accept() once close() has closed the listening socket is not judged:
        // the contract says only that it ends.
        List<String> thrown = uncaught.since(0, e -> !UncaughtExceptions.fromAccept(e));
        if (!thrown.isEmpty()) {
            fail(count + " clients one after another each sent a message (" + sizes + " bytes), half-closed, and"
                    + " read its echo and the end of the stream; then the test closed the server ("
                    + (closing.returned() ? "close() returned" : "close() had not returned") + "). Threads of"
                    + " the server ended with an exception nobody caught: " + String.join("; ", thrown)
                    + ". When read() returns -1 the client has ended its stream: stop the loop there, write"
                    + " nothing more, and let the thread return.");
        }
    }
}
