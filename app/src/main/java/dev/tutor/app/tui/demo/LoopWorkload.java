package dev.tutor.app.tui.demo;

import dev.tutor.runtime.loop.EventLoop;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The loop demo's small workload on one {@link EventLoop}: a heartbeat timer every 400 ms, an echo server and a
 * client that pings it 250 ms after each reply, and every 6th heartbeat a callback that sleeps 60 ms, over the
 * slow-callback threshold, so the trace can flag it. The demo's speed divides the two periods: the loop runs in
 * real time, only its work comes more or less often, so its waits in select stay true. Called only on the loop thread, apart from {@link #install}
 * before the loop runs.
 */
final class LoopWorkload implements AutoCloseable {
    private static final long HEARTBEAT_NANOS = TimeUnit.MILLISECONDS.toNanos(400);
    private static final long PING_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    private static final int SLOW_EVERY = 6;
    private static final long SLOW_MILLIS = 60;

    private final EventLoop loop;
    private final java.util.function.DoubleSupplier speed;
    private final ServerSocketChannel server;
    private final List<SocketChannel> channels = new ArrayList<>();
    private final ByteBuffer buffer = ByteBuffer.allocate(1024);
    private SocketChannel client;
    private int beats;
    private int pings;

    /** A callback with a name for the trace. */
    private record Named(String name, Runnable body) implements Runnable {
        @Override
        public void run() {
            body.run();
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private LoopWorkload(EventLoop loop, ServerSocketChannel server, java.util.function.DoubleSupplier speed) {
        this.loop = loop;
        this.speed = speed;
        this.server = server;
    }

    /** Sets the workload up on {@code loop}, serving on the bound {@code server}. */
    static LoopWorkload install(EventLoop loop, ServerSocketChannel server, java.util.function.DoubleSupplier speed)
            throws IOException {
        LoopWorkload w = new LoopWorkload(loop, server, speed);
        loop.addReader(server, new Named("server-accept", w::accept));
        w.client = SocketChannel.open(server.getLocalAddress()); // loopback: connected once queued for accept
        w.channels.add(w.client);
        loop.addReader(w.client, new Named("client-reply", w::reply));
        loop.callSoon("client-send", w::send);
        loop.callAt(loop.time() + w.scaled(HEARTBEAT_NANOS), "heartbeat", w::heartbeat);
        return w;
    }

    private long scaled(long nanos) {
        return (long) (nanos / speed.getAsDouble());
    }

    private void heartbeat() {
        beats++;
        if (beats % SLOW_EVERY == 0) {
            loop.callSoon("slow-report", () -> {
                try {
                    Thread.sleep(SLOW_MILLIS); // blocking on the loop thread: exactly what not to do
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        loop.callAt(loop.time() + scaled(HEARTBEAT_NANOS), "heartbeat", this::heartbeat);
    }

    private void accept() {
        try {
            SocketChannel c = server.accept();
            if (c != null) {
                channels.add(c);
                loop.addReader(c, new Named("server-echo", () -> echo(c)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void echo(SocketChannel c) {
        try {
            buffer.clear();
            int n = c.read(buffer);
            if (n < 0) {
                loop.removeReader(c);
                c.close();
                return;
            }
            buffer.flip();
            c.write(buffer); // a few bytes: a loopback socket always takes them
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void send() {
        try {
            client.write(ByteBuffer.wrap(("ping " + ++pings + "\n").getBytes(StandardCharsets.US_ASCII)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void reply() {
        try {
            buffer.clear();
            if (client.read(buffer) > 0) {
                loop.callAt(loop.time() + scaled(PING_NANOS), "client-send", this::send);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        for (SocketChannel c : channels) {
            try {
                c.close();
            } catch (IOException ignored) {
                // closing on the way out; nothing to tell the learner
            }
        }
    }
}
