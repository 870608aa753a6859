package dev.tutor.exercises.sockets;

import static dev.tutor.exercises.sockets.ServerThreads.CLOSE_MILLIS;
import static dev.tutor.exercises.sockets.ServerThreads.closeWithin;

import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * A server for a test of hint 1 or 2, which only echoes, and the threads alive before it started: the server's
 * are the others. It is closed at the test's end without judging close(): a close() that threw or hung there
 * would offer those tests' hints for a mistake that hint 3 is about. Not a test itself.
 */
record EchoOnlyServer(ThreadPerClientServer server, Set<Thread> before) implements AutoCloseable {
    static EchoOnlyServer start() throws IOException {
        Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());
        return new EchoOnlyServer(ThreadPerClientServer.start(), before);
    }

    @Override
    public void close() throws InterruptedException {
        closeWithin(server, CLOSE_MILLIS, List.of());
    }
}
