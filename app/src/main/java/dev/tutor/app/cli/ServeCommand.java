package dev.tutor.app.cli;

import dev.tutor.runtime.loop.TurnTraceFormatter;
import dev.tutor.runtime.net.LoopbackServer;
import dev.tutor.runtime.net.PortInUseException;
import dev.tutor.runtime.net.ServerKind;
import dev.tutor.runtime.net.ServerOptions;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tutor serve KIND [--port N] [--delay MS] [--trace]}: starts one of the bundled loopback servers
 * for lessons, Python snippets and real clients such as curl, until Ctrl-C.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Start a bundled server on 127.0.0.1 (http, echo, trickle or slow-reader) until Ctrl-C.")
final class ServeCommand implements Callable<Integer> {
    private final TutorContext context;

    @Parameters(index = "0", paramLabel = "KIND", description = "http, echo, trickle or slow-reader.")
    String kind;

    @Option(names = "--port", paramLabel = "N", description = "The port to listen on (default: a free one).")
    int port;

    @Option(names = "--delay", paramLabel = "MS", description = "Milliseconds: for http the wait before each"
            + " response (a request may name its own with /delay/N or ?delay=N); for trickle and slow-reader the"
            + " pause between pieces.")
    Long delayMillis;

    @Option(names = "--trace", description = "Print the server's event loop, one turn a line.")
    boolean trace;

    @Option(names = "--max-seconds", paramLabel = "S", hidden = true, description = "Stop after S seconds (scripts).")
    long maxSeconds;

    ServeCommand(TutorContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InterruptedException {
        ServerKind serverKind;
        try {
            serverKind = ServerKind.fromName(kind);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        ServerOptions options;
        try {
            options = ServerOptions.defaults().withPort(port)
                    .withDelay(delayMillis == null ? serverKind.defaultDelay() : Duration.ofMillis(delayMillis));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage()); // a port or a delay out of range
        }
        if (trace) {
            options = options.withListener(new TurnTraceFormatter(line -> {
                context.out().println(line);
                context.out().flush();
            }));
        }
        LoopbackServer server;
        try {
            server = serverKind.start(options);
        } catch (PortInUseException e) {
            throw new UsageException(e.getMessage());
        } catch (IOException e) {
            throw new UsageException("Could not start the " + serverKind.cliName() + " server: " + e.getMessage());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread onCtrlC = new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "tutor-serve-stop");
        Runtime.getRuntime().addShutdownHook(onCtrlC);
        context.out().println(server.describe() + " (Ctrl-C to stop)");
        context.out().flush();
        if (maxSeconds > 0) {
            stopped.await(maxSeconds, java.util.concurrent.TimeUnit.SECONDS);
        } else {
            stopped.await();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(onCtrlC);
        } catch (IllegalStateException ending) {
            // Ctrl-C: the hook itself ended the wait, and the JVM is on its way out
        }
        server.close();
        return TutorCommand.PASSED;
    }
}
