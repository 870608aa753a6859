package dev.tutor.exercises.selectors;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

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

    private static final int BACKLOG = 1024;

    private final Selector selector;
    private final ServerSocketChannel listener;
    /** Everyone connected, in the order they joined. Touched only by the thread running serve(). */
    private final Set<Member> members = new LinkedHashSet<>();
    private volatile boolean stopped;

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
        try {
            listener.register(selector, SelectionKey.OP_ACCEPT);
            while (!stopped) {
                selector.select();
                Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
                while (ready.hasNext()) {
                    SelectionKey key = ready.next();
                    ready.remove();
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isAcceptable()) {
                        acceptAll();
                        continue;
                    }
                    Member member = (Member) key.attachment();
                    try {
                        if (key.isWritable()) {
                            flush(member);
                        }
                        if (key.isReadable()) {
                            read(member);
                        }
                    } catch (IOException reset) {
                        leave(member); // a read or write that fails: the client has gone
                    }
                }
            }
        } finally {
            for (Member member : members) {
                member.close();
            }
            listener.close();
            selector.close();
        }
    }

    /** Ends {@link #serve()}: callable from any thread, at any time, more than once. */
    public void stop() {
        stopped = true;
        selector.wakeup();
    }

    private void acceptAll() throws IOException {
        SocketChannel channel;
        while ((channel = listener.accept()) != null) {
            channel.configureBlocking(false);
            Member member = new Member(channel);
            member.key = channel.register(selector, SelectionKey.OP_READ, member);
            members.add(member);
        }
    }

    /** Reads what has come, forwards each complete line, and keeps the start of an unfinished one. */
    private void read(Member sender) throws IOException {
        int count = sender.channel.read(sender.incoming);
        if (count == -1) {
            leave(sender);
            return;
        }
        ByteBuffer incoming = sender.incoming;
        incoming.flip();
        int lineStart = incoming.position();
        for (int i = lineStart; i < incoming.limit(); i++) {
            if (incoming.get(i) == '\n') {
                byte[] line = new byte[i + 1 - lineStart];
                incoming.get(lineStart, line);
                forward(sender, line);
                lineStart = i + 1;
            }
        }
        incoming.position(lineStart);
        incoming.compact();
        if (!incoming.hasRemaining()) {
            leave(sender); // MAX_LINE bytes and still no '\n'
        }
    }

    /** Queues {@code line} for everyone but its sender; whoever has no room for it is disconnected. */
    private void forward(Member sender, byte[] line) {
        List<Member> gone = new ArrayList<>();
        for (Member member : members) {
            if (member == sender) {
                continue;
            }
            if (member.queued + line.length > QUEUE_LIMIT) {
                gone.add(member);
                continue;
            }
            member.outgoing.add(ByteBuffer.wrap(line));
            member.queued += line.length;
            // Try to send at once; OP_WRITE is asked for only when the socket will not take it all.
            try {
                flush(member);
            } catch (IOException reset) {
                gone.add(member);
            }
        }
        gone.forEach(this::leave);
    }

    /**
     * Sends as much of the queue as the socket takes; OP_WRITE stays on only while something is left.
     * Throws when the client has gone (the write failed).
     */
    private void flush(Member member) throws IOException {
        while (!member.outgoing.isEmpty()) {
            ByteBuffer next = member.outgoing.peek();
            member.queued -= member.channel.write(next);
            if (next.hasRemaining()) {
                break; // the socket is full: the rest waits for OP_WRITE
            }
            member.outgoing.poll();
        }
        member.key.interestOps(member.outgoing.isEmpty() ? SelectionKey.OP_READ
                : SelectionKey.OP_READ | SelectionKey.OP_WRITE);
    }

    /** Closes a client and forgets it; closing cancels its key. */
    private void leave(Member member) {
        members.remove(member);
        member.close();
    }

    /** One client: its channel, the start of a line still to come, and what is waiting to go to it. */
    private static final class Member {
        final SocketChannel channel;
        final ByteBuffer incoming = ByteBuffer.allocate(MAX_LINE);
        final ArrayDeque<ByteBuffer> outgoing = new ArrayDeque<>();
        SelectionKey key;
        int queued;

        Member(SocketChannel channel) {
            this.channel = channel;
        }

        void close() {
            try {
                channel.close();
            } catch (IOException e) {
                // leaving anyway
            }
        }
    }
}
