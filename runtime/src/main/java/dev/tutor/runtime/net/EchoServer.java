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
 */
public final class EchoServer {

    /** Bytes read per turn per connection. */
    private static final int BUFFER = 64 * 1024;

    private EchoServer() {
    }

    /** Starts an echo server on a free port. */
    public static LoopbackServer start() throws IOException {
        return start(ServerOptions.defaults());
    }

    /** Starts an echo server; throws {@link PortInUseException} if the requested port is taken. */
    public static LoopbackServer start(ServerOptions options) throws IOException {
        return ServerHost.start(ServerKind.ECHO, options, null, host -> channel -> new Connection(host, channel).begin());
    }

    /** One client: read, write back, and wait for the socket when a write is partial. */
    private static final class Connection {
        private final ServerHost host;
        private final EventLoop loop;
        private final SocketChannel channel;
        private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER);

        Connection(ServerHost host, SocketChannel channel) {
            this.host = host;
            this.loop = host.loop();
            this.channel = channel;
        }

        void begin() {
            loop.addReader(channel, this::onReadable);
        }

        private void onReadable() {
            try {
                int count = channel.read(buffer);
                if (count < 0) {
                    host.drop(channel);
                    return;
                }
                buffer.flip();
                channel.write(buffer);
                if (buffer.hasRemaining()) {
                    loop.removeReader(channel);
                    loop.addWriter(channel, this::onWritable);
                } else {
                    buffer.clear();
                }
            } catch (IOException reset) {
                host.drop(channel);
            }
        }

        private void onWritable() {
            try {
                channel.write(buffer);
                if (!buffer.hasRemaining()) {
                    buffer.clear();
                    loop.removeWriter(channel);
                    loop.addReader(channel, this::onReadable);
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
