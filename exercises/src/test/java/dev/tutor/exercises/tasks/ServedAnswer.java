package dev.tutor.exercises.tasks;

import dev.tutor.exercises.tasks.AnswerRig.Kind;
import dev.tutor.exercises.tasks.AnswerRig.Page;
import dev.tutor.runtime.loop.EventLoop;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * One connection at {@link AnswerRig}'s server, for the fetch-tasks tests: it reads the request, plans the answer
 * of the page asked for (its status line, headers and body, or the broken answer of its {@link Kind}), cuts it
 * into pieces where a reader is likely to trip (inside the empty line, between the two bytes of a character) and
 * sends them one read at a time as the rig says. Called only on the loop thread.
 */
final class ServedAnswer {
    /** Whether the next answer without a status line has no first line at all, or an old one not HTTP's, in turn. */
    private static final AtomicInteger ODD_FIRST_LINES = new AtomicInteger();
    /** Which kind of bad status line comes next: a code that is not a number, or no code at all, in turn. */
    private static final AtomicInteger BAD_CODES = new AtomicInteger();

    private final EventLoop loop;
    /** The rig's draws for how answers are served, shared by every connection in the order they ask. */
    private final Random serving;
    private final Map<String, Page> pages;
    private final IntFunction<WatchedLoop.Fetch> fetchOnPort;
    /** Which answer of the run this is, from 1, written into its body so that answers can be told apart. */
    private final int number;

    final SocketChannel channel;
    final int clientPort;
    final ByteArrayOutputStream head = new ByteArrayOutputStream();
    boolean requested;
    Page page;
    String bodySent;
    final List<byte[]> pieces = new ArrayList<>();
    int next;
    long written;
    boolean endWithLastPiece;
    ByteBuffer pending;
    boolean finished;

    ServedAnswer(EventLoop loop, SocketChannel channel, int clientPort, int number, Random serving,
            Map<String, Page> pages, IntFunction<WatchedLoop.Fetch> fetchOnPort) {
        this.loop = loop;
        this.channel = channel;
        this.clientPort = clientPort;
        this.number = number;
        this.serving = serving;
        this.pages = pages;
        this.fetchOnPort = fetchOnPort;
    }

    void readRequest() {
        ByteBuffer buffer = ByteBuffer.allocate(1024);
        try {
            int n = channel.read(buffer);
            if (n < 0) {
                finish(false);
                return;
            }
            head.write(buffer.array(), 0, n);
        } catch (IOException e) {
            finish(false);
            return;
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        if (!text.contains("\r\n\r\n")) {
            return;
        }
        loop.removeReader(channel);
        requested = true;
        String[] words = text.substring(0, text.indexOf("\r\n")).split(" ");
        String path = words.length > 1 ? words[1] : "";
        page = pages.getOrDefault(path, new Page(path, Kind.OK, 404, "no such page", false));
        plan();
    }

    private void plan() {
        bodySent = page.body() + (page.body().isEmpty() ? "" : " (answer " + number + ")");
        byte[] body = bodySent.getBytes(StandardCharsets.UTF_8);
        String version = serving.nextInt(4) == 0 ? "HTTP/1.0 " : "HTTP/1.1 ";
        String headers = "Content-Type: text/plain; charset=utf-8\r\nContent-Length: " + body.length
                + "\r\nConnection: close\r\n";
        String head = switch (page.kind()) {
            case OK, RESET -> version + page.status() + " " + reason(page.status()) + "\r\n" + headers + "\r\n";
            case NO_STATUS_LINE -> (ODD_FIRST_LINES.getAndIncrement() % 2 == 0 ? "" : "ICY 200 OK\r\n") + headers
                    + "\r\n";
            case NO_BLANK_LINE -> version + "200 OK\r\nContent-Type: text/plain\r\n";
            case BAD_CODE -> (BAD_CODES.getAndIncrement() % 2 == 0 ? version + "2O0 OK" : version.trim()) + "\r\n"
                    + headers + "\r\n";
        };
        byte[] whole = concat(head.getBytes(StandardCharsets.ISO_8859_1), body);
        if (page.kind() == Kind.RESET) {
            whole = java.util.Arrays.copyOf(whole, 1 + serving.nextInt(whole.length - 1));
        }
        TreeSet<Integer> cuts = new TreeSet<>();
        int more = serving.nextInt(6);
        for (int i = 0; i < more && whole.length > 1; i++) {
            cuts.add(1 + serving.nextInt(whole.length - 1));
        }
        int blank = head.length() - 2; // inside the empty line: "\r\n" | "\r\n"
        if ((page.awkward() || serving.nextBoolean()) && blank > 0 && blank < whole.length) {
            cuts.add(blank);
        }
        int wide = firstWideChar(whole, head.length());
        if ((page.awkward() || serving.nextBoolean()) && wide > 0 && wide < whole.length) {
            cuts.add(wide); // between the two bytes of a UTF-8 character
        }
        int from = 0;
        for (int cut : cuts) {
            pieces.add(java.util.Arrays.copyOfRange(whole, from, cut));
            from = cut;
        }
        pieces.add(java.util.Arrays.copyOfRange(whole, from, whole.length));
        endWithLastPiece = page.kind() != Kind.RESET && serving.nextBoolean();
    }

    /** Whether the client has read everything sent so far, so that the next piece is a read of its own. */
    boolean canTakeMore() {
        if (!requested || finished || pending != null) {
            return false;
        }
        WatchedLoop.Fetch fetch = fetchOnPort.apply(clientPort);
        return fetch != null && fetch.bytesRead >= written;
    }

    void next() {
        if (next < pieces.size()) {
            send(pieces.get(next++));
            if (next == pieces.size() && endWithLastPiece && pending == null) {
                finish(false);
            }
        } else {
            finish(page.kind() == Kind.RESET);
        }
    }

    private void send(byte[] piece) {
        written += piece.length;
        ByteBuffer buffer = ByteBuffer.wrap(piece);
        try {
            channel.write(buffer);
            if (buffer.hasRemaining()) {
                pending = buffer;
                loop.addWriter(channel, this::flush);
            }
        } catch (IOException clientGone) {
            finish(false);
        }
    }

    private void flush() {
        try {
            channel.write(pending);
            if (!pending.hasRemaining()) {
                pending = null;
                loop.removeWriter(channel);
                if (next == pieces.size() && endWithLastPiece) {
                    finish(false);
                }
            }
        } catch (IOException clientGone) {
            loop.removeWriter(channel);
            pending = null;
            finish(false);
        }
    }

    void finish(boolean reset) {
        if (finished) {
            return;
        }
        finished = true;
        try {
            if (reset) {
                channel.setOption(StandardSocketOptions.SO_LINGER, 0);
            }
            channel.close();
        } catch (IOException ignored) {
            // closing our side; the client's outcome is what the test checks
        }
    }


    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 201 -> "Created";
            case 204 -> "No Content";
            case 301 -> "Moved Permanently";
            case 404 -> "Not Found";
            case 500 -> "Internal Server Error";
            default -> "Service Unavailable";
        };
    }

    private static int firstWideChar(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if ((bytes[i] & 0x80) != 0) {
                return i + 1;
            }
        }
        return -1;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
