package dev.tutor.lessons.selectors;

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
 * The echo server of lesson 9's demo: one selector, one loop, a buffer per connection, and write
 * interest only while something is left to send. It can also be told to make the classic mistake of
 * leaving {@code OP_WRITE} on, so the demo can show what that costs.
 *
 * <p>The loop is split into turns ({@link #turn(long)}) so that the demo can either run it on a thread
 * of its own ({@link #run()}) or step it by hand and look at the kernel's view between two turns.
 * Called only on one thread at a time; {@link #stop()} from any thread.
 */
final class DemoEchoServer implements AutoCloseable {

    private final Selector selector;
    private final ServerSocketChannel listener;
    private final boolean leaveWriteInterestOn;
    private volatile boolean stopped;
    private long turns;

    /**
     * @param leaveWriteInterestOn true to leave every connection registered for OP_READ | OP_WRITE once it
     *                             has been served: the mistake the demo measures
     */
    DemoEchoServer(boolean leaveWriteInterestOn) throws IOException {
        this.leaveWriteInterestOn = leaveWriteInterestOn;
        selector = Selector.open();
        listener = ServerSocketChannel.open();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 2048);
        listener.configureBlocking(false);
        listener.register(selector, SelectionKey.OP_ACCEPT);
    }

    InetSocketAddress address() throws IOException {
        return (InetSocketAddress) listener.getLocalAddress();
    }

    /** How many times the loop has come back from select(). */
    long turns() {
        return turns;
    }

    /** Turns until {@link #stop()}: the loop of the lesson. */
    void run() {
        try {
            serve();
        } catch (IOException e) {
            System.out.println("The demo's server stopped: " + e);
        }
    }

    void serve() throws IOException {
        while (!stopped) {
            selector.select();
            handleReadyKeys();
        }
    }

    void stop() {
        stopped = true;
        selector.wakeup();
    }

    /**
     * One turn of the loop, for stepping it by hand: wait up to {@code timeoutMillis} for readiness (0 waits
     * until something is ready, -1 does not wait), then serve every key that is ready.
     */
    void turn(long timeoutMillis) throws IOException {
        if (timeoutMillis < 0) {
            selector.selectNow();
        } else {
            selector.select(timeoutMillis);
        }
        handleReadyKeys();
    }

    private void handleReadyKeys() throws IOException {
        turns++;
        Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
        while (ready.hasNext()) {
            SelectionKey key = ready.next();
            ready.remove();                            // the selector will not do it for you
            if (!key.isValid()) {
                continue;                              // cancelled since select() reported it
            }
            if (key.isAcceptable()) {
                SocketChannel client;
                while ((client = listener.accept()) != null) {
                    client.configureBlocking(false);
                    client.register(selector, SelectionKey.OP_READ, ByteBuffer.allocate(16 * 1024).flip());
                }
            } else {
                echoOrClose(key);
            }
        }
    }

    /** Whether the connection whose client is at {@code clientPort} has bytes waiting to go back to it. */
    boolean hasPendingFor(int clientPort) throws IOException {
        for (SelectionKey key : selector.keys()) {
            if (key.channel() instanceof SocketChannel channel && key.isValid()
                    && ((InetSocketAddress) channel.getRemoteAddress()).getPort() == clientPort) {
                return ((ByteBuffer) key.attachment()).hasRemaining();
            }
        }
        return false;
    }

    private void echoOrClose(SelectionKey key) {
        try {
            echo(key);
            if (leaveWriteInterestOn && key.isValid()) {
                key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE); // the mistake, for the demo
            }
        } catch (IOException reset) {
            try {
                key.channel().close();
            } catch (IOException ignored) {
                // it is gone either way
            }
        }
    }

    private void echo(SelectionKey key) throws IOException {
        SocketChannel client = (SocketChannel) key.channel();
        ByteBuffer pending = (ByteBuffer) key.attachment();
        if (key.isReadable()) {
            pending.clear();
            if (client.read(pending) < 0) {                // -1: the client has finished sending
                client.close();
                return;
            }
            pending.flip();
        }
        client.write(pending);
        key.interestOps(pending.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
    }

    @Override
    public void close() throws IOException {
        stop();
        for (SelectionKey key : selector.keys()) {
            key.channel().close();
        }
        listener.close();
        selector.close();
    }
}
