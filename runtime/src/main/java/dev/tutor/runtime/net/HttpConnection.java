package dev.tutor.runtime.net;

import dev.tutor.runtime.loop.EventLoop;
import dev.tutor.runtime.loop.TimerHandle;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * One client connection of the {@link SlowHttpServer}, written as callbacks on the loop (asyncio's
 * "protocol" style): read until a request head is complete, start a timer for its delay, write the
 * response (waiting for the socket when the write is partial), then look at the next request.
 * One request is answered at a time, so pipelined requests get answers in order.
 * Called only on the server's loop thread.
 */
final class HttpConnection {

    /** The largest request head we accept; bigger gets 431 and a close. */
    private static final int MAX_HEAD = 16 * 1024;

    private final ServerHost host;
    private final EventLoop loop;
    private final SocketChannel channel;
    private final Duration defaultDelay;
    private final ByteBuffer in = ByteBuffer.allocate(MAX_HEAD);
    private ByteBuffer out;
    private TimerHandle pending;
    private boolean closeAfterResponse;
    private boolean reading;
    private long bodyToSkip;
    private int served;

    HttpConnection(ServerHost host, SocketChannel channel, Duration defaultDelay) {
        this.host = host;
        this.loop = host.loop();
        this.channel = channel;
        this.defaultDelay = defaultDelay;
    }

    void begin() {
        resumeReading();
    }

    private void resumeReading() {
        if (!reading) {
            reading = true;
            loop.addReader(channel, this::onReadable);
        }
    }

    private void pauseReading() {
        if (reading) {
            reading = false;
            loop.removeReader(channel);
        }
    }

    private void onReadable() {
        int count;
        try {
            count = channel.read(in);
        } catch (IOException reset) {
            close();
            return;
        }
        if (count < 0) {
            close(); // the client hung up; a timer still pending for it is cancelled
            return;
        }
        if (!in.hasRemaining()) {
            pauseReading(); // full: read more once the buffered requests are answered
        }
        nextRequest();
    }

    /** Starts answering the next complete request in the buffer, if nothing is in progress. */
    private void nextRequest() {
        if (pending != null || out != null || !channel.isOpen()) {
            return;
        }
        skipBody();
        int end = HttpRequest.headEnd(in.array(), in.position());
        if (end < 0) {
            if (!in.hasRemaining()) {
                respond(431, "Request head larger than " + MAX_HEAD + " bytes.\n", false, false);
            } else {
                resumeReading();
            }
            return;
        }
        HttpRequest request = HttpRequest.parse(in.array(), end);
        consume(end);
        bodyToSkip = request.bodyLength();
        skipBody();
        if (request.problem() != null) {
            respond(400, request.problem() + "\n", false, false);
        } else if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
            respond(405, "Method " + request.method() + " is not supported: use GET.\n", false, false);
        } else {
            Duration delay = request.delay() != null ? request.delay() : defaultDelay;
            String body = "Hello from the tutor's slow server: " + request.method() + " " + request.target()
                    + " answered after " + delay.toMillis() + " ms (request " + (++served)
                    + " on this connection).\n";
            boolean head = request.method().equals("HEAD");
            if (delay.isZero()) {
                respond(200, body, request.keepAlive(), head);
            } else {
                pending = loop.callLater(delay, () -> {
                    pending = null;
                    respond(200, body, request.keepAlive(), head);
                });
            }
        }
    }

    private void skipBody() {
        if (bodyToSkip > 0) {
            int skip = (int) Math.min(bodyToSkip, in.position());
            consume(skip);
            bodyToSkip -= skip;
        }
    }

    private void consume(int bytes) {
        in.flip().position(bytes);
        in.compact();
    }

    private void respond(int status, String body, boolean keepAlive, boolean headOnly) {
        byte[] content = body.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " " + reason(status) + "\r\n"
                + "Server: tutor-slow-http\r\n"
                + "Date: " + DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC)) + "\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: " + content.length + "\r\n"
                + (status == 405 ? "Allow: GET, HEAD\r\n" : "")
                + "Connection: " + (keepAlive ? "keep-alive" : "close") + "\r\n\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.ISO_8859_1);
        out = ByteBuffer.allocate(headBytes.length + (headOnly ? 0 : content.length));
        out.put(headBytes);
        if (!headOnly) out.put(content);
        out.flip();
        closeAfterResponse = !keepAlive;
        flush();
    }

    private void flush() {
        try {
            channel.write(out);
        } catch (IOException reset) {
            close();
            return;
        }
        if (out.hasRemaining()) {
            loop.addWriter(channel, this::flush); // partial write: finish when the socket drains
            return;
        }
        loop.removeWriter(channel);
        out = null;
        if (closeAfterResponse) {
            close();
        } else {
            nextRequest();
        }
    }

    private void close() {
        if (pending != null) {
            pending.cancel();
            pending = null;
        }
        host.drop(channel);
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 405 -> "Method Not Allowed";
            case 431 -> "Request Header Fields Too Large";
            default -> "Error";
        };
    }
}
