package dev.tutor.runtime.meter;

import dev.tutor.runtime.time.Clock;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A few clients that keep an echo server busy for a meter: each sends a small message, waits for all of it to
 * come back, records how long that took in a {@link LatencyWindow}, pauses, and goes again.
 *
 * <p>Bounded: each client stops after {@link Plan#maxRequests()} requests or once {@link Plan#maxTime()} has passed
 * on the clock, whichever comes first, and all of them stop when {@link #close()} is called, which returns only
 * once their threads have ended and their sockets are closed.
 */
public final class ProbeClients implements AutoCloseable {
    /**
     * How hard to probe.
     *
     * @param clients     how many clients, each on a thread and a connection of its own
     * @param message     the bytes each request sends
     * @param pause       how long a client waits between a reply and its next request
     * @param maxRequests the most requests one client sends
     * @param maxTime     the longest a client keeps sending
     */
    public record Plan(int clients, int message, Duration pause, long maxRequests, Duration maxTime) {
        public Plan {
            if (clients < 1 || message < 1 || maxRequests < 0) {
                throw new IllegalArgumentException("A probe needs a client, a byte to send and a request bound");
            }
        }
    }

    private final List<Thread> threads = new ArrayList<>();
    private final List<SocketChannel> sockets = new ArrayList<>();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile boolean closed;

    private ProbeClients() {
    }

    /** Connects {@code plan.clients()} clients to {@code server} and starts them. */
    public static ProbeClients start(InetSocketAddress server, Plan plan, LatencyWindow window, Clock clock)
            throws IOException {
        ProbeClients probes = new ProbeClients();
        long deadline = clock.nanoTime() + plan.maxTime().toNanos();
        try {
            for (int i = 0; i < plan.clients(); i++) {
                SocketChannel socket = SocketChannel.open(server);
                probes.sockets.add(socket);
                socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
                probes.threads.add(Servers.daemon("meter-probe-" + server.getPort() + "-" + i,
                        () -> probes.probe(socket, plan, window, clock, deadline)));
            }
        } catch (IOException e) {
            probes.close();
            throw e;
        }
        probes.threads.forEach(Thread::start);
        return probes;
    }

    /** Requests answered so far, by all the clients together. */
    public long requests() {
        return requests.get();
    }

    /** Clients that stopped because their connection failed. */
    public long failures() {
        return failures.get();
    }

    /** Waits until every client has stopped, by its bounds or by {@link #close()}. */
    public void awaitDone() throws InterruptedException {
        for (Thread t : threads) {
            t.join();
        }
    }

    private void probe(SocketChannel socket, Plan plan, LatencyWindow window, Clock clock, long deadline) {
        ByteBuffer out = ByteBuffer.allocate(plan.message());
        ByteBuffer in = ByteBuffer.allocate(plan.message());
        try {
            for (long sent = 0; sent < plan.maxRequests() && !closed && clock.nanoTime() < deadline; sent++) {
                out.clear();
                while (out.hasRemaining()) {
                    out.put((byte) ('a' + sent % 26));
                }
                out.flip();
                in.clear();
                long start = clock.nanoTime();
                while (out.hasRemaining()) {
                    socket.write(out);
                }
                while (in.hasRemaining()) {
                    if (socket.read(in) < 0) {
                        throw new IOException("the server closed the connection");
                    }
                }
                window.record(clock.nanoTime() - start);
                requests.incrementAndGet();
                if (!plan.pause().isZero()) {
                    LockSupport.parkNanos(plan.pause().toNanos()); // pacing the load, not waiting for a result
                }
            }
        } catch (IOException e) {
            if (!closed) {
                failures.incrementAndGet();
            }
        } finally {
            Servers.closeQuietly(socket);
        }
    }

    @Override
    public void close() {
        closed = true;
        sockets.forEach(Servers::closeQuietly); // a client blocked in read ends at once
        threads.forEach(t -> {
            if (t.getState() != Thread.State.NEW) {
                Servers.join(t);
            }
        });
    }
}
