package dev.tutor.exercises.tasks;

import dev.tutor.runtime.loop.Coroutine;
import dev.tutor.runtime.loop.EventLoop;
import dev.tutor.runtime.loop.Future;
import dev.tutor.runtime.loop.Step;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * One check of a status board, as a task on the bundled event loop: wait a moment, fetch a page, summarise
 * it, report. A board runs dozens of these on one loop, one task each ({@code loop.createTask(check)}).
 *
 * <p>What one check does, in order:
 * <ol>
 * <li>waits {@code pause} on the loop's clock, so that checks started together do not all hit the server at
 *     once;</li>
 * <li>connects to {@code server}, sends {@code GET <path> HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n}
 *     and reads the answer until the server closes the connection (the end of the stream), then closes its
 *     own channel;</li>
 * <li>takes the status code from the status line ({@code HTTP/1.1 404 Not Found} gives 404) and the body,
 *     everything after the first empty line, decoded as UTF-8;</li>
 * <li>calls {@code summarise} on the body. Summaries are CPU-bound and may take long, so it runs on
 *     {@code pool}, never on the loop thread, and its result comes back to the loop thread;</li>
 * <li>completes with {@code new Report(path, status, summary)}.</li>
 * </ol>
 *
 * <p>While one check waits (for its pause, the server, or its summary), every other task on the loop runs:
 * no step may hold the loop thread for longer than it takes to start the next wait.
 *
 * <p>Failures: if connecting, sending or reading fails, the task fails with that exception; an answer that
 * is not HTTP (no status line, or no empty line after the headers) fails it with an {@link IOException}; if
 * {@code summarise} throws, the task fails with that very exception, not wrapped in another. Whatever the
 * outcome, the check's channel is closed by the time its task ends, and the other checks on the loop carry on.
 * Called only on the loop thread, like every coroutine.
 */
public final class PageCheck implements Coroutine<PageCheck.Report> {

    /** What a check found: the path it fetched, the status code, and the summary of the body. */
    public record Report(String path, int status, String summary) {
    }

    private static final int PAUSE = 0;
    private static final int CONNECT = 1;
    private static final int SEND = 2;
    private static final int READ = 3;
    private static final int SUMMARY = 4;

    private final EventLoop loop;
    private final InetSocketAddress server;
    private final String path;
    private final Duration pause;
    private final Executor pool;
    private final Function<String, String> summarise;

    private final ByteBuffer buffer = ByteBuffer.allocate(8192);
    private final ByteArrayOutputStream response = new ByteArrayOutputStream();
    private int state = PAUSE;
    private Future<Void> pausing;
    private Future<SocketChannel> connecting;
    private Future<Void> sending;
    private Future<Integer> reading;
    private Future<String> summary;
    private SocketChannel channel;
    private int status;

    public PageCheck(EventLoop loop, InetSocketAddress server, String path, Duration pause, Executor pool,
                     Function<String, String> summarise) {
        this.loop = Objects.requireNonNull(loop, "loop");
        this.server = Objects.requireNonNull(server, "server");
        this.path = Objects.requireNonNull(path, "path");
        this.pause = Objects.requireNonNull(pause, "pause");
        this.pool = Objects.requireNonNull(pool, "pool");
        this.summarise = Objects.requireNonNull(summarise, "summarise");
    }

    @Override
    public Step<Report> resume() throws IOException {
        try {
            return next();
        } catch (IOException | RuntimeException failure) {
            closeChannel();
            throw failure;
        }
    }

    private Step<Report> next() throws IOException {
        switch (state) {
            case PAUSE -> {
                pausing = loop.sleep(pause);
                state = CONNECT;
                return Step.await(pausing);
            }
            case CONNECT -> {
                pausing.result();
                connecting = loop.connect(server);
                state = SEND;
                return Step.await(connecting);
            }
            case SEND -> {
                channel = connecting.result();
                String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
                sending = loop.sendAll(channel, ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
                state = READ;
                return Step.await(sending);
            }
            case READ -> {
                if (reading == null) {
                    sending.result();
                } else if (reading.result() == -1) { // the end of the stream: the whole answer is in
                    closeChannel();
                    String body = parse(response.toByteArray());
                    summary = summariseOnPool(body);
                    state = SUMMARY;
                    return Step.await(summary);
                } else {
                    response.write(buffer.array(), 0, buffer.position());
                }
                reading = loop.recv(channel, buffer.clear());
                return Step.await(reading);
            }
            default -> {
                return Step.done(new Report(path, status, summary.result()));
            }
        }
    }

    /** Runs summarise on the pool; the result, or what it threw, comes back through callSoonThreadsafe. */
    private Future<String> summariseOnPool(String body) {
        Future<String> result = loop.createFuture();
        pool.execute(() -> {
            String value;
            try {
                value = summarise.apply(body);
            } catch (RuntimeException | Error failure) {
                loop.callSoonThreadsafe(() -> result.setException(failure));
                return;
            }
            loop.callSoonThreadsafe(() -> result.setResult(value));
        });
        return result;
    }

    /** Keeps the status code; returns the body. */
    private String parse(byte[] bytes) throws IOException {
        String head = new String(bytes, StandardCharsets.ISO_8859_1);
        int end = head.indexOf("\r\n\r\n");
        if (!head.startsWith("HTTP/") || end == -1) {
            throw new IOException("Not an HTTP response from " + server + path);
        }
        String[] statusLine = head.substring(0, head.indexOf("\r\n")).split(" ", 3);
        status = Integer.parseInt(statusLine[1]);
        return new String(bytes, end + 4, bytes.length - end - 4, StandardCharsets.UTF_8);
    }

    private void closeChannel() throws IOException {
        if (channel != null) {
            channel.close();
        }
    }
}
