package dev.tutor.exercises.sockets;

import static dev.tutor.exercises.sockets.ServerClients.ECHO_WAIT_MILLIS;
import static dev.tutor.exercises.sockets.ServerThreads.serverThreads;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Tells, by their stacks, whether the server's threads wait in a socket's read() with a time-out or with none, for
 * the test of {@link ThreadPerClientServerTest} that a silent client keeps its thread: a client that sends nothing
 * has not ended its stream, and its thread waits in read() for as long as it stays. A read with a time-out is seen
 * the moment it waits, not when the time-out has run out and the thread has perhaps hung up on its client.
 * Not a test itself.
 */
final class ReadTimeOuts {
    private ReadTimeOuts() {
    }

    /**
     * Looks at the stacks of the server's threads (those not alive in {@code before}) until it has seen one
     * waiting in a read with no time-out for each of the {@code silent} clients, each of which has had its echo
     * and stays, sending nothing; fails as soon as one is seen reading with a time-out. One not seen within
     * {@link ServerClients#ECHO_WAIT_MILLIS} is not judged.
     */
    static void assertSilentClientsReadWithNoTimeOut(Set<Thread> before, int silent) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ECHO_WAIT_MILLIS);
        int waiting = 0;
        // A right answer's threads are back in read() microseconds after their echo; until all are seen
        // there, look again. One not seen by the deadline is not judged.
        while (waiting < silent && System.nanoTime() < deadline) {
            waiting = 0;
            for (Thread thread : serverThreads(before)) {
                StackTraceElement[] stack = thread.getStackTrace();
                if (readingWithATimeOut(stack)) {
                    fail(silent + " client(s) had their echo and then stayed connected, sending nothing. The"
                            + " server's thread \"" + thread.getName() + "\" was waiting in a read with a"
                            + " time-out (NioSocketImpl.timedRead: setSoTimeout had given the socket one)."
                            + " A client that sends nothing has not ended its stream, and its thread waits in"
                            + " read() for as long as the client stays connected, with no time-out: a read"
                            + " with one gives up with a SocketTimeoutException while the client is only"
                            + " quiet, and a thread that ends there cuts off a client still connected. A"
                            + " client's thread ends when its connection does: at -1, or on the IOException"
                            + " of a reset or of close().");
                }
                if (readingWithoutATimeOut(stack)) {
                    waiting++;
                }
            }
            if (waiting < silent) {
                Thread.sleep(1);
            }
        }
    }

    /**
     * Whether the stack is in a socket's read() with a time-out: NioSocketImpl.timedRead, which every read of a
     * socket takes once setSoTimeout has given it one. Such a read gives up when nothing comes in time.
     */
    private static boolean readingWithATimeOut(StackTraceElement[] stack) {
        for (StackTraceElement frame : stack) {
            if (frame.getClassName().equals("sun.nio.ch.NioSocketImpl") && frame.getMethodName().equals("timedRead")) {
                return true;
            }
        }
        return false;
    }

    /** Whether the stack is in a socket's read() with no time-out: NioSocketImpl.implRead, and no timedRead. */
    private static boolean readingWithoutATimeOut(StackTraceElement[] stack) {
        boolean reading = false;
        for (StackTraceElement frame : stack) {
            if (frame.getClassName().equals("sun.nio.ch.NioSocketImpl")) {
                if (frame.getMethodName().equals("timedRead")) {
                    return false;
                }
                reading |= frame.getMethodName().equals("implRead");
            }
        }
        return reading;
    }
}
