package dev.tutor.runtime.net;

import dev.tutor.runtime.loop.EventLoop;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * An echo server: every byte a client sends comes straight back. The "hello world" of network servers
 * and the partner of the echo-client exercises and the benchmark.
 *
 * <p>Each connection is two callbacks on one event loop: read what is there; write it back; if the
 * write is partial, stop reading and finish writing when the socket drains (so a client that never
 * reads cannot make the server buffer without limit).
 *
 * <p>Memory: all connections share ONE read buffer, because the loop runs one callback at a time and
 * a callback is done with the buffer when it returns. Only a connection whose write was partial keeps
 * the rest in a buffer of its own, until the socket drains. That is how an idle connection costs about a
 * kilobyte (the socket, its selection key and two small objects) instead of the 64 KiB of a buffer each:
 * ten thousand idle clients cost 10 MB, not 640 MB. The same idea as asyncio's selector transport,
 * which reads into a fresh {@code bytes} object per call and keeps only unsent data per connection.
 */
public final class EchoServer {

    /** Bytes read per callback per connection. */
    private static final int BUFFER = 64 * 1024;

    private EchoServer() {
    }

    /** Starts an echo server on a free port. */
    public static LoopbackServer start() throws IOException {
        return start(ServerOptions.defaults());
    }

    /** Starts an echo server; throws {@link PortInUseException} if the requested port is taken. */
    public static LoopbackServer start(ServerOptions options) throws IOException {
        return ServerHost.start(ServerKind.ECHO, options, null, host -> {
            // Direct: the socket reads into it and writes from it without copying through a temporary buffer.
            ByteBuffer shared = ByteBuffer.allocateDirect(BUFFER);
            return channel -> new Connection(host, channel, shared).begin();
        });
    }

    /** One client: read, write back, and keep what the socket would not take until it drains. */
    private static final class Connection {
        private final ServerHost host;
        private final EventLoop loop;
        private final SocketChannel channel;
        /** The server's read buffer, shared by all its connections; empty between callbacks. */
        private final ByteBuffer shared;
        private final Runnable onReadable = this::onReadable;
        /** The bytes a partial write left over, or null when everything was sent. */
        private ByteBuffer unsent;

        Connection(ServerHost host, SocketChannel channel, ByteBuffer shared) {
            this.host = host;
            this.loop = host.loop();
            this.channel = channel;
            this.shared = shared;
        }

        void begin() {
            loop.addReader(channel, onReadable);
        }

        private void onReadable() {
            try {
                shared.clear();
                int count = channel.read(shared);
                if (count < 0) {
                    host.drop(channel);
                    return;
                }
                shared.flip();
                channel.write(shared);
                if (shared.hasRemaining()) {
                    // The socket is full: keep the rest and stop reading until it has gone out.
                    unsent = ByteBuffer.allocate(shared.remaining()).put(shared).flip();
                    loop.removeReader(channel);
                    loop.addWriter(channel, this::onWritable);
                }
            } catch (IOException reset) {
                host.drop(channel);
            } finally {
                shared.clear();
            }
        }

        private void onWritable() {
            try {
                channel.write(unsent);
                if (!unsent.hasRemaining()) {
                    unsent = null;
                    loop.removeWriter(channel);
                    loop.addReader(channel, onReadable);
                }
            } catch (IOException reset) {
                host.drop(channel);
            }
        }

        @Override
        public String toString() {
            return "echo";
        }
    }
}
