package dev.tutor.runtime.loop;

import dev.tutor.runtime.time.Clock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * The event loop itself: a ready queue, a timer heap and a {@link Selector}, driven one turn at a time
 * by {@link #runOnce()} exactly as asyncio's {@code BaseEventLoop._run_once} is.
 *
 * <p>Read {@link #turn()} first: its five numbered phases are the whole idea. Everything else is
 * bookkeeping (timers in {@link TimerHeap}, registrations in {@link Registrations}, socket helpers in
 * {@link SocketOps}, events in {@link TurnReporter}).
 */
final class SelectorEventLoop implements EventLoop {

    /** asyncio caps the select time-out at one day so that a clock jump cannot park the loop for ever. */
    private static final long MAX_SELECT_TIMEOUT_NANOS = TimeUnit.DAYS.toNanos(1);

    private final Clock clock;
    private final long slowNanos;
    private final LoopLog log;
    private final Selector selector;
    private final Registrations registrations;
    private final TurnReporter reporter;

    /** Callbacks to run, oldest first. Taken from the head (poll), added at the tail: FIFO. */
    private final ArrayDeque<LoopHandle> ready = new ArrayDeque<>();
    /** Timers, earliest first; ties go to the one scheduled first. */
    private final TimerHeap timers = new TimerHeap();
    /** Callbacks handed over by other threads; moved to {@link #ready} by the loop thread. */
    private final Queue<LoopHandle> incoming = new ConcurrentLinkedQueue<>();

    /** This turn's reporter while {@link #select} runs, else null; read by {@link #queueReadyKey}. */
    private TurnReporter selectWatch;
    /** Made once, not per turn: the selector calls it for every ready key. */
    private final java.util.function.Consumer<SelectionKey> queueReadyKey = this::onKeyReady;

    private long turns;
    private boolean stopping;
    private boolean closed;
    /** The thread running the loop, or null; volatile because other threads check it. */
    private volatile Thread owner;

    SelectorEventLoop(LoopOptions options) {
        this.clock = options.clock();
        this.slowNanos = options.slowCallbackDuration() == null ? Long.MAX_VALUE
                : options.slowCallbackDuration().toNanos();
        this.log = options.log();
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not open a selector: " + e.getMessage(), e);
        }
        this.registrations = new Registrations(selector);
        this.reporter = new TurnReporter(log);
    }

    // ---- one turn ---------------------------------------------------------------------------------

    /** One turn of the loop, in asyncio's five phases. Called only on the loop thread. */
    private void turn() {
        long turn = ++turns;
        TurnReporter watch = reporter.active() ? reporter : null; // null: build no events at all
        moveIncoming();
        if (watch != null) watch.turnStarted(turn, clock.nanoTime(), ready.size(), timers.size());

        // 1. Drop cancelled timers, rebuilding the heap when most of a large heap is cancelled.
        int dropped = timers.dropCancelled();
        if (watch != null) watch.cancelledTimersDropped(turn, dropped, timers.lastDropRebuilt(), timers.size());

        // 2. Choose the select time-out: zero if callbacks are ready, else until the next timer, else block.
        long timeout;
        LoopEvent.TimeoutReason reason;
        if (!ready.isEmpty() || stopping) {
            timeout = 0;
            reason = stopping && ready.isEmpty() ? LoopEvent.TimeoutReason.STOPPING
                    : LoopEvent.TimeoutReason.CALLBACKS_READY;
        } else if (!timers.isEmpty()) {
            timeout = Math.min(Math.max(0, timers.nextDeadline() - clock.nanoTime()), MAX_SELECT_TIMEOUT_NANOS);
            reason = LoopEvent.TimeoutReason.NEXT_TIMER;
        } else {
            timeout = -1;
            reason = LoopEvent.TimeoutReason.NOTHING_SCHEDULED;
        }
        if (watch != null) watch.timeoutChosen(turn, reason, timeout, ready, timers.nextDeadline());

        // 3. Select, and queue the callbacks of the channels that are ready.
        long selectStart = watch != null ? clock.nanoTime() : 0;
        select(timeout, watch);
        moveIncoming(); // whatever other threads queued while we waited, including what woke us
        if (watch != null) watch.selectReturned(turn, clock.nanoTime() - selectStart);

        // 4. Move timers that are now due to the ready queue.
        long now = clock.nanoTime();
        LoopHandle due;
        while ((due = timers.pollDue(now)) != null) {
            ready.add(due);
            if (watch != null) watch.timerDue(due);
        }
        if (watch != null) watch.timersDue(turn, timers.size(), timers.nextDeadline());

        // 5. Run only the callbacks that are ready now; those they queue wait for the next turn.
        int count = ready.size();
        int ran = 0;
        for (int i = 0; i < count; i++) {
            LoopHandle handle = ready.poll();
            if (!handle.isCancelled()) {
                runCallback(handle, turn, watch);
                ran++;
            }
        }
        if (watch != null) watch.turnEnded(turn, ran, ready.size());
    }

    private void select(long timeoutNanos, TurnReporter watch) {
        selectWatch = watch;
        try {
            if (timeoutNanos == 0) {
                selector.selectNow(queueReadyKey);
            } else if (timeoutNanos < 0) {
                selector.select(queueReadyKey);
            } else {
                // Round up: select(0) would mean "for ever", and waking early only costs an empty turn.
                long millis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(timeoutNanos + 999_999));
                selector.select(queueReadyKey, millis);
            }
        } catch (IOException e) {
            log.error("select failed: " + e.getMessage(), e);
        } finally {
            selectWatch = null;
        }
    }

    private void onKeyReady(SelectionKey key) {
        TurnReporter watch = selectWatch;
        Registrations.Entry entry = (Registrations.Entry) key.attachment();
        int readyOps = key.readyOps();
        if (watch != null) watch.keyReady(key, readyOps);
        if ((readyOps & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT)) != 0 && entry.reader != null) {
            ready.add(entry.reader);
        }
        if ((readyOps & (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT)) != 0 && entry.writer != null) {
            ready.add(entry.writer);
        }
    }

    private void runCallback(LoopHandle handle, long turn, TurnReporter watch) {
        long start = clock.nanoTime();
        Throwable failure = null;
        try {
            handle.run();
        } catch (VirtualMachineError fatal) {
            throw fatal;
        } catch (Throwable thrown) {
            failure = thrown;
            log.error("Exception in callback " + handle.name() + ": " + thrown, thrown);
        }
        long took = clock.nanoTime() - start;
        boolean slow = took >= slowNanos;
        if (slow) {
            log.warning(String.format("Executing %s took %.3f seconds", handle.name(), took / 1e9));
        }
        if (watch != null) watch.callbackRan(turn, handle.name(), took, slow, failure);
    }

    private void moveIncoming() {
        LoopHandle handle;
        while ((handle = incoming.poll()) != null) {
            ready.add(handle);
        }
    }

    // ---- scheduling -------------------------------------------------------------------------------

    @Override
    public Handle callSoon(Runnable callback) {
        return callSoon(null, callback);
    }

    @Override
    public Handle callSoon(String name, Runnable callback) {
        checkThread("callSoon");
        LoopHandle handle = new LoopHandle(Objects.requireNonNull(callback, "callback"), name);
        ready.add(handle);
        return handle;
    }

    @Override
    public Handle callSoonThreadsafe(Runnable callback) {
        checkOpen();
        LoopHandle handle = new LoopHandle(Objects.requireNonNull(callback, "callback"), null);
        incoming.add(handle);
        selector.wakeup(); // makes a select in progress (or the next one) return at once
        return handle;
    }

    @Override
    public TimerHandle callLater(Duration delay, Runnable callback) {
        return callAt(clock.nanoTime() + Math.max(0, delay.toNanos()), null, callback);
    }

    @Override
    public TimerHandle callAt(long whenNanos, Runnable callback) {
        return callAt(whenNanos, null, callback);
    }

    @Override
    public TimerHandle callAt(long whenNanos, String name, Runnable callback) {
        checkThread("callAt");
        return timers.schedule(Objects.requireNonNull(callback, "callback"), name, whenNanos);
    }

    @Override
    public long time() {
        return clock.nanoTime();
    }

    // ---- I/O readiness ----------------------------------------------------------------------------

    @Override
    public Handle addReader(SelectableChannel channel, Runnable callback) {
        checkThread("addReader");
        return registrations.add(channel, true, new LoopHandle(callback, null));
    }

    @Override
    public boolean removeReader(SelectableChannel channel) {
        checkThread("removeReader");
        return registrations.remove(channel, true);
    }

    @Override
    public Handle addWriter(SelectableChannel channel, Runnable callback) {
        checkThread("addWriter");
        return registrations.add(channel, false, new LoopHandle(callback, null));
    }

    @Override
    public boolean removeWriter(SelectableChannel channel) {
        checkThread("removeWriter");
        return registrations.remove(channel, false);
    }

    // ---- futures, tasks and sockets ---------------------------------------------------------------

    @Override
    public <T> Future<T> createFuture() {
        return new Future<>(this);
    }

    @Override
    public <T> Task<T> createTask(Coroutine<T> coroutine) {
        return createTask(null, coroutine);
    }

    @Override
    public <T> Task<T> createTask(String name, Coroutine<T> coroutine) {
        checkThread("createTask");
        return new Task<>(this, Objects.requireNonNull(coroutine, "coroutine"), name);
    }

    @Override
    public Future<Void> sleep(Duration delay) {
        return SocketOps.sleep(this, delay);
    }

    @Override
    public Future<SocketChannel> connect(SocketAddress address) {
        return SocketOps.connect(this, address);
    }

    @Override
    public Future<SocketChannel> accept(ServerSocketChannel server) {
        return SocketOps.accept(this, server);
    }

    @Override
    public Future<Integer> recv(SocketChannel channel, ByteBuffer buffer) {
        return SocketOps.recv(this, channel, buffer);
    }

    @Override
    public Future<Void> sendAll(SocketChannel channel, ByteBuffer buffer) {
        return SocketOps.sendAll(this, channel, buffer);
    }

    // ---- running and stopping ---------------------------------------------------------------------

    @Override
    public void runForever() {
        enter();
        try {
            while (true) {
                turn();
                if (stopping) {
                    break;
                }
            }
        } finally {
            stopping = false;
            owner = null;
        }
    }

    @Override
    public <T> T runUntilComplete(Future<T> future) {
        if (future.loop() != this) {
            throw new IllegalArgumentException("The future belongs to another event loop: " + future);
        }
        java.util.function.Consumer<Future<T>> stopWhenDone = done -> stop();
        future.addDoneCallback(stopWhenDone);
        try {
            runForever();
        } finally {
            // If something else stopped the loop first, the future must not stop a later run.
            future.removeDoneCallback(stopWhenDone);
        }
        if (!future.isDone()) {
            throw new IllegalStateException("The event loop stopped before the future completed: " + future);
        }
        return future.result();
    }

    @Override
    public void runOnce() {
        enter();
        try {
            turn();
        } finally {
            stopping = false;
            owner = null;
        }
    }

    private void enter() {
        checkOpen();
        if (owner != null) {
            throw new IllegalStateException("This event loop is already running on thread " + owner.getName());
        }
        owner = Thread.currentThread();
    }

    @Override
    public void stop() {
        checkThread("stop");
        stopping = true;
    }

    @Override
    public boolean isRunning() {
        return owner != null;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void addListener(LoopListener listener) {
        reporter.add(listener);
    }

    @Override
    public void removeListener(LoopListener listener) {
        reporter.remove(listener);
    }

    @Override
    public void close() {
        if (owner != null) {
            throw new IllegalStateException("Cannot close a running event loop: stop it first.");
        }
        if (closed) {
            return;
        }
        closed = true;
        ready.clear();
        timers.clear();
        incoming.clear();
        try {
            selector.close(); // deregisters every channel; the channels themselves belong to their owners
        } catch (IOException e) {
            log.error("Closing the selector failed: " + e.getMessage(), e);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("The event loop is closed.");
        }
    }

    /** Catches the classic mistake of touching the loop from another thread while it runs. */
    private void checkThread(String method) {
        checkOpen();
        Thread running = owner;
        if (running != null && running != Thread.currentThread()) {
            throw new IllegalStateException(method + " called from thread " + Thread.currentThread().getName()
                    + " while the loop runs on " + running.getName() + ": use callSoonThreadsafe.");
        }
    }

    @Override
    public String toString() {
        return "EventLoop[" + (closed ? "closed" : owner != null ? "running" : "idle") + ", ready=" + ready.size()
                + ", timers=" + timers.size() + "]";
    }

    static void closeQuietly(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException ignored) {
            // Closing after a failure: the first error is the one worth reporting.
        }
    }

    static UncheckedIOException unchecked(String what, IOException e) {
        return e instanceof ClosedChannelException
                ? new UncheckedIOException(what + ": the channel is closed", e)
                : new UncheckedIOException(what + ": " + e.getMessage(), e);
    }
}
