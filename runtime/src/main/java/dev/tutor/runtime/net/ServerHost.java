package dev.tutor.runtime.net;

import dev.tutor.runtime.loop.EventLoop;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * What every loopback server shares: bind 127.0.0.1, accept connections on an {@link EventLoop}, run
 * that loop on a thread of its own, and tear it all down on close. Each server supplies only what to
 * do with a new connection.
 *
 * <p>Threads: {@link #start} and {@link #close} are called by the owner's thread; everything else runs
 * on the server thread, which owns the loop and the connection set.
 */
final class ServerHost implements LoopbackServer {

    /** How long start() and close() wait for the server thread before giving up. */
    private static final long THREAD_WAIT_SECONDS = 5;
    /** Accept at most this many connections per turn, so a connection storm cannot starve the others. */
    private static final int ACCEPTS_PER_TURN = 128;
    /** A backlog big enough for a thousand clients connecting at once. */
    private static final int BACKLOG = 2048;

    private final ServerKind kind;
    private final EventLoop loop;
    private final ServerSocketChannel listener;
    private final InetSocketAddress address;
    private final Consumer<SocketChannel> onConnection;
    private final Set<SocketChannel> connections = new HashSet<>();
    private final Thread thread;
    private final CountDownLatch running = new CountDownLatch(1);
    private volatile boolean closed;

    private ServerHost(ServerKind kind, ServerOptions options, Integer receiveBuffer,
                       java.util.function.Function<ServerHost, Consumer<SocketChannel>> handlerFactory)
            throws IOException {
        this.kind = kind;
        this.loop = EventLoop.create();
        if (options.listener() != null) {
            loop.addListener(options.listener());
        }
        this.listener = bind(options.port(), receiveBuffer);
        this.address = (InetSocketAddress) listener.getLocalAddress();
        this.onConnection = handlerFactory.apply(this);
        this.thread = new Thread(this::serve, "tutor-" + kind.cliName() + "-server-" + address.getPort());
        this.thread.setDaemon(true); // a forgotten server must not keep the JVM alive
    }

    /**
     * Binds, starts the loop thread and returns once the loop runs. {@code receiveBuffer}, when not
     * null, sets SO_RCVBUF for accepted sockets (they inherit it from the listening socket).
     */
    static ServerHost start(ServerKind kind, ServerOptions options, Integer receiveBuffer,
                            java.util.function.Function<ServerHost, Consumer<SocketChannel>> handlerFactory)
            throws IOException {
        ServerHost host = new ServerHost(kind, options, receiveBuffer, handlerFactory);
        host.loop.addReader(host.listener, host::acceptAll);
        host.loop.callSoon("server ready", host.running::countDown);
        host.thread.start();
        try {
            if (!host.running.await(THREAD_WAIT_SECONDS, TimeUnit.SECONDS)) {
                host.close();
                throw new IOException("The " + kind.cliName() + " server did not start within "
                        + THREAD_WAIT_SECONDS + " s.");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            host.close();
            throw new IOException("Interrupted while starting the " + kind.cliName() + " server.", e);
        }
        return host;
    }

    private static ServerSocketChannel bind(int port, Integer receiveBuffer) throws IOException {
        ServerSocketChannel channel = ServerSocketChannel.open();
        try {
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            if (receiveBuffer != null) {
                channel.setOption(StandardSocketOptions.SO_RCVBUF, receiveBuffer);
            }
            channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), BACKLOG);
            return channel;
        } catch (BindException e) {
            channel.close();
            throw port == 0 ? e : new PortInUseException(port);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private void serve() {
        try {
            loop.runForever();
        } finally {
            for (SocketChannel connection : connections) {
                closeQuietly(connection);
            }
            connections.clear();
            closeQuietly(listener);
            loop.close();
        }
    }

    private void acceptAll() {
        for (int i = 0; i < ACCEPTS_PER_TURN; i++) {
            SocketChannel connection;
            try {
                connection = listener.accept();
            } catch (IOException e) {
                return; // e.g. too many open files: try again next turn rather than die
            }
            if (connection == null) {
                return;
            }
            try {
                connection.configureBlocking(false);
                connection.setOption(StandardSocketOptions.TCP_NODELAY, true);
            } catch (IOException e) {
                closeQuietly(connection);
                continue;
            }
            connections.add(connection);
            onConnection.accept(connection);
        }
    }

    /** The loop the server runs on; use it only from the server's callbacks. */
    EventLoop loop() {
        return loop;
    }

    /** Closes a connection and forgets it. Called on the server thread. */
    void drop(SocketChannel connection) {
        connections.remove(connection);
        loop.removeReader(connection);
        loop.removeWriter(connection);
        closeQuietly(connection);
    }

    /** Returns how many connections are open now. Called on the server thread. */
    int connectionCount() {
        return connections.size();
    }

    @Override
    public InetSocketAddress address() {
        return address;
    }

    @Override
    public ServerKind kind() {
        return kind;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (thread.isAlive()) {
            try {
                loop.callSoonThreadsafe(loop::stop);
            } catch (IllegalStateException alreadyClosed) {
                // the thread is finishing on its own
            }
            try {
                thread.join(TimeUnit.SECONDS.toMillis(THREAD_WAIT_SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else if (thread.getState() == Thread.State.NEW) {
            closeQuietly(listener);
            loop.close();
        }
    }

    @Override
    public String toString() {
        return describe();
    }

    static void closeQuietly(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException ignored) {
            // Shutting down: nothing useful to do about a failed close.
        }
    }
}
