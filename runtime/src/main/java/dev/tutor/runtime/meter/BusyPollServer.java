package dev.tutor.runtime.meter;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The meters' busy-polling echo server: one thread, every socket non-blocking, and a loop that calls
 * {@code accept} and {@code read} on each of them over and over, with no selector to say which is ready.
 *
 * <p>It is the mistake lesson 8 warns of, kept on purpose: it answers as fast as the others, but its thread never
 * waits, so it burns a whole core even when no client sends anything. It runs until {@link #close()}.
 */
public final class BusyPollServer implements MeteredServer {
    private final ServerSocketChannel listening;
    private final Thread thread;
    private volatile boolean closed;

    private BusyPollServer(ServerSocketChannel listening) {
        this.listening = listening;
        this.thread = Servers.daemon("meter-busy-poll", this::poll);
    }

    /** Listens on 127.0.0.1 at a port the system picks and starts polling. */
    public static BusyPollServer start() throws IOException {
        BusyPollServer server = new BusyPollServer(Servers.listenOnLoopback());
        server.thread.start();
        return server;
    }

    @Override
    public String name() {
        return "busy polling";
    }

    @Override
    public InetSocketAddress address() {
        return Servers.address(listening);
    }

    @Override
    public List<Long> threadIds() {
        return Servers.idWhileAlive(thread);
    }

    private void poll() {
        List<SocketChannel> clients = new ArrayList<>();
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        try {
            while (!closed) {
                SocketChannel client = listening.accept(); // null at once when nobody is waiting
                if (client != null) {
                    client.configureBlocking(false);
                    clients.add(client);
                }
                for (Iterator<SocketChannel> it = clients.iterator(); it.hasNext(); ) {
                    SocketChannel c = it.next();
                    if (!echoOnce(c, buffer)) {
                        it.remove();
                        Servers.closeQuietly(c);
                    }
                }
            }
        } catch (IOException acceptFailed) {
            // the listening socket failed (closed under it): nothing left to serve
        } finally {
            clients.forEach(Servers::closeQuietly);
            Servers.closeQuietly(listening);
        }
    }

    /** Echoes what {@code c} has now, if anything; false once the client has gone. */
    private static boolean echoOnce(SocketChannel c, ByteBuffer buffer) {
        try {
            buffer.clear();
            int n = c.read(buffer); // 0 at once when nothing came: and round the loop goes again
            if (n < 0) {
                return false;
            }
            buffer.flip();
            while (buffer.hasRemaining()) {
                c.write(buffer); // a few bytes on loopback: taken at once
            }
            return true;
        } catch (IOException reset) {
            return false;
        }
    }

    @Override
    public void close() {
        closed = true;
        Servers.join(thread);
        Servers.closeQuietly(listening); // in case the thread never ran
    }
}
