package dev.tutor.runtime.meter;

import dev.tutor.runtime.net.EpollInterest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The meters' one-thread Selector echo server: lesson 9's loop. The thread waits in {@code select} until the
 * kernel says a socket is ready, so idle it costs no CPU; each connection keeps its unsent bytes and asks for
 * {@code OP_WRITE} only while some are left.
 *
 * <p>On Linux the selector is an epoll instance; {@link #epollFd()} names its descriptor so that the kernel's
 * view of the interest list can be read beside the meters.
 */
public final class SelectorServer implements MeteredServer {
    /** Bytes each connection's socket holds on its way out (Linux doubles it for its own bookkeeping). */
    static final int SEND_BUFFER = 16 * 1024;

    private final Selector selector;
    private final ServerSocketChannel listening;
    private final Optional<Integer> epollFd;
    private final Thread thread;
    private volatile boolean closed;

    private SelectorServer(Selector selector, ServerSocketChannel listening, Optional<Integer> epollFd) {
        this.selector = selector;
        this.listening = listening;
        this.epollFd = epollFd;
        this.thread = Servers.daemon("meter-selector", this::serve);
    }

    /** Listens on 127.0.0.1 at a port the system picks and starts its loop. */
    public static SelectorServer start() throws IOException {
        Set<Integer> before = epollInstances();
        Selector selector = Selector.open();
        Optional<Integer> epfd = before == null ? Optional.empty() : openedSince(before);
        ServerSocketChannel listening;
        try {
            listening = Servers.listenOnLoopback();
        } catch (IOException e) {
            selector.close();
            throw e;
        }
        try {
            listening.register(selector, SelectionKey.OP_ACCEPT);
        } catch (IOException | RuntimeException e) {
            listening.close();
            selector.close();
            throw e;
        }
        SelectorServer server = new SelectorServer(selector, listening, epfd);
        server.thread.start();
        return server;
    }

    /** The descriptor of the selector's epoll instance; empty off Linux, or when it could not be told apart. */
    public Optional<Integer> epollFd() {
        return epollFd;
    }

    @Override
    public String name() {
        return "one Selector";
    }

    @Override
    public InetSocketAddress address() {
        return Servers.address(listening);
    }

    @Override
    public List<Long> threadIds() {
        return Servers.idWhileAlive(thread);
    }

    private void serve() {
        try {
            while (!closed) {
                selector.select();
                Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
                while (ready.hasNext()) {
                    SelectionKey key = ready.next();
                    ready.remove();
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isAcceptable()) {
                        accept();
                    } else if (!echo(key)) {
                        key.cancel();
                        Servers.closeQuietly(key.channel());
                    }
                }
            }
        } catch (IOException selectorFailed) {
            // the selector was closed under it: nothing left to serve
        } finally {
            for (SelectionKey key : selector.keys()) {
                Servers.closeQuietly(key.channel());
            }
            Servers.closeQuietly(listening);
            Servers.closeQuietly(selector);
        }
    }

    private void accept() throws IOException {
        SocketChannel client;
        while ((client = listening.accept()) != null) {
            client.configureBlocking(false);
            // A send buffer of fixed, small size: Linux would otherwise grow it until no echo ever waits, and the
            // kernel's view would never show OP_WRITE.
            client.setOption(StandardSocketOptions.SO_SNDBUF, SEND_BUFFER);
            client.register(selector, SelectionKey.OP_READ, ByteBuffer.allocate(4096).flip());
        }
    }

    /** Reads what came and writes back what it can; false once the client has gone. */
    private static boolean echo(SelectionKey key) {
        SocketChannel client = (SocketChannel) key.channel();
        ByteBuffer pending = (ByteBuffer) key.attachment();
        try {
            if (key.isReadable() && !pending.hasRemaining()) {
                pending.clear();
                if (client.read(pending) < 0) {
                    return false;
                }
                pending.flip();
            }
            client.write(pending);
            // Interest in writing only while bytes wait to go out: otherwise select would never wait.
            key.interestOps(pending.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
            return true;
        } catch (IOException reset) {
            return false;
        }
    }

    @Override
    public void close() {
        closed = true;
        selector.wakeup();
        Servers.join(thread);
        if (thread.getState() == Thread.State.NEW) {
            Servers.closeQuietly(listening);
            Servers.closeQuietly(selector);
        }
    }

    private static Set<Integer> epollInstances() {
        try {
            return EpollInterest.available() ? EpollInterest.instances() : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static Optional<Integer> openedSince(Set<Integer> before) {
        try {
            return EpollInterest.openedSince(before);
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
