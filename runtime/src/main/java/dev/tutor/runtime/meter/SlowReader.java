package dev.tutor.runtime.meter;

import dev.tutor.runtime.time.Clock;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A client that makes an echo server wait to write: now and then it sends a burst bigger than the way back can
 * hold, then reads the echo a small piece at a time. Meanwhile the server's write is partial and a Selector server
 * asks for {@code OP_WRITE}, so the kernel's view shows write interest come and, once the echo is all read, go.
 *
 * <p>Its small receive buffer is what keeps the way back narrow. Bounded: at most {@code maxBursts} bursts, within
 * {@code maxTime} on the clock, and {@link #close()} stops it and returns once its thread has ended.
 */
public final class SlowReader implements AutoCloseable {
    /** Bytes a burst sends: more than the narrow way back holds, less than the way there, so no write blocks. */
    static final int BURST = 64 * 1024;
    /**
     * Bytes read at a time, and the pause between reads: a burst takes about 64 × 20 ms to read back, and the server
     * waits to write for the first few hundred milliseconds of that, until the echo left fits the way back.
     */
    private static final int PIECE = 1024;
    private static final Duration READ_PAUSE = Duration.ofMillis(20);
    private static final int RECEIVE_BUFFER = 8 * 1024;

    private final SocketChannel socket;
    private final Thread thread;
    private final AtomicLong echoed = new AtomicLong();
    private volatile boolean closed;

    private SlowReader(SocketChannel socket, Duration every, long maxBursts, Duration maxTime, Clock clock) {
        this.socket = socket;
        long deadline = clock.nanoTime() + maxTime.toNanos();
        this.thread = Servers.daemon("meter-slow-reader", () -> run(every, maxBursts, clock, deadline));
    }

    /** Connects to {@code server} and starts bursting every {@code every}. */
    public static SlowReader start(InetSocketAddress server, Duration every, long maxBursts, Duration maxTime,
                                   Clock clock) throws IOException {
        SocketChannel socket = SocketChannel.open();
        try {
            socket.setOption(StandardSocketOptions.SO_RCVBUF, RECEIVE_BUFFER); // before connecting: the window
            socket.connect(server);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        SlowReader reader = new SlowReader(socket, every, maxBursts, maxTime, clock);
        reader.thread.start();
        return reader;
    }

    /** The reader's own port: how its connection is told apart in the server's interest list. */
    public int localPort() {
        return socket.socket().getLocalPort();
    }

    /** Bytes that came back so far. */
    public long echoed() {
        return echoed.get();
    }

    /** Waits until the reader has stopped by its bounds or by {@link #close()}. */
    public void awaitDone() throws InterruptedException {
        thread.join();
    }

    private void run(Duration every, long maxBursts, Clock clock, long deadline) {
        ByteBuffer burst = ByteBuffer.allocate(BURST);
        ByteBuffer piece = ByteBuffer.allocate(PIECE);
        try {
            for (long n = 0; n < maxBursts && !closed && clock.nanoTime() < deadline; n++) {
                long began = clock.nanoTime();
                burst.clear();
                while (burst.hasRemaining()) {
                    socket.write(burst);
                }
                for (long left = BURST; left > 0 && !closed; ) {
                    LockSupport.parkNanos(READ_PAUSE.toNanos()); // reading slowly is the point
                    piece.clear().limit((int) Math.min(PIECE, left));
                    int got = socket.read(piece);
                    if (got < 0) {
                        return;
                    }
                    left -= got;
                    echoed.addAndGet(got);
                }
                long rest = every.toNanos() - (clock.nanoTime() - began);
                if (rest > 0 && !closed && n + 1 < maxBursts) {
                    LockSupport.parkNanos(rest);
                }
            }
        } catch (IOException e) {
            // closed under it by close(), or the server went away: either way, done
        } finally {
            Servers.closeQuietly(socket);
        }
    }

    @Override
    public void close() {
        closed = true;
        Servers.closeQuietly(socket);
        if (thread.getState() != Thread.State.NEW) {
            Servers.join(thread);
        }
    }
}
