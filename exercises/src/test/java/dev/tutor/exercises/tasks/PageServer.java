package dev.tutor.exercises.tasks;

import dev.tutor.exercises.tasks.ServedPage.Delivery;
import dev.tutor.runtime.loop.EventLoop;
import dev.tutor.runtime.time.FakeClock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The page server of a {@link Board}: a small HTTP/1.1 server on loopback, one thread per connection; test code, so
 * it may block. It keeps the clock at which each request reached it.
 *
 * <p>A page can be served in one write, as a head and then a body, or in pieces, each written only once the check
 * has read the one before (the {@link LoopRecorder} tells), cut inside the status line, inside the empty line and
 * between the two bytes of a character. Behind a gate it answers nobody until every request is in and every check
 * is waiting on a read, then holds the loop in a callback while it writes the first piece of every answer, so that
 * those reads complete in one turn.
 */
final class PageServer implements AutoCloseable {

    /** How long the gated server waits for every request; a blocking fetch holds the loop at least this long. */
    static final long GATE_NANOS = TimeUnit.MILLISECONDS.toNanos(1_500);

    /** The pages by path; a path with none is answered 404. */
    final Map<String, ServedPage> pages = new ConcurrentHashMap<>();
    /** When the request for each path reached the server, on the loop's clock. */
    final Map<String, Long> arrivals = new ConcurrentHashMap<>();
    /** How many requests the server waits for before it answers any; 0 for no gate. */
    volatile int gate;
    /** Set when the gate's time ran out before every request had arrived. */
    volatile boolean gateTimedOut;
    /** How many connections wait at the gate: meanwhile a loop in select is not stuck. */
    final AtomicInteger holding = new AtomicInteger();
    private long gateDeadline;
    private boolean holdStarted;
    private final CountDownLatch loopHeld = new CountDownLatch(1);
    private volatile CountDownLatch heldWrites;
    private final FakeClock clock;
    private final EventLoop loop;
    private final LoopRecorder recorder;
    /** Set on the loop thread when the server's hold has run, so that the hold is not timed as a step of a check. */
    private volatile boolean holdJustRan;
    private final ServerSocket listening;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    PageServer(FakeClock clock, EventLoop loop, LoopRecorder recorder) throws IOException {
        this.clock = clock;
        this.loop = loop;
        this.recorder = recorder;
        listening = new ServerSocket(0, 256, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "page-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * Whether the callback that just ran was the server's own hold, not a step of a check; forgets it once told.
     * Called only on the loop thread.
     */
    boolean holdJustRan() {
        if (holdJustRan) {
            holdJustRan = false;
            return true;
        }
        return false;
    }

    InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), listening.getLocalPort());
    }

    private void accept() {
        while (!listening.isClosed()) {
            try {
                Socket socket = listening.accept();
                sockets.add(socket);
                Thread serving = new Thread(() -> serve(socket), "page-server-conn");
                serving.setDaemon(true);
                serving.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        CountDownLatch held = null;
        try (socket) {
            socket.setSoTimeout(5_000);
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n") && head.size() < 8192) {
                int b = in.read();
                if (b < 0) {
                    return;
                }
                head.write(b);
            }
            String[] requestLine = head.toString(StandardCharsets.ISO_8859_1).split("\r\n")[0].split(" ");
            String path = requestLine.length > 1 ? requestLine[1] : "";
            arrivals.put(path, clock.nanoTime());
            held = awaitGate();
            ServedPage page = pages.get(path);
            OutputStream out = socket.getOutputStream();
            if (page != null && page.status() < 0 && page.status() != ServedPage.RESET_MIDWAY) {
                // not HTTP: text, then the end of the stream
                String text = page.status() == ServedPage.NO_STATUS_LINE ? "not an answer\r\n\r\n" + page.body()
                        : "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n" + page.body().replace('\n', ' ');
                out.write(text.getBytes(StandardCharsets.UTF_8));
                countDown(held);
                held = null;
                return;
            }
            int status = page == null ? 404 : page.status() == ServedPage.RESET_MIDWAY ? 200 : page.status();
            byte[] body = (page != null ? page.body() : "no such page").getBytes(StandardCharsets.UTF_8);
            String reason = switch (status) {
                case 200 -> "OK";
                case 204 -> "No Content";
                case 404 -> "Not Found";
                default -> "Internal Server Error";
            };
            byte[] headers = ("HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: text/plain; charset=utf-8\r\n"
                    + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1);
            byte[] answer = new byte[headers.length + body.length];
            System.arraycopy(headers, 0, answer, 0, headers.length);
            System.arraycopy(body, 0, answer, headers.length, body.length);
            Delivery delivery = page != null ? page.delivery() : Delivery.HEAD_THEN_BODY;
            if (page != null && page.status() == ServedPage.RESET_MIDWAY) {
                out.write(answer, 0, headers.length + body.length / 2);
                out.flush();
                countDown(held);
                held = null;
                recorder.awaitRead(path, headers.length + body.length / 2);
                socket.setSoLinger(true, 0); // close with a reset: the check's next read fails
                return;
            }
            int[] cuts = switch (delivery) {
                case ONE_WRITE -> new int[] {answer.length};
                case HEAD_THEN_BODY -> body.length == 0 ? new int[] {answer.length}
                        : new int[] {headers.length, answer.length};
                case PIECES -> pieces(answer, headers.length);
            };
            int from = 0;
            for (int cut : cuts) {
                out.write(answer, from, cut - from);
                out.flush();
                countDown(held);
                held = null;
                if (delivery == Delivery.PIECES && cut < answer.length) {
                    recorder.awaitRead(path, cut); // the next piece only once this one is read
                }
                from = cut;
            }
            socket.shutdownOutput();
            while (in.read() >= 0) {
                // the client has nothing more to say; wait for it to close
            }
        } catch (IOException ignored) {
            // a client that went away; the checks' own outcomes say what happened
        } finally {
            countDown(held);
        }
    }

    /** Cuts inside the status line, inside the empty line, and between the two bytes of a character. */
    private int[] pieces(byte[] answer, int headLength) {
        java.util.TreeSet<Integer> cuts = new java.util.TreeSet<>();
        cuts.add(1 + Math.floorMod(java.util.Arrays.hashCode(answer), 11)); // "HTTP/1.1 200" is 12 bytes
        cuts.add(headLength - 2);
        for (int i = headLength; i < answer.length; i++) {
            if ((answer[i] & 0xC0) == 0xC0) { // the first byte of a character of two or more
                cuts.add(i + 1);
                break;
            }
        }
        cuts.add(answer.length);
        int[] result = new int[cuts.size()];
        int i = 0;
        for (int cut : cuts) {
            result[i++] = cut;
        }
        return result;
    }

    private static void countDown(CountDownLatch latch) {
        if (latch != null) {
            latch.countDown();
        }
    }

    /** Returns the latch to count down once the first piece is written, or null if the loop is not held. */
    private CountDownLatch awaitGate() {
        int needed = gate;
        if (needed <= 0) {
            return null;
        }
        holding.incrementAndGet();
        try {
            return holdAtGate(needed);
        } finally {
            holding.decrementAndGet();
        }
    }

    private CountDownLatch holdAtGate(int needed) {
        boolean first;
        synchronized (this) {
            if (gateDeadline == 0) {
                gateDeadline = System.nanoTime() + GATE_NANOS;
                heldWrites = new CountDownLatch(needed);
            }
            notifyAll();
            while (arrivals.size() < needed && !gateTimedOut) {
                long left = gateDeadline - System.nanoTime();
                if (left <= 0) {
                    gateTimedOut = true;
                    notifyAll();
                    break;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }
            if (gateTimedOut) {
                return null;
            }
            first = !holdStarted;
            holdStarted = true;
        }
        if (first) {
            holdTheLoop(needed);
        }
        try {
            loopHeld.await(GATE_NANOS, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return heldWrites;
    }

    /** Once every check waits on a read, holds the loop in a callback until every first piece is written. */
    private void holdTheLoop(int needed) {
        long deadline = System.nanoTime() + GATE_NANOS;
        recorder.awaitPendingRecvs(needed, deadline);
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch writes = heldWrites;
        try {
            loop.callSoonThreadsafe(() -> {
                running.countDown();
                try {
                    writes.await(GATE_NANOS, TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                holdJustRan = true;
            });
            running.await(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (IllegalStateException | InterruptedException over) {
            // the loop is closed, or the test is over
        } finally {
            loopHeld.countDown();
        }
    }

    @Override
    public void close() {
        try {
            listening.close();
        } catch (IOException ignored) {
            // closing after the test
        }
        for (Socket socket : sockets) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing after the test
            }
        }
    }
}
