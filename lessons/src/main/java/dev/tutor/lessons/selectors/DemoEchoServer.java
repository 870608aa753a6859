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

    private static final int BUFFER_BYTES = 16 * 1024;

    private final Selector selector;
    private final ServerSocketChannel listener;
    private final boolean leaveWriteInterestOn;
    private volatile boolean stopped;
    private long turns;

    /**
     * @param leaveWriteInterestOn true to register every connection for OP_READ | OP_WRITE and never take
     *                             OP_WRITE off: the mistake the demo measures
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

    /** Turns until {@link #stop()}. */
    void run() {
        try {
            while (!stopped) {
                turn(0);
            }
        } catch (IOException e) {
            System.out.println("The demo's server stopped: " + e);
        }
    }

    void stop() {
        stopped = true;
        selector.wakeup();
    }

    /**
     * One turn of the loop: wait for readiness ({@code timeoutMillis} 0 waits until something is ready,
     * -1 does not wait), then serve every key that is ready.
     */
    void turn(long timeoutMillis) throws IOException {
        if (timeoutMillis < 0) {
            selector.selectNow();
        } else {
            selector.select(timeoutMillis);
        }
        turns++;
        Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
        while (ready.hasNext()) {
            SelectionKey key = ready.next();
            ready.remove();
            if (!key.isValid()) {
                continue;
            }
            if (key.isAcceptable()) {
                SocketChannel client;
                while ((client = listener.accept()) != null) {
                    client.configureBlocking(false);
                    int interest = leaveWriteInterestOn ? SelectionKey.OP_READ | SelectionKey.OP_WRITE
                            : SelectionKey.OP_READ;
                    client.register(selector, interest, ByteBuffer.allocate(BUFFER_BYTES).flip());
                }
            } else {
                echo(key);
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

    private void echo(SelectionKey key) {
        SocketChannel client = (SocketChannel) key.channel();
        ByteBuffer pending = (ByteBuffer) key.attachment();
        try {
            if (key.isReadable() && !pending.hasRemaining()) {
                pending.clear();
                if (client.read(pending) < 0) {
                    client.close();
                    return;
                }
                pending.flip();
            }
            client.write(pending);
            if (!leaveWriteInterestOn) {
                key.interestOps(pending.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
            }
        } catch (IOException reset) {
            try {
                client.close();
            } catch (IOException ignored) {
                // it is gone either way
            }
        }
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
