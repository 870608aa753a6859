package dev.tutor.runtime.net;

import dev.tutor.runtime.loop.EventLoop;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A server that answers slowly, a few bytes at a time, so a client's reads come back partial: the
 * lesson that one {@code recv} is not one message.
 *
 * <p>Send it an HTTP request (or any lines ending with an empty line); it answers with a complete
 * HTTP/1.1 response ({@code Content-Length} set, {@code Connection: close}) written {@link #CHUNK}
 * bytes at a time with the server's delay between pieces (50 ms by default), then closes its side.
 * {@code curl} and Python's {@code urllib} read it like any other response.
 */
public final class TrickleServer {

    /** Bytes sent per piece. */
    public static final int CHUNK = 4;

    /** The body every response carries. */
    public static final String BODY = "This answer arrives a few bytes at a time: keep reading until you have it all.\n";

    private TrickleServer() {
    }

    /** Starts a trickle server on a free port with the default delay. */
    public static LoopbackServer start() throws IOException {
        return start(ServerOptions.defaults());
    }

    /** Starts a trickle server; throws {@link PortInUseException} if the requested port is taken. */
    public static LoopbackServer start(ServerOptions options) throws IOException {
        Duration pause = options.delayOr(ServerKind.TRICKLE.defaultDelay());
        return ServerHost.start(ServerKind.TRICKLE, options, null,
                host -> channel -> new Connection(host, channel, pause).begin());
    }

    /** One client: wait for the request head, then one timer tick per piece of the answer. */
    private static final class Connection {
        private final ServerHost host;
        private final EventLoop loop;
        private final SocketChannel channel;
        private final Duration pause;
        private final ByteBuffer in = ByteBuffer.allocate(16 * 1024);
        private ByteBuffer out;

        Connection(ServerHost host, SocketChannel channel, Duration pause) {
            this.host = host;
            this.loop = host.loop();
            this.channel = channel;
            this.pause = pause;
        }

        void begin() {
            loop.addReader(channel, this::onReadable);
        }

        private void onReadable() {
            try {
                if (!in.hasRemaining()) in.clear(); // after the answer started, input is only drained
                if (channel.read(in) < 0) {
                    host.drop(channel);
                    return;
                }
            } catch (IOException reset) {
                host.drop(channel);
                return;
            }
            if (out == null && HttpRequest.headEnd(in.array(), in.position()) >= 0) {
                byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
                String head = "HTTP/1.1 200 OK\r\nServer: tutor-trickle\r\nContent-Type: text/plain; charset=utf-8\r\n"
                        + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
                byte[] headBytes = head.getBytes(StandardCharsets.ISO_8859_1);
                out = ByteBuffer.allocate(headBytes.length + body.length).put(headBytes).put(body).flip();
                sendPiece();
            }
            // Keep reading (and discarding) so the close at the end is a clean FIN, not a reset.
        }

        private void sendPiece() {
            if (!channel.isOpen()) {
                return;
            }
            int end = Math.min(out.position() + CHUNK, out.limit());
            ByteBuffer piece = out.duplicate().limit(end);
            try {
                channel.write(piece); // a few bytes always fit in an empty send buffer
                out.position(piece.position());
                if (out.hasRemaining()) {
                    loop.callLater(pause, this::sendPiece);
                } else {
                    channel.shutdownOutput(); // our half is done; the client closes its half when it has read
                }
            } catch (IOException reset) {
                host.drop(channel);
            }
        }

        @Override
        public String toString() {
            return "trickle";
        }
    }
}
