package dev.tutor.runtime.net;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * A small HTTP server for tests that must know, without trusting the clock, whether a client's requests
 * were really in flight together: it holds every answer at a gate until enough requests have arrived.
 *
 * <p>It serves {@code GET /page/I} for pages 0 to {@code pages - 1}, on 127.0.0.1 and a free port. The gate
 * opens for everybody once {@code limit} requests are in flight at the same time (after a further
 * {@code grace}, so that a client sending more than it should is seen doing so), once every page has been
 * asked for, or when {@code timeOut} has passed since the first request. Held pages are then answered
 * {@code stagger} apart, the last held page first, so a client that collects answers in arrival order gets
 * them out of order. One page may answer 500. The server counts the most requests it saw in flight at once,
 * and how many had arrived when the gate opened. Each connection gets a thread and one answer.
 *
 * <p>A thread per connection is fine here: the server exists to observe a client, not to be fast.
 */
public final class GateServer implements AutoCloseable {
    private final ServerSocket socket;
    private final int pages;
    private final int limit;
    private final Duration timeOut;
    private final Duration grace;
    private final Duration stagger;
    private final int brokenPage;
    private final IntConsumer onArrival;
    private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "gate-server");
        thread.setDaemon(true);
        return thread;
    });
    // guarded by this
    private int arrived;
    private int inFlight;
    private int mostInFlight;
    private int arrivedWhenOpened = -1;
    private boolean open;
    private long firstArrivalNanos;
    private long limitReachedNanos;

    private GateServer(int pages, int limit, Duration timeOut, Duration grace, Duration stagger, int brokenPage,
                       IntConsumer onArrival) throws IOException {
        if (pages < 1 || limit < 1 || limit > pages) {
            throw new IllegalArgumentException("need 1 <= limit <= pages, not limit " + limit + " of " + pages);
        }
        this.pages = pages;
        this.limit = limit;
        this.timeOut = timeOut;
        this.grace = grace;
        this.stagger = stagger;
        this.brokenPage = brokenPage;
        this.onArrival = onArrival;
        this.socket = new ServerSocket();
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        threads.execute(this::acceptAll);
    }

    /**
     * Starts a gate server; when this returns it is listening.
     *
     * @param pages      how many pages it serves
     * @param limit      how many requests in flight at once open the gate
     * @param timeOut    how long after the first request the gate opens anyway
     * @param grace      how long the gate stays shut after the limit is reached
     * @param stagger    the gap between the answers of the held pages
     * @param brokenPage a page that answers 500, or -1 for none
     * @param onArrival  called with the page number as each request arrives, on the server's thread
     */
    public static GateServer start(int pages, int limit, Duration timeOut, Duration grace, Duration stagger,
                                   int brokenPage, IntConsumer onArrival) throws IOException {
        return new GateServer(pages, limit, timeOut, grace, stagger, brokenPage, onArrival);
    }

    /** The body page {@code index} answers with. */
    public static String bodyFor(int index) {
        return "body of page " + index;
    }

    /** The addresses of every page, in page order. */
    public List<URI> pages() {
        List<URI> uris = new ArrayList<>();
        for (int i = 0; i < pages; i++) {
            uris.add(URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/page/" + i));
        }
        return uris;
    }

    /** The most requests that were in flight at the same moment. */
    public synchronized int mostInFlight() {
        return mostInFlight;
    }

    /** How many requests had arrived when the gate opened, or -1 while it is shut. */
    public synchronized int arrivedBeforeFirstAnswer() {
        return arrivedWhenOpened;
    }

    private void acceptAll() {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                threads.execute(() -> serve(client));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            client.setSoTimeout(5_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(),
                    StandardCharsets.ISO_8859_1));
            String requestLine = in.readLine();
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                // the headers say nothing this server needs
            }
            int index = Integer.parseInt(requestLine.split(" ")[1].substring("/page/".length()));
            arrive();
            onArrival.accept(index);
            boolean held = waitAtTheGate();
            if (held && index < limit) {
                Thread.sleep(stagger.multipliedBy(limit - 1 - index));
            }
            boolean broken = index == brokenPage;
            byte[] body = (broken ? "page " + index + " is broken" : bodyFor(index)).getBytes(StandardCharsets.UTF_8);
            String head = (broken ? "HTTP/1.1 500 Internal Server Error" : "HTTP/1.1 200 OK")
                    + "\r\nContent-Type: text/plain\r\nContent-Length: " + body.length
                    + "\r\nConnection: close\r\n\r\n";
            synchronized (this) {
                inFlight--; // before the answer leaves, so the client's next request cannot be counted early
            }
            OutputStream out = client.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
        } catch (IOException | RuntimeException | InterruptedException e) {
            // the test is over, or the client went away: the test reports what the server saw
        }
    }

    private synchronized void arrive() {
        long now = System.nanoTime();
        if (arrived++ == 0) {
            firstArrivalNanos = now;
        }
        inFlight++;
        mostInFlight = Math.max(mostInFlight, inFlight);
        if (inFlight >= limit && limitReachedNanos == 0) {
            limitReachedNanos = now;
        }
        notifyAll();
    }

    /** Waits until the gate opens, opening it when its time has come; true when this request was held. */
    private synchronized boolean waitAtTheGate() throws InterruptedException {
        boolean held = !open;
        while (!open) {
            long now = System.nanoTime();
            long opensAt = firstArrivalNanos + timeOut.toNanos();
            if (limitReachedNanos != 0) {
                opensAt = Math.min(opensAt, limitReachedNanos + grace.toNanos());
            }
            if (arrived >= pages || now - opensAt >= 0) {
                open = true;
                arrivedWhenOpened = arrived;
                notifyAll();
            } else {
                TimeUnit.NANOSECONDS.timedWait(this, opensAt - now);
            }
        }
        return held;
    }

    /** Stops listening and ends the server's threads. */
    @Override
    public void close() throws IOException {
        socket.close();
        threads.shutdownNow();
    }
}
