package dev.tutor.runtime.net;

import dev.tutor.runtime.loop.TurnTraceFormatter;
import java.time.Duration;

/**
 * Starts one server by name until Enter is pressed, the way {@code tutor serve} will, for trying real
 * clients by hand. Usage: {@code ServeDemo http|echo|trickle|slow-reader [port] [delayMs] [trace]}.
 */
public final class ServeDemo {

    private ServeDemo() {
    }

    public static void main(String[] args) throws Exception {
        ServerKind kind = ServerKind.fromName(args.length > 0 ? args[0] : "http");
        ServerOptions options = ServerOptions.defaults()
                .withPort(args.length > 1 ? Integer.parseInt(args[1]) : 0);
        if (args.length > 2) options = options.withDelay(Duration.ofMillis(Long.parseLong(args[2])));
        if (args.length > 3) options = options.withListener(new TurnTraceFormatter(System.out::println));
        try (LoopbackServer server = kind.start(options)) {
            System.out.println(server.describe());
            System.in.read();
        }
    }
}
