package dev.tutor.exercises.selectors;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;

/**
 * A chat room on one thread with one {@link java.nio.channels.Selector}: every line a client sends goes
 * to every other client connected at the time, and a client that stops reading is shown the door
 * instead of holding everyone up.
 *
 * <p>Lifecycle, as for {@link SelectorEchoServer}: the constructor opens the selector and a listening
 * channel on 127.0.0.1, on a port the system chooses ({@link #address()}); {@link #serve()} runs the loop on
 * the calling thread until {@link #stop()}, then closes every channel and the selector and returns;
 * {@code stop()} may be called from any thread, at any time, more than once. One thread: no
 * {@code Thread}, no executor.
 *
 * <p>What the server does:
 * <ul>
 *   <li>A line is the bytes up to and including a {@code '\n'}. A line may arrive in several reads, and
 *       one read may hold several lines: each line is forwarded, whole, once its {@code '\n'} has arrived,
 *       to every other client (never back to its sender), in the order the server received the lines.</li>
 *   <li>A line is at most {@link #MAX_LINE} bytes, {@code '\n'} included. A client that sends more than
 *       that without a {@code '\n'} is disconnected, and nothing of that line is forwarded.</li>
 *   <li>Each client has its own outgoing queue: the bytes forwarded to it that its socket has not taken
 *       yet. It holds at most {@link #QUEUE_LIMIT} bytes. A client whose queue would grow past that,
 *       because it does not read, is disconnected (the line that did not fit is not sent to it); the other
 *       clients go on being served without waiting for it.</li>
 *   <li>A client is registered for {@code OP_WRITE} only while its queue is not empty.</li>
 *   <li>A client that leaves (a read returns -1, or a read or write throws) is closed and forgotten; what it
 *       sent after its last {@code '\n'} is dropped.</li>
 * </ul>
 */
public final class ChatServer {

    /** The most bytes waiting to be sent to one client; a client whose queue would grow past it is disconnected. */
    public static final int QUEUE_LIMIT = 64 * 1024;
    /** The longest line, {@code '\n'} included; a client that sends a longer one is disconnected. */
    public static final int MAX_LINE = 1024;

    /** Connections waiting to be accepted. */
    private static final int BACKLOG = 1024;

    private final Selector selector;
    private final ServerSocketChannel listener;

    public ChatServer() throws IOException {
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

    /** Runs the chat on the calling thread until {@link #stop()}; then closes everything and returns. */
    public void serve() throws IOException {
        // TODO: the loop of SelectorEchoServer: OP_ACCEPT, select(), handle and remove each selected key.
        // TODO: per client: the start of a line still to come, and a queue of what is waiting to go to it.
        // TODO: on each complete line: queue it for every other client, or disconnect one that has no room.
        // TODO: on the way out, whichever way it is: close every channel and the selector.
        throw new UnsupportedOperationException("TODO: run the chat until stop()");
    }

    /** Ends {@link #serve()}: callable from any thread, at any time, more than once. */
    public void stop() {
        // TODO: tell the loop to end, and wake the selector so that it notices.
    }
}
