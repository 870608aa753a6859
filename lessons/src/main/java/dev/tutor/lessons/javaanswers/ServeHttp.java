package dev.tutor.lessons.javaanswers;

import dev.tutor.runtime.net.LoopbackServer;
import dev.tutor.runtime.net.ServerOptions;
import dev.tutor.runtime.net.SlowHttpServer;
import java.io.IOException;
import java.time.Duration;

/**
 * The slow HTTP server in a JVM of its own, for the demos of lesson 12: {@code ServeHttp DELAY_MS} starts
 * {@link SlowHttpServer} on a free loopback port, prints {@code port N}, and stops when its standard input
 * ends (the parent closes it, or dies) or after {@link #MOST} at the latest.
 *
 * <p>Why a JVM of its own: the server's side of ten thousand connections then counts against this
 * process's files, memory and CPU time, not against the client being measured or the demo that reports.
 */
public final class ServeHttp {

    /** The longest a forgotten server lives. */
    private static final Duration MOST = Duration.ofMinutes(5);

    private ServeHttp() {
    }

    public static void main(String[] args) throws IOException {
        Duration delay = Duration.ofMillis(Long.parseLong(args[0]));
        try (LoopbackServer server = SlowHttpServer.start(ServerOptions.defaults().withDelay(delay))) {
            System.out.println("port " + server.address().getPort());
            System.out.flush();
            Thread stdin = Thread.ofPlatform().daemon().start(() -> {
                try {
                    while (System.in.read() >= 0) {
                        // nothing is sent; end of input is the signal to stop
                    }
                } catch (IOException ignored) {
                    // the parent is gone: stop as at end of input
                }
            });
            stdin.join(MOST.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
