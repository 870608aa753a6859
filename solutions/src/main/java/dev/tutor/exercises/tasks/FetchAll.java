package dev.tutor.exercises.tasks;

import dev.tutor.runtime.loop.Coroutine;
import dev.tutor.runtime.loop.EventLoop;
import dev.tutor.runtime.loop.Future;
import dev.tutor.runtime.loop.Step;
import dev.tutor.runtime.loop.Task;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionException;

/**
 * Many fetches at once on one thread: {@code asyncio.gather} over fetch tasks, with an
 * {@code asyncio.Semaphore} that lets only so many talk to the servers at a time.
 *
 * <p>Exercise: complete {@link Fetch#resume()}, one fetch as a step-function coroutine, and
 * {@link #fetchAll}, which runs one task per address and gathers their results. {@link #request},
 * {@link #address} and {@link #parse} are done. Every address is {@code http://HOST:PORT/PATH}.
 */
public final class FetchAll {

    private FetchAll() {
    }

    /**
     * What one fetch gave: the status code and the body of the answer, or the exception it failed with.
     *
     * @param uri the address fetched
     * @param status the status code of the answer; -1 when the fetch failed
     * @param body the body of the answer, decoded as UTF-8; null when the fetch failed
     * @param failure what the fetch failed with; null when it succeeded
     */
    public record Result(URI uri, int status, String body, Exception failure) {

        /** A fetch that got an answer. */
        public static Result ok(URI uri, int status, String body) {
            return new Result(uri, status, Objects.requireNonNull(body, "body"), null);
        }

        /** A fetch that failed with {@code failure}. */
        public static Result failed(URI uri, Exception failure) {
            return new Result(uri, -1, null, Objects.requireNonNull(failure, "failure"));
        }

        /** Whether the fetch got an answer. */
        public boolean succeeded() {
            return failure == null;
        }
    }

    /**
     * Fetches every address in {@code uris} with {@code GET}, as tasks on {@code loop}, and returns a loop
     * future of their results, {@code results.get(i)} for {@code uris.get(i)}, whichever finishes first.
     *
     * <p>Each address is one fetch, one {@link Fetch} run as a task of its own: an address that appears twice
     * is fetched twice. A fetch is <em>in flight</em> from its {@code loop.connect} until its channel is
     * closed (or its connect fails). At most {@code limit} fetches are in flight at any moment, and while
     * fetches wait to start, exactly {@code limit} are: when one ends, the first one waiting starts at once,
     * before the loop waits for the network again. Fetches start in the order of {@code uris}.
     *
     * <p>A fetch closes its channel as soon as its answer has ended (the read that gives -1) or it has failed.
     * A fetch whose connect is refused, whose read fails (the server resets the connection halfway through the
     * answer) or whose answer {@link #parse} rejects gives {@code Result.failed(uri, e)} and ends: {@code e} is
     * the exception the connect, the read or parse failed with, not the {@code CompletionException} that
     * {@code Future.result()} wraps a checked exception in. Its place goes to the next fetch, and the others go
     * on. The returned future completes once every fetch has ended, with a list of every result; for an empty
     * list, with an empty list. It never fails.
     *
     * <p>Everything runs on the loop thread, as tasks of this loop: no thread, no pool, no blocking call, no
     * timer. A fetch waiting for its turn waits on a loop future that the fetch which frees its place
     * completes. Called on the loop thread, before the loop runs or from one of its callbacks.
     *
     * @param limit how many fetches may be in flight at once, at least 1
     * @throws IllegalArgumentException if {@code limit} is less than 1
     */
    public static Future<List<Result>> fetchAll(EventLoop loop, List<URI> uris, int limit) {
        Objects.requireNonNull(loop, "loop");
        List<URI> targets = List.copyOf(uris);
        if (limit < 1) {
            throw new IllegalArgumentException("limit < 1: " + limit);
        }
        Future<List<Result>> all = loop.createFuture();
        if (targets.isEmpty()) {
            all.setResult(List.of());
            return all;
        }
        Places places = new Places(loop, limit);
        Result[] results = new Result[targets.size()];
        int[] left = {targets.size()};
        for (int i = 0; i < targets.size(); i++) {
            int index = i;
            Task<Result> task = loop.createTask("fetch " + i, new Fetch(loop, places, targets.get(i)));
            task.addDoneCallback(done -> {
                places.release();
                results[index] = done.result();
                if (--left[0] == 0) {
                    all.setResult(Arrays.asList(results));
                }
            });
        }
        return all;
    }

    /**
     * The places in flight: a count of free ones and a FIFO queue of the fetches waiting for one, each a
     * loop future that {@link #release} completes. Called only on the loop thread.
     */
    private static final class Places {
        private final EventLoop loop;
        private final ArrayDeque<Future<Void>> waiting = new ArrayDeque<>();
        private int free;

        Places(EventLoop loop, int limit) {
            this.loop = loop;
            this.free = limit;
        }

        /** A future that is done once the caller holds a place. */
        Future<Void> take() {
            Future<Void> place = loop.createFuture();
            if (free > 0) {
                free--;
                place.setResult(null);
            } else {
                waiting.addLast(place);
            }
            return place;
        }

        /** Hands the place just freed to the first fetch waiting, or keeps it free. */
        void release() {
            Future<Void> next = waiting.pollFirst();
            if (next != null) {
                next.setResult(null);
            } else {
                free++;
            }
        }
    }

    /**
     * One fetch as a coroutine: wait for a place, connect, send the request, read until the server closes
     * the connection (-1), close the channel, parse. Any failure on the way closes the channel and ends the
     * fetch with a failed result: {@code resume()} never throws. Called only on the loop thread.
     */
    static final class Fetch implements Coroutine<Result> {
        private static final int WAIT_FOR_PLACE = 0;
        private static final int CONNECT = 1;
        private static final int SEND = 2;
        private static final int READ = 3;

        private final EventLoop loop;
        private final Places places;
        private final URI uri;
        private final ByteBuffer buffer = ByteBuffer.allocate(4096);
        private final ByteArrayOutputStream answer = new ByteArrayOutputStream();
        private int state = WAIT_FOR_PLACE;
        private Future<Void> place;
        private Future<SocketChannel> connecting;
        private Future<Void> sending;
        private Future<Integer> reading;
        private SocketChannel channel;

        Fetch(EventLoop loop, Places places, URI uri) {
            this.loop = loop;
            this.places = places;
            this.uri = uri;
        }

        @Override
        public Step<Result> resume() {
            try {
                return next();
            } catch (Exception failure) {
                close();
                // result() wraps a checked exception, such as a refused connect's, in a CompletionException
                Exception cause = failure instanceof CompletionException wrapped ? (Exception) wrapped.getCause()
                        : failure;
                return Step.done(Result.failed(uri, cause));
            }
        }

        private Step<Result> next() throws IOException {
            switch (state) {
                case WAIT_FOR_PLACE -> {
                    place = places.take();
                    state = CONNECT;
                    return Step.await(place);
                }
                case CONNECT -> { // the place is ours now
                    connecting = loop.connect(address(uri));
                    state = SEND;
                    return Step.await(connecting);
                }
                case SEND -> {
                    channel = connecting.result();
                    sending = loop.sendAll(channel, ByteBuffer.wrap(request(uri)));
                    state = READ;
                    return Step.await(sending);
                }
                default -> {
                    if (reading == null) {
                        sending.result();
                    } else if (reading.result() == -1) {
                        close();
                        return Step.done(parse(uri, answer.toByteArray()));
                    } else {
                        answer.write(buffer.array(), 0, buffer.position());
                    }
                    reading = loop.recv(channel, buffer.clear());
                    return Step.await(reading);
                }
            }
        }

        private void close() {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // closing after the answer or a failure: the result already says what happened
                }
            }
        }
    }

    /** The request for {@code uri}: {@code GET <path> HTTP/1.1} with a Host header and Connection: close. */
    static byte[] request(URI uri) {
        return ("GET " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** Where to connect for {@code uri}: its host and port. */
    static InetSocketAddress address(URI uri) {
        return new InetSocketAddress(uri.getHost(), uri.getPort());
    }

    /**
     * The result for a whole answer, as read up to the end of the stream: the status code from the status
     * line ({@code HTTP/1.1 404 Not Found} gives 404) and the body, everything after the first empty line,
     * decoded as UTF-8.
     *
     * @throws IOException if the answer is not HTTP: it does not start with {@code HTTP/}, its status code is
     *     not a number, or it has no empty line after its headers
     */
    static Result parse(URI uri, byte[] answer) throws IOException {
        String head = new String(answer, StandardCharsets.ISO_8859_1);
        int end = head.indexOf("\r\n\r\n");
        if (!head.startsWith("HTTP/") || end == -1) {
            throw new IOException("Not an HTTP answer from " + uri);
        }
        String[] statusLine = head.substring(0, head.indexOf("\r\n")).split(" ", 3);
        int status;
        try {
            status = Integer.parseInt(statusLine.length > 1 ? statusLine[1] : "");
        } catch (NumberFormatException e) {
            throw new IOException("No status code in the answer from " + uri + ": " + statusLine[0], e);
        }
        return Result.ok(uri, status, new String(answer, end + 4, answer.length - end - 4, StandardCharsets.UTF_8));
    }
}
