package dev.tutor.runtime.meter;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.List;

/**
 * The small chores the meters' servers and clients share: loopback listening, daemon threads, quiet closing,
 * bounded joins.
 */
final class Servers {
    /** How long closing waits for a thread before it gives up on it; they all end at once in practice. */
    static final long JOIN_MILLIS = 5_000;

    private Servers() {
    }

    /** A daemon thread, not started: a forgotten meter must not keep the JVM alive. */
    static Thread daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        return thread;
    }

    /** A non-blocking listening socket on 127.0.0.1 at a port the system picks; closed again if that fails. */
    static ServerSocketChannel listenOnLoopback() throws IOException {
        ServerSocketChannel listening = ServerSocketChannel.open();
        try {
            listening.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            listening.configureBlocking(false);
            return listening;
        } catch (IOException e) {
            listening.close();
            throw e;
        }
    }

    /** Where {@code listening} listens. */
    static InetSocketAddress address(ServerSocketChannel listening) {
        return (InetSocketAddress) listening.socket().getLocalSocketAddress();
    }

    /** The one server thread's id while it runs; none once it has ended. */
    static List<Long> idWhileAlive(Thread thread) {
        return thread.isAlive() ? List.of(thread.threadId()) : List.of();
    }

    static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closing on the way out: it is gone either way
        }
    }

    static void join(Thread thread) {
        try {
            thread.join(JOIN_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
