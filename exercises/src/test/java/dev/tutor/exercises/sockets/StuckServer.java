package dev.tutor.exercises.sockets;

import dev.tutor.exercises.support.Standstill;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Tells when a {@link ThreadPerClientServer} can do nothing more until a client acts, so that the test need not
 * wait out its limit: every thread of the server is blocked in a socket's accept(), read() or write() that has no
 * time-out, none of them using any CPU, and all of it stays so for {@link Standstill#STEADY_MILLIS}. Such a wait
 * ends only when a client connects, sends, reads or leaves, or when another thread closes the socket. Two tests
 * use it: a close() that waits with no time limit (in join(), say) while the test's clients stay as they are can
 * never return; and a client whose bytes the server has not echoed will never get them, since a server thread
 * that could serve it would not be blocked (its bytes wait to be read, or its connection to be accepted). A
 * thread that any other state holds (a sleep, a wait with a time limit, a virtual thread, code running) keeps
 * the test waiting, as before.
 *
 * <p>The blocking calls are recognised by their stacks (seen on JDK 17 and 25): a platform thread's accept(),
 * read() and write() with no time-out block in the system call itself (Net.accept, SocketDispatcher.read0,
 * write0) below NioSocketImpl, while one with a time-out waits in Net.poll under NioSocketImpl's timedAccept
 * or timedRead. Not a test itself.
 */
final class StuckServer {
    /** The native methods a blocking accept(), read() and write() of a socket end in. */
    private static final Set<String> BLOCKING_CALLS = Set.of("accept", "read0", "write0");

    private final Set<Thread> before;
    private final Standstill standstill = new Standstill(ThreadPerClientServer.class);

    /** Watches the server whose threads are the ones not alive in {@code before}. */
    StuckServer(Set<Thread> before) {
        this.before = before;
    }

    /** Whether {@code closer}, the thread in close(), has been seen stuck for good; asked again and again. */
    boolean closeStuck(Thread closer) {
        return standstill.seen(() -> look(closer));
    }

    /**
     * Whether the server has been seen unable to do anything until a client acts, with no close() running;
     * asked again and again.
     */
    boolean blockedForGood() {
        return standstill.seen(() -> look(null));
    }

    /** The threads of the server alive now, for a message. */
    List<Thread> threads() {
        return ServerThreads.serverThreads(before);
    }

    /**
     * The CPU time of each thread that belongs to the server, if the closer (where there is one) waits with no
     * time limit and each of them is blocked in a socket with no time-out; null if not. A thread belongs to the
     * server if it was not alive before the server started, or if it runs the server's code (a pool's thread from
     * an earlier test may).
     */
    private Map<Thread, Long> look(Thread closer) {
        if (closer != null && closer.getState() != Thread.State.WAITING) {
            return null;
        }
        Set<Thread> started = Set.copyOf(ServerThreads.serverThreads(before));
        Map<Thread, Long> times = Standstill.cpuTimesIfAll((t, stack) -> t != closer
                && (started.contains(t) || Standstill.runs(ThreadPerClientServer.class, stack)),
                StuckServer::blockedInASocketWithoutTimeOut);
        // Read again after the threads: a close() that moved on meanwhile may be waiting for something else.
        return times != null && (closer == null || closer.getState() == Thread.State.WAITING) ? times : null;
    }

    /**
     * Whether the thread is blocked in the system call of a socket's accept(), read() or write(), below
     * NioSocketImpl: one with a time-out waits in Net.poll under timedAccept or timedRead instead.
     */
    private static boolean blockedInASocketWithoutTimeOut(Thread thread, StackTraceElement[] stack) {
        if (stack.length == 0 || thread.getState() != Thread.State.RUNNABLE
                || !stack[0].getClassName().startsWith("sun.nio.ch.")
                || !BLOCKING_CALLS.contains(stack[0].getMethodName())) {
            return false;
        }
        boolean socket = false;
        for (StackTraceElement frame : stack) {
            if (frame.getClassName().equals("sun.nio.ch.NioSocketImpl")) {
                if (frame.getMethodName().startsWith("timed")) {
                    return false;
                }
                socket = true;
            }
        }
        return socket;
    }
}
