package dev.tutor.runtime.net;

import java.net.InetSocketAddress;

/**
 * A small server running on its own event-loop thread and listening on 127.0.0.1, for lessons,
 * demos and tests to talk to.
 *
 * <p>Contract: when {@code start} returns, the server is bound, listening and its loop is running, so a
 * client may connect at once (no sleep needed). {@link #close()} stops the loop, closes every
 * connection and the listening socket, and waits for the thread to end; calling it twice is harmless.
 * Start one with {@link ServerKind#start(ServerOptions)} or a server class's own {@code start}.
 */
public interface LoopbackServer extends AutoCloseable {

    /** Returns the address the server is listening on: 127.0.0.1 and the port it bound. */
    InetSocketAddress address();

    /** Returns the port the server bound; handy when it was chosen by the system. */
    default int port() {
        return address().getPort();
    }

    /** Returns what kind of server this is. */
    ServerKind kind();

    /** Returns "http://127.0.0.1:PORT/" style text naming what to connect to. */
    default String describe() {
        String scheme = kind() == ServerKind.HTTP || kind() == ServerKind.TRICKLE ? "http://" : "tcp://";
        return kind().cliName() + " server listening on " + scheme + "127.0.0.1:" + port() + "/";
    }

    /** Stops the server and releases its thread, sockets and selector. */
    @Override
    void close();
}
