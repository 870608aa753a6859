package dev.tutor.runtime.meter;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The meters' thread-per-client echo server: one thread blocks in {@code accept}, and every client gets a thread
 * of its own that blocks in {@code read}. Idle, it costs no CPU: every thread waits in the kernel.
 *
 * <p>Unlike lesson 7's bare demo server, {@link #close()} also ends the connected clients and waits for every
 * thread, so that leaving the meters leaves nothing behind.
 */
public final class ThreadPerClientServer implements MeteredServer {
    private final ServerSocket listening;
    private final Thread acceptor;
    private final Set<Socket> clients = ConcurrentHashMap.newKeySet();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private ThreadPerClientServer(ServerSocket listening) {
        this.listening = listening;
        this.acceptor = Servers.daemon("meter-threads-accept", this::acceptClients);
        threads.add(acceptor);
    }

    /** Listens on 127.0.0.1 at a port the system picks and starts accepting. */
    public static ThreadPerClientServer start() throws IOException {
        ThreadPerClientServer server = new ThreadPerClientServer(new ServerSocket(0, 50,
                InetAddress.getLoopbackAddress()));
        server.acceptor.start();
        return server;
    }

    @Override
    public String name() {
        return "thread per client";
    }

    @Override
    public InetSocketAddress address() {
        return (InetSocketAddress) listening.getLocalSocketAddress();
    }

    @Override
    public List<Long> threadIds() {
        return threads.stream().filter(Thread::isAlive).map(Thread::threadId).toList();
    }

    private void acceptClients() {
        try {
            while (!closed) {
                Socket client = listening.accept();
                client.setTcpNoDelay(true);
                clients.add(client);
                Thread worker = Servers.daemon("meter-threads-" + client.getPort(), () -> echo(client));
                threads.add(worker);
                if (closed) { // close() may have gone through the clients before this one was added
                    Servers.closeQuietly(client);
                }
                worker.start();
            }
        } catch (IOException closedListener) {
            // close() closed the listening socket: stop accepting
        }
    }

    private void echo(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            byte[] buffer = new byte[4096];
            int n;
            while ((n = in.read(buffer)) != -1) {
                out.write(buffer, 0, n);
            }
        } catch (IOException reset) {
            // the client went away, or close() closed the socket under the read
        } finally {
            clients.remove(client);
        }
    }

    @Override
    public void close() {
        closed = true;
        Servers.closeQuietly(listening);
        clients.forEach(Servers::closeQuietly);
        threads.forEach(Servers::join);
    }
}
