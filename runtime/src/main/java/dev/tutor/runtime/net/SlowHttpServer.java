package dev.tutor.runtime.net;

import java.io.IOException;
import java.time.Duration;

/**
 * A slow HTTP/1.1 server for the fetch demos: every GET is answered after a delay, so a learner can
 * see ten requests take one delay when made concurrently and ten delays when made one by one.
 *
 * <p>The delay comes from the path ({@code GET /delay/200}), a query parameter ({@code ?delay=200}), or
 * the server's default ({@link ServerKind#HTTP}: 100 ms unless {@code --delay} says otherwise), in
 * milliseconds from 0 to 60000. Responses are real HTTP/1.1: status line, {@code Date},
 * {@code Content-Type}, {@code Content-Length} and a short text body naming the request. Connections
 * are kept alive (HTTP/1.1 default, or {@code Connection: keep-alive} on 1.0) and pipelined requests
 * are answered in order. HEAD is supported; other methods get 405. It runs on one {@code EventLoop}
 * thread and holds a thousand connections at once.
 */
public final class SlowHttpServer {

    private SlowHttpServer() {
    }

    /** Starts the server on a free port with the default delay. */
    public static LoopbackServer start() throws IOException {
        return start(ServerOptions.defaults());
    }

    /** Starts the server; throws {@link PortInUseException} if the requested port is taken. */
    public static LoopbackServer start(ServerOptions options) throws IOException {
        Duration defaultDelay = options.delayOr(ServerKind.HTTP.defaultDelay());
        return ServerHost.start(ServerKind.HTTP, options, null,
                host -> connection -> new HttpConnection(host, connection, defaultDelay).begin());
    }
}
