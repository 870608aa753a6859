package dev.tutor.runtime.bench;

import dev.tutor.runtime.loop.EventLoop;
import dev.tutor.runtime.net.EchoServer;
import dev.tutor.runtime.net.LoopbackServer;
import dev.tutor.runtime.net.ServerOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Echo round trips per second against the bundled {@link EchoServer} (tracing off and on), a
 * thread-per-connection server on platform threads, and the same on virtual threads. A benchmark, not a
 * test: run it by hand on a quiet machine.
 *
 * <pre>
 * cd runtime &amp;&amp; mvn -q -o test-compile &amp;&amp; java -cp target/classes:target/test-classes \
 *     dev.tutor.runtime.bench.EchoBench [seconds per run, default 3] [connections, default 100]
 * </pre>
 *
 * The client is one {@link EventLoop} on the calling thread keeping every connection in ping-pong (send a
 * message, wait for all of it back, send again), so client and server share the machine's cores.
 */
public final class EchoBench {

    private static final int[] SIZES = {1024, 10 * 1024, 100 * 1024};

    private EchoBench() {
    }

    public static void main(String[] args) throws Exception {
        Duration run = Duration.ofSeconds(args.length > 0 ? Long.parseLong(args[0]) : 3);
        int connections = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        System.out.printf(Locale.ROOT, "Echo round trips per second, %d connections, %d s per run, %d cores, Java %s%n",
                connections, run.toSeconds(), Runtime.getRuntime().availableProcessors(), Runtime.version());
        System.out.printf(Locale.ROOT, "%-26s %12s %12s %12s%n", "server", "1 KiB", "10 KiB", "100 KiB");
        row("bundled loop", () -> EchoServer.start(), run, connections);
        row("bundled loop, traced", () -> EchoServer.start(ServerOptions.defaults().withListener(event -> { })),
                run, connections);
        row("platform thread/conn", () -> new BlockingEchoServer(false), run, connections);
        row("virtual thread/conn", () -> new BlockingEchoServer(true), run, connections);
    }

    private interface ServerFactory {
        LoopbackServer start() throws IOException;
    }

    private static void row(String name, ServerFactory factory, Duration run, int connections) throws Exception {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-26s", name));
        for (int size : SIZES) {
            try (LoopbackServer server = factory.start()) {
                pingPong(server.address(), connections, size, Duration.ofMillis(500)); // warm-up
                long trips = pingPong(server.address(), connections, size, run);
                line.append(String.format(Locale.ROOT, " %12.0f", trips / (run.toNanos() / 1e9)));
            }
        }
        System.out.println(line);
    }

    /** Keeps every connection in ping-pong for {@code run}; returns completed round trips. */
    static long pingPong(InetSocketAddress address, int connections, int size, Duration run) throws IOException {
        long[] trips = {0};
        List<SocketChannel> channels = new ArrayList<>();
        try (EventLoop loop = EventLoop.create()) {
            for (int i = 0; i < connections; i++) {
                SocketChannel channel = SocketChannel.open(address);
                channel.configureBlocking(false);
                channels.add(channel);
                new PingPong(loop, channel, size, trips).start();
            }
            loop.callLater(run, loop::stop);
            loop.runForever();
        } finally {
            for (SocketChannel channel : channels) channel.close();
        }
        return trips[0];
    }

    /** One client connection: send the message, read it all back, count, repeat. */
    private static final class PingPong {
        private final EventLoop loop;
        private final SocketChannel channel;
        private final ByteBuffer out;
        private final ByteBuffer in;
        private final long[] trips;

        PingPong(EventLoop loop, SocketChannel channel, int size, long[] trips) {
            this.loop = loop;
            this.channel = channel;
            this.out = ByteBuffer.allocate(size);
            this.in = ByteBuffer.allocate(size);
            this.trips = trips;
        }

        void start() throws IOException {
            loop.addReader(channel, this::onReadable);
            send();
        }

        private void send() throws IOException {
            out.clear();
            channel.write(out);
            if (out.hasRemaining()) loop.addWriter(channel, this::onWritable);
        }

        private void onWritable() {
            try {
                channel.write(out);
                if (!out.hasRemaining()) loop.removeWriter(channel);
            } catch (IOException e) {
                loop.removeWriter(channel);
            }
        }

        private void onReadable() {
            try {
                if (channel.read(in) < 0) {
                    loop.removeReader(channel);
                    return;
                }
                if (!in.hasRemaining() && !out.hasRemaining()) {
                    trips[0]++;
                    in.clear();
                    send();
                }
            } catch (IOException e) {
                loop.removeReader(channel);
            }
        }
    }

    /** The classic blocking server: one thread per connection, platform or virtual. */
    private static final class BlockingEchoServer implements LoopbackServer {
        private final ServerSocket listener;
        private final ExecutorService threads;
        private final List<Socket> sockets = new java.util.concurrent.CopyOnWriteArrayList<>();

        BlockingEchoServer(boolean virtual) throws IOException {
            listener = new ServerSocket(0, 2048, InetAddress.getLoopbackAddress());
            threads = virtual ? Executors.newVirtualThreadPerTaskExecutor() : Executors.newCachedThreadPool();
            threads.execute(this::acceptLoop);
        }

        private void acceptLoop() {
            while (!listener.isClosed()) {
                try {
                    Socket socket = listener.accept();
                    socket.setTcpNoDelay(true);
                    sockets.add(socket);
                    threads.execute(() -> echo(socket));
                } catch (IOException closed) {
                    return;
                }
            }
        }

        private static void echo(Socket socket) {
            byte[] buffer = new byte[64 * 1024];
            try (socket) {
                var in = socket.getInputStream();
                var out = socket.getOutputStream();
                int count;
                while ((count = in.read(buffer)) >= 0) out.write(buffer, 0, count);
            } catch (IOException closed) {
                // the client went away
            }
        }

        @Override
        public InetSocketAddress address() {
            return (InetSocketAddress) listener.getLocalSocketAddress();
        }

        @Override
        public dev.tutor.runtime.net.ServerKind kind() {
            return dev.tutor.runtime.net.ServerKind.ECHO;
        }

        @Override
        public void close() {
            try {
                listener.close();
                for (Socket socket : sockets) socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            threads.shutdownNow();
            try {
                threads.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
