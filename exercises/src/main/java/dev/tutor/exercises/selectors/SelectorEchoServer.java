package dev.tutor.exercises.selectors;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;

/**
 * An echo server that serves every client on one thread with one {@link Selector}: whatever a client
 * sends comes back to it, byte for byte, however many clients are connected.
 *
 * <p>Lifecycle: the constructor opens the selector and a listening channel on 127.0.0.1, on a port the
 * system chooses ({@link #address()} tells which). {@link #serve()} runs the loop on the thread that calls
 * it until {@link #stop()} is called, then closes every channel and the selector and returns.
 * {@code stop()} may be called from any thread, before or while {@code serve()} runs, and more than once.
 *
 * <p>The rules of the loop:
 * <ul>
 *   <li>One thread: {@code serve()} does all the work on its caller. No {@code Thread}, no executor.</li>
 *   <li>Each connection keeps its own pending bytes: what it sent that could not yet be written back to
 *       it. Pending bytes are never kept in one buffer shared by all the connections.</li>
 *   <li>A connection is registered for {@code OP_WRITE} only while it has pending bytes, and for
 *       {@code OP_READ} only while it has none: the server reads no more from a client until that
 *       client has taken its echo, so a client that sends without reading cannot make the server hold
 *       more than one read's worth for it.</li>
 *   <li>Every key the selector reports is removed from its selected-key set once handled.</li>
 *   <li>A read that returns -1 means the client has finished sending: its connection is closed (it has
 *       no pending bytes then, since the server reads only when nothing is pending).</li>
 *   <li>A read or write that throws (the client reset the connection) closes that connection only; the
 *       other clients are served on.</li>
 * </ul>
 */
public final class SelectorEchoServer {

    /** Connections waiting to be accepted: enough for a thousand clients that connect at once. */
    private static final int BACKLOG = 1024;

    private final Selector selector;
    private final ServerSocketChannel listener;

    public SelectorEchoServer() throws IOException {
        selector = Selector.open();
        listener = ServerSocketChannel.open();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), BACKLOG);
        listener.configureBlocking(false);
    }

    /** The address clients connect to: 127.0.0.1 and the port the system chose. */
    public InetSocketAddress address() {
        try {
            return (InetSocketAddress) listener.getLocalAddress();
        } catch (IOException e) {
            throw new IllegalStateException("the listening channel is closed", e);
        }
    }

    /**
     * Serves clients on the calling thread until {@link #stop()}; then closes every connection, the
     * listening channel and the selector, and returns.
     */
    public void serve() throws IOException {
        // TODO: register the listening channel for OP_ACCEPT.
        // TODO: until stop() is called: select(), then handle each selected key and remove it from the set:
        //       accept new clients (non-blocking, registered for OP_READ, each with a buffer of its own),
        //       read and echo, and finish sending what a partial write left over.
        // TODO: on the way out, whichever way it is: close every channel and the selector.
        throw new UnsupportedOperationException("TODO: serve clients until stop()");
    }

    /** Ends {@link #serve()}: callable from any thread, at any time, more than once. */
    public void stop() {
        // TODO: tell the loop to end, in a field the serving thread is sure to see (stop() runs on another
        //       thread), and only then wake the selector so that it notices.
    }
}
