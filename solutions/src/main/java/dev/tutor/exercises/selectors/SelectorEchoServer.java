package dev.tutor.exercises.selectors;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Iterator;

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
    /** Bytes read at most per turn per connection; also the most the server holds for one client. */
    private static final int BUFFER_BYTES = 16 * 1024;

    private final Selector selector;
    private final ServerSocketChannel listener;
    private volatile boolean stopped;

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
        try {
            listener.register(selector, SelectionKey.OP_ACCEPT);
            while (!stopped) {
                selector.select();
                Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
                while (ready.hasNext()) {
                    SelectionKey key = ready.next();
                    ready.remove();
                    if (key.isAcceptable()) {
                        acceptAll();
                    } else {
                        serveConnection(key);
                    }
                }
            }
        } finally {
            closeEverything();
        }
    }

    /** Ends {@link #serve()}: callable from any thread, at any time, more than once. */
    public void stop() {
        stopped = true;
        selector.wakeup();
    }

    private void acceptAll() throws IOException {
        SocketChannel client;
        while ((client = listener.accept()) != null) {
            client.configureBlocking(false);
            client.register(selector, SelectionKey.OP_READ, ByteBuffer.allocate(BUFFER_BYTES));
        }
    }

    /** Reads and echoes, or finishes sending what was pending; closes the connection when it ends. */
    private void serveConnection(SelectionKey key) {
        SocketChannel client = (SocketChannel) key.channel();
        ByteBuffer pending = (ByteBuffer) key.attachment();
        try {
            if (key.isReadable()) {
                pending.clear();
                if (client.read(pending) == -1) {
                    client.close();
                    return;
                }
                pending.flip();
            }
            client.write(pending);
            // Read again only once everything is sent; ask to hear about room only while something is left.
            key.interestOps(pending.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        } catch (IOException reset) {
            closeQuietly(client);
        }
    }

    private void closeEverything() throws IOException {
        try {
            for (SelectionKey key : selector.keys()) {
                closeQuietly(key.channel());
            }
        } finally {
            listener.close();
            selector.close();
        }
    }

    private static void closeQuietly(java.nio.channels.Channel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // closing a connection that has already failed: nothing more to do with it
        }
    }
}
