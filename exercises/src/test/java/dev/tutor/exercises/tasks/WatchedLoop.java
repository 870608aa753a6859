package dev.tutor.exercises.tasks;

import dev.tutor.runtime.loop.Coroutine;
import dev.tutor.runtime.loop.EventLoop;
import dev.tutor.runtime.loop.Future;
import dev.tutor.runtime.loop.Handle;
import dev.tutor.runtime.loop.LoopListener;
import dev.tutor.runtime.loop.Step;
import dev.tutor.runtime.loop.Task;
import dev.tutor.runtime.loop.TimerHandle;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectableChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The event loop as the learner's code sees it in the tests: the bundled loop, with every call written down.
 *
 * <p>It keeps, exactly and without timing anything: which thread made each call (only the loop's may), whether
 * a connect was made inside a step of a task, every fetch in the order its {@code connect} was called, with
 * its channel, the request sent on it, how many bytes were read from it and whether a read saw the end or
 * failed. So "how many fetches are in flight" is a count of connects whose channel is not yet closed, taken
 * at the very moment a new connect is made. Called on the loop thread, like the loop.
 */
final class WatchedLoop implements EventLoop {

    /** One call of connect: a fetch, from its connect until its channel is closed. */
    static final class Fetch {
        final int serial;
        final SocketAddress address;
        final Future<SocketChannel> connecting;
        SocketChannel channel;
        int localPort = -1;
        final StringBuilder request = new StringBuilder();
        long bytesRead;
        boolean sawEnd;
        Throwable readFailed;
        int recvPending;
        /** The buffer of the read pending on this fetch's channel, or null. */
        ByteBuffer reading;

        Fetch(int serial, SocketAddress address, Future<SocketChannel> connecting) {
            this.serial = serial;
            this.address = address;
            this.connecting = connecting;
        }

        boolean inFlight() {
            if (!connecting.isDone()) {
                return true;
            }
            SocketChannel connected = connected();
            return connected != null && connected.isOpen();
        }

        /** The channel the connect gave, or null while it is pending or when it failed. */
        SocketChannel connected() {
            if (!connecting.isDone() || connecting.isCancelled() || connecting.exception() != null) {
                return null;
            }
            return connecting.result();
        }

        /** The path of the request line sent on this channel, or null if none was sent. */
        String path() {
            String text = request.toString();
            int end = text.indexOf("\r\n");
            String[] words = (end < 0 ? text : text.substring(0, end)).split(" ");
            return words.length >= 2 ? words[1] : null;
        }

        int port() {
            return address instanceof InetSocketAddress inet ? inet.getPort() : -1;
        }
    }

    private final EventLoop loop;
    private final int limit;
    private final List<Fetch> fetches = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();
    private volatile Thread loopThread;
    private int stepsRunning;
    private int tasksCreated;
    private int mostInFlight;
    private final List<String> offThread = new java.util.concurrent.CopyOnWriteArrayList<>();
    private int unresolvedPort = -1;
    private boolean unresolvedThrows;

    WatchedLoop(EventLoop loop, int limit) {
        this.loop = loop;
        this.limit = limit;
    }

    /**
     * Makes every connect to {@code port} fail as a host name that does not resolve makes it fail, with an
     * {@link UnresolvedAddressException}, an unchecked exception, without touching the network: thrown by
     * {@code connect} itself when {@code thrown}, else as the failure of the future it returns (as the bundled loop
     * does).
     */
    void unresolved(int port, boolean thrown) {
        unresolvedPort = port;
        unresolvedThrows = thrown;
    }

    void loopThread(Thread thread) {
        loopThread = thread;
    }

    List<Fetch> fetches() {
        return fetches;
    }

    int inFlight() {
        int count = 0;
        for (Fetch fetch : fetches) {
            if (fetch.inFlight()) {
                count++;
            }
        }
        return count;
    }

    int mostInFlight() {
        return mostInFlight;
    }

    int tasksCreated() {
        return tasksCreated;
    }

    /** What went against the rules, in the order it happened. */
    List<String> violations() {
        List<String> all = new ArrayList<>(offThread);
        all.addAll(violations);
        return all;
    }

    Fetch fetchOnPort(int localPort) {
        for (Fetch fetch : fetches) {
            if (fetch.localPort == localPort) {
                return fetch;
            }
        }
        return null;
    }

    private void onLoopThread(String method) {
        Thread thread = Thread.currentThread();
        if (loopThread != null && thread != loopThread && offThread.size() < 5) {
            offThread.add(method + "() was called on the thread '" + thread.getName() + "', not on the loop's thread '"
                    + loopThread.getName() + "'");
        }
    }

    // ---- the calls a fetch makes: written down ----

    @Override
    public Future<SocketChannel> connect(SocketAddress address) {
        onLoopThread("connect");
        if (stepsRunning == 0 && violations.isEmpty()) {
            violations.add("loop.connect(" + address + ") was called outside the step of a task: each fetch must run"
                    + " as a task (loop.createTask), its connect inside the coroutine's resume()");
        }
        UnresolvedAddressException unresolved = null;
        Future<SocketChannel> connecting;
        if (address instanceof InetSocketAddress inet && inet.getPort() == unresolvedPort && unresolvedPort > 0) {
            unresolved = new UnresolvedAddressException();
            connecting = loop.createFuture();
            connecting.setException(unresolved);
        } else {
            connecting = loop.connect(address);
        }
        Fetch fetch = new Fetch(fetches.size(), address, connecting);
        fetches.add(fetch);
        int now = inFlight();
        mostInFlight = Math.max(mostInFlight, now);
        if (now > limit && violations.isEmpty()) {
            List<Integer> open = new ArrayList<>();
            for (Fetch f : fetches) {
                if (f.inFlight()) {
                    open.add(f.serial + 1);
                }
            }
            violations.add("connect number " + (fetch.serial + 1) + " made " + now + " fetches in flight with a limit of "
                    + limit + " (the connects whose channels were still open: numbers " + open + "). A fetch is in"
                    + " flight from its connect until its channel is closed; the next one may connect only once a"
                    + " place is free");
        }
        connecting.addDoneCallback(done -> {
            if (!done.isCancelled() && done.exception() == null) {
                fetch.channel = done.result();
                try {
                    fetch.localPort = ((InetSocketAddress) fetch.channel.getLocalAddress()).getPort();
                } catch (IOException | RuntimeException closedAlready) {
                    // a channel closed before this callback: it is not in flight either way
                }
            }
        });
        if (unresolved != null && unresolvedThrows) {
            throw unresolved;
        }
        return connecting;
    }

    @Override
    public Future<Void> sendAll(SocketChannel channel, ByteBuffer buffer) {
        onLoopThread("sendAll");
        Fetch fetch = byChannel(channel);
        if (fetch != null) {
            ByteBuffer copy = buffer.duplicate();
            byte[] bytes = new byte[copy.remaining()];
            copy.get(bytes);
            fetch.request.append(new String(bytes, StandardCharsets.ISO_8859_1));
        }
        return loop.sendAll(channel, buffer);
    }

    @Override
    public Future<Integer> recv(SocketChannel channel, ByteBuffer buffer) {
        onLoopThread("recv");
        Future<Integer> reading = loop.recv(channel, buffer);
        Fetch fetch = byChannel(channel);
        if (fetch != null) {
            checkOwnBuffer(fetch, buffer);
            fetch.recvPending++;
            fetch.reading = buffer;
            reading.addDoneCallback(done -> {
                fetch.recvPending--;
                fetch.reading = null;
                if (done.isCancelled()) {
                    return;
                }
                if (done.exception() != null) {
                    fetch.readFailed = done.exception();
                } else if (done.result() < 0) {
                    fetch.sawEnd = true;
                } else {
                    fetch.bytesRead += done.result();
                }
            });
        }
        return reading;
    }

    /**
     * Notes a violation when {@code buffer} shares its bytes with the buffer of a read still pending for another
     * fetch: both reads would land in the same place, and one fetch's answer would take in the other's bytes.
     */
    private void checkOwnBuffer(Fetch fetch, ByteBuffer buffer) {
        for (Fetch other : fetches) {
            if (other != fetch && other.reading != null && overlap(other.reading, buffer) && violations.isEmpty()) {
                violations.add("connect number " + (fetch.serial + 1) + " read into the same bytes as connect number "
                        + (other.serial + 1) + ", whose own read was still waiting: fetches that run at the same time"
                        + " must not share a buffer. Give each fetch a ByteBuffer, and a place for the bytes it has"
                        + " read, of its own");
            }
        }
    }

    /** Whether two buffers would write into any of the same bytes, between their positions and limits. */
    private static boolean overlap(ByteBuffer a, ByteBuffer b) {
        if (a == b) {
            return true;
        }
        if (!a.hasArray() || !b.hasArray() || a.array() != b.array()) {
            return false;
        }
        int aStart = a.arrayOffset() + a.position();
        int bStart = b.arrayOffset() + b.position();
        return aStart < b.arrayOffset() + b.limit() && bStart < a.arrayOffset() + a.limit();
    }

    private Fetch byChannel(SocketChannel channel) {
        for (Fetch fetch : fetches) {
            if (fetch.channel == channel || fetch.connected() == channel) {
                fetch.channel = channel;
                return fetch;
            }
        }
        return null;
    }

    @Override
    public <T> Task<T> createTask(Coroutine<T> coroutine) {
        return createTask(coroutine.getClass().getSimpleName(), coroutine);
    }

    @Override
    public <T> Task<T> createTask(String name, Coroutine<T> coroutine) {
        onLoopThread("createTask");
        tasksCreated++;
        Coroutine<T> watched = new Coroutine<>() {
            @Override
            public Step<T> resume() throws Exception {
                onLoopThread("a task's step, resume");
                stepsRunning++;
                try {
                    return coroutine.resume();
                } catch (Exception | Error escaped) {
                    if (violations.isEmpty()) {
                        violations.add("The step of a fetch task threw " + escaped + " out of resume(), where resume()"
                                + " never throws: any failure on the way, an unchecked exception as much as a checked"
                                + " one, closes the channel and ends the fetch with Result.failed(uri, e)");
                    }
                    throw escaped;
                } finally {
                    stepsRunning--;
                }
            }

            @Override
            public String toString() {
                return coroutine.toString();
            }
        };
        return loop.createTask(name, watched);
    }

    // ---- everything else: passed on, on the loop thread ----

    @Override
    public Handle callSoon(Runnable callback) {
        onLoopThread("callSoon");
        return loop.callSoon(callback);
    }

    @Override
    public Handle callSoon(String name, Runnable callback) {
        onLoopThread("callSoon");
        return loop.callSoon(name, callback);
    }

    @Override
    public Handle callSoonThreadsafe(Runnable callback) {
        return loop.callSoonThreadsafe(callback);
    }

    @Override
    public TimerHandle callLater(Duration delay, Runnable callback) {
        onLoopThread("callLater");
        return loop.callLater(delay, callback);
    }

    @Override
    public TimerHandle callAt(long whenNanos, Runnable callback) {
        onLoopThread("callAt");
        return loop.callAt(whenNanos, callback);
    }

    @Override
    public TimerHandle callAt(long whenNanos, String name, Runnable callback) {
        onLoopThread("callAt");
        return loop.callAt(whenNanos, name, callback);
    }

    @Override
    public long time() {
        return loop.time();
    }

    @Override
    public Handle addReader(SelectableChannel channel, Runnable callback) {
        onLoopThread("addReader");
        return loop.addReader(channel, callback);
    }

    @Override
    public boolean removeReader(SelectableChannel channel) {
        onLoopThread("removeReader");
        return loop.removeReader(channel);
    }

    @Override
    public Handle addWriter(SelectableChannel channel, Runnable callback) {
        onLoopThread("addWriter");
        return loop.addWriter(channel, callback);
    }

    @Override
    public boolean removeWriter(SelectableChannel channel) {
        onLoopThread("removeWriter");
        return loop.removeWriter(channel);
    }

    @Override
    public <T> Future<T> createFuture() {
        onLoopThread("createFuture");
        return loop.createFuture();
    }

    @Override
    public Future<Void> sleep(Duration delay) {
        onLoopThread("sleep");
        return loop.sleep(delay);
    }

    @Override
    public Future<SocketChannel> accept(ServerSocketChannel server) {
        onLoopThread("accept");
        return loop.accept(server);
    }

    @Override
    public void runForever() {
        loop.runForever();
    }

    @Override
    public <T> T runUntilComplete(Future<T> future) {
        return loop.runUntilComplete(future);
    }

    @Override
    public void runOnce() {
        loop.runOnce();
    }

    @Override
    public void stop() {
        onLoopThread("stop");
        loop.stop();
    }

    @Override
    public boolean isRunning() {
        return loop.isRunning();
    }

    @Override
    public boolean isClosed() {
        return loop.isClosed();
    }

    @Override
    public void addListener(LoopListener listener) {
        loop.addListener(listener);
    }

    @Override
    public void removeListener(LoopListener listener) {
        loop.removeListener(listener);
    }

    @Override
    public void close() {
        loop.close();
    }
}
