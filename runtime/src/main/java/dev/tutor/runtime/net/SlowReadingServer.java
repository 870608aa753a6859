package dev.tutor.runtime.net;

import dev.tutor.runtime.loop.EventLoop;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A server that reads slowly, so a client's non-blocking writes come back partial: the lesson that
 * one {@code send} may not send everything.
 *
 * <p>Its sockets have a small receive buffer ({@link #RECEIVE_BUFFER} bytes) and it reads at most
 * {@link #READ_SIZE} bytes per delay (20 ms by default). When the client shuts down its sending side
 * (end of stream), the server answers one line, {@code received N bytes}, and closes.
 */
public final class SlowReadingServer {

    /** SO_RCVBUF of accepted sockets; small, so the client's sending side fills up soon. */
    public static final int RECEIVE_BUFFER = 4 * 1024;
    /** Bytes read per delay. */
    public static final int READ_SIZE = 1024;

    private SlowReadingServer() {
    }

    /** Starts a slow-reading server on a free port with the default delay. */
    public static LoopbackServer start() throws IOException {
        return start(ServerOptions.defaults());
    }

    /** Starts a slow-reading server; throws {@link PortInUseException} if the requested port is taken. */
    public static LoopbackServer start(ServerOptions options) throws IOException {
        Duration pause = options.delayOr(ServerKind.SLOW_READER.defaultDelay());
        return ServerHost.start(ServerKind.SLOW_READER, options, RECEIVE_BUFFER,
                host -> channel -> new Connection(host, channel, pause).begin());
    }

    /** One client: a timer reads a little, again and again, until end of stream. */
    private static final class Connection {
        private final ServerHost host;
        private final EventLoop loop;
        private final SocketChannel channel;
        private final Duration pause;
        private final ByteBuffer sip = ByteBuffer.allocate(READ_SIZE);
        private long received;

        Connection(ServerHost host, SocketChannel channel, Duration pause) {
            this.host = host;
            this.loop = host.loop();
            this.channel = channel;
            this.pause = pause;
        }

        void begin() {
            loop.callLater(pause, this::readALittle);
        }

        private void readALittle() {
            if (!channel.isOpen()) {
                return;
            }
            try {
                sip.clear();
                int count = channel.read(sip);
                if (count < 0) {
                    channel.write(ByteBuffer.wrap(("received " + received + " bytes\n").getBytes(StandardCharsets.US_ASCII)));
                    host.drop(channel);
                    return;
                }
                received += count;
                loop.callLater(pause, this::readALittle);
            } catch (IOException reset) {
                host.drop(channel);
            }
        }

        @Override
        public String toString() {
            return "slow read";
        }
    }
}
