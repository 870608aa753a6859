package dev.tutor.runtime.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * The least a Java echo server on one {@link Selector} thread can do: no ready queue, no timers, no
 * callbacks, no error reporting; read into one shared direct buffer and write it straight back. It shows
 * what the bundled loop's model (asyncio's five phases, named callbacks, the slow-callback check) costs
 * over the JDK's own selector, and what the JDK costs over the C floor.
 */
final class PlainSelectorEchoServer implements EchoContender {

    /** Names the loop thread, so that {@code EchoBench} can read its CPU time. */
    static final String THREAD = "plain-selector-echo";

    private final Selector selector;
    private final ServerSocketChannel listener;
    private final ByteBuffer shared = ByteBuffer.allocateDirect(64 * 1024);
    private final Thread thread;
    private volatile boolean closing;

    PlainSelectorEchoServer() throws IOException {
        selector = Selector.open();
        listener = ServerSocketChannel.open();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 2048);
        listener.configureBlocking(false);
        listener.register(selector, SelectionKey.OP_ACCEPT);
        thread = Thread.ofPlatform().name(THREAD).start(this::run);
    }

    private void run() {
        try {
            while (!closing) {
                selector.select(this::onReady);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void onReady(SelectionKey key) {
        try {
            if (key.isAcceptable()) {
                SocketChannel client;
                while ((client = listener.accept()) != null) {
                    client.configureBlocking(false);
                    client.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    client.register(selector, SelectionKey.OP_READ);
                }
            } else if (key.isWritable()) {
                ByteBuffer unsent = (ByteBuffer) key.attachment();
                ((SocketChannel) key.channel()).write(unsent);
                if (!unsent.hasRemaining()) {
                    key.attach(null);
                    key.interestOps(SelectionKey.OP_READ);
                }
            } else if (key.isReadable()) {
                echo(key);
            }
        } catch (IOException reset) {
            key.cancel();
            closeQuietly(key.channel());
        }
    }

    private void echo(SelectionKey key) throws IOException {
        SocketChannel channel = (SocketChannel) key.channel();
        shared.clear();
        if (channel.read(shared) < 0) {
            key.cancel();
            channel.close();
            return;
        }
        shared.flip();
        channel.write(shared);
        if (shared.hasRemaining()) {
            // The socket is full: keep the rest and stop reading until it has gone out.
            key.attach(ByteBuffer.allocate(shared.remaining()).put(shared).flip());
            key.interestOps(SelectionKey.OP_WRITE);
        }
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException ignored) {
            // already going
        }
    }

    @Override
    public InetSocketAddress address() {
        try {
            return (InetSocketAddress) listener.getLocalAddress();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }


    @Override
    public void close() {
        closing = true;
        selector.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (SelectionKey key : selector.keys()) closeQuietly(key.channel());
        closeQuietly(selector);
    }
}
