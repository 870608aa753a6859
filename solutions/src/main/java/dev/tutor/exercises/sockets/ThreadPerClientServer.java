package dev.tutor.exercises.sockets;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An echo server with a thread per client: one thread accepts connections, and every client it accepts
 * gets a platform thread of its own that sends back every byte the client sends. It is the shape of
 * Python's {@code socketserver.ThreadingTCPServer}, and of most servers written before event loops.
 *
 * <p>Blocking calls make each thread simple: a read waits until the client sends something, a write
 * waits until the kernel has room for it. While one client's thread waits, the others run.
 *
 * <p>The contract:
 * <ul>
 *   <li>{@link #start()} listens on 127.0.0.1 at a port the system picks, starts the accepting thread and
 *       returns at once; clients may connect as soon as it has returned.</li>
 *   <li>Each accepted client gets a new thread, which echoes what the client sends, as it comes, in
 *       whatever pieces. When the client ends its stream (it closed, or shut down its sending side: a read
 *       returns -1), the thread has echoed everything, closes the connection and ends. A client's thread
 *       ends when its connection does.</li>
 *   <li>A client that resets its connection, or fails in any other way, ends only its own thread; the
 *       server and every other client go on as if it had never been.</li>
 *   <li>{@link #close(Duration) close(limit)} stops accepting, closes every client's connection, and returns
 *       once every thread the server started, daemon or not, has ended: within milliseconds. It waits for
 *       them until {@code limit} after it was called, all of them together, and no longer: a thread that has
 *       still not ended by then (one stuck outside any socket call) is left running, and close(limit)
 *       returns all the same without throwing. With a limit of zero or less it closes just the same and
 *       does not wait.</li>
 *   <li>{@link #close()} is close(limit) with a limit of 5 seconds. Once every thread has ended, calling
 *       either of them again does nothing.</li>
 *   <li>Once the listening socket is closed, the accepting thread ends. An accept() that fails for another
 *       reason (the process is out of file descriptors, say) may end the accepting or skip that one
 *       client; the tests do not cause one.</li>
 *   <li>"Every thread the server started" is every thread that start(), the accepting thread and the
 *       clients' threads create, including one whose last lines are still running: a thread has ended when
 *       {@code isAlive()} says false, which {@code join()} waits for.</li>
 * </ul>
 */
public final class ThreadPerClientServer implements AutoCloseable {

    /**
     * How many connections the kernel may hold for this server before it accepts them. The default, 50,
     * is small for a few hundred clients connecting at once: requests beyond it wait a second or more.
     */
    private static final int BACKLOG = 1_000;
    private static final int BUFFER_BYTES = 8 * 1024;
    /** The limit of {@link #close()}: the most it waits for all the threads together. */
    private static final Duration CLOSE_LIMIT = Duration.ofSeconds(5);

    private final ServerSocket listening;
    private final Thread acceptor;
    /** Every client's socket while its thread serves it; a client's thread removes its own. */
    private final Set<Socket> clients = ConcurrentHashMap.newKeySet();
    /**
     * Every client's thread that may not have ended yet. A thread does not remove itself: it is still alive
     * while its last lines run, and close() must be able to join it until it has ended. The accepting thread
     * drops the ones that have ended whenever it adds one, so the set stays as large as the live threads.
     */
    private final Set<Thread> workers = ConcurrentHashMap.newKeySet();

    private ThreadPerClientServer(ServerSocket listening) {
        this.listening = listening;
        this.acceptor = new Thread(this::acceptClients, "echo-acceptor");
    }

    /** Starts the server: listening on 127.0.0.1 at a port the system picks, and accepting clients. */
    public static ThreadPerClientServer start() throws IOException {
        ServerSocket listening = new ServerSocket(0, BACKLOG, InetAddress.getLoopbackAddress());
        ThreadPerClientServer server = new ThreadPerClientServer(listening);
        server.acceptor.start();
        return server;
    }

    /** Where clients connect: 127.0.0.1 and the port the system picked. */
    public InetSocketAddress address() {
        return (InetSocketAddress) listening.getLocalSocketAddress();
    }

    /** Runs on the accepting thread: accepts clients until the listening socket is closed. */
    private void acceptClients() {
        while (true) {
            Socket client;
            try {
                client = listening.accept();
            } catch (IOException closed) {
                return; // close() closed the listening socket
            }
            // Registered before the thread starts, so that close() finds both even if the thread has not run yet.
            clients.add(client);
            Thread worker = new Thread(() -> serve(client), "echo-client-" + client.getPort());
            workers.removeIf(ended -> !ended.isAlive());
            workers.add(worker);
            worker.start();
        }
    }

    /** Runs on a client's own thread: echoes what the client sends until it ends its stream. */
    private void serve(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            byte[] buffer = new byte[BUFFER_BYTES];
            int count;
            while ((count = in.read(buffer)) != -1) {
                out.write(buffer, 0, count);
            }
        } catch (IOException resetOrClosed) {
            // this client reset its connection, or close() closed it: only this thread ends
        } finally {
            clients.remove(client);
        }
    }

    /** Closes the server as {@link #close(Duration)} does, with a limit of 5 seconds. */
    @Override
    public void close() {
        close(CLOSE_LIMIT);
    }

    /**
     * Stops accepting, closes every client's connection and waits for every thread the server started, until
     * {@code limit} after it was called.
     */
    public void close(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        try {
            listening.close();              // accept() throws, and the accepting thread ends
        } catch (IOException e) {
            // closing anyway
        }
        // Once the accepting thread has ended, no client can be added, so the sets below are complete.
        join(acceptor, deadline);
        for (Socket client : clients) {
            try {
                client.close();             // a thread blocked in read or write on it gets a SocketException
            } catch (IOException e) {
                // closing anyway
            }
        }
        for (Thread worker : workers) {
            join(worker, deadline);
        }
    }

    /** Waits for {@code thread} to end, but not past {@code deadline}; does not wait once it has passed. */
    private static void join(Thread thread, long deadline) {
        try {
            thread.join(Duration.ofNanos(deadline - System.nanoTime()));
        } catch (IllegalThreadStateException notStartedYet) {
            // registered, but the accepting thread, past the limit itself, has not started it: left as it is
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
