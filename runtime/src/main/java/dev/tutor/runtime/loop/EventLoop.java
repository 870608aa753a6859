package dev.tutor.runtime.loop;

import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectableChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * An event loop: one thread that runs callbacks one after another and waits for sockets with a
 * {@link java.nio.channels.Selector}. It is the Java twin of Python's asyncio event loop.
 *
 * <p>Why it exists: asyncio is a loop like this one plus coroutines on top. Reading this interface and
 * {@code SelectorEventLoop} shows what {@code await} stands on: a ready queue, a timer heap, and a
 * select call whose time-out is chosen each turn.
 *
 * <p>Contract: the loop runs on the thread that calls {@link #runForever()}, {@link #runUntilComplete}
 * or {@link #runOnce()}; it starts no thread of its own. While it runs, every method except
 * {@link #callSoonThreadsafe} must be called on that thread (the loop checks and throws otherwise).
 * Callbacks run in FIFO order; a callback queued by a callback runs in the next turn, not this one.
 * Whoever creates the loop closes it; {@link #close()} closes the selector but not your channels.
 */
public interface EventLoop extends AutoCloseable {

    /** Creates a loop on the real clock with asyncio's defaults (slow callbacks: 100 ms). */
    static EventLoop create() {
        return create(LoopOptions.defaults());
    }

    /** Creates a loop with the given options, such as a fake clock for tests. */
    static EventLoop create(LoopOptions options) {
        return new SelectorEventLoop(options);
    }

    // ---- scheduling -------------------------------------------------------------------------------

    /** Queues {@code callback} to run in a later turn, after the callbacks already queued. */
    Handle callSoon(Runnable callback);

    /** Like {@link #callSoon(Runnable)}, with the name traces and warnings will show. */
    Handle callSoon(String name, Runnable callback);

    /**
     * Queues {@code callback} from any thread and wakes the loop if it is waiting in select. The only
     * safe way for another thread to hand work to the loop.
     */
    Handle callSoonThreadsafe(Runnable callback);

    /** Runs {@code callback} once {@code delay} has passed on the loop's clock. */
    TimerHandle callLater(Duration delay, Runnable callback);

    /** Runs {@code callback} when the loop's clock reaches {@code whenNanos} (see {@link #time()}). */
    TimerHandle callAt(long whenNanos, Runnable callback);

    /** Like {@link #callAt(long, Runnable)}, with a name for traces. */
    TimerHandle callAt(long whenNanos, String name, Runnable callback);

    /** Returns the loop's time in nanoseconds, the scale {@link #callAt} uses. */
    long time();

    // ---- I/O readiness ----------------------------------------------------------------------------

    /**
     * Runs {@code callback} each turn in which {@code channel} can be read (or accepted) without
     * blocking, until {@link #removeReader}. Registering again replaces the callback. Makes the channel
     * non-blocking.
     */
    Handle addReader(SelectableChannel channel, Runnable callback);

    /** Stops watching {@code channel} for reading; returns false if nothing was registered. */
    boolean removeReader(SelectableChannel channel);

    /**
     * Runs {@code callback} each turn in which {@code channel} can be written (or finished connecting)
     * without blocking, until {@link #removeWriter}. Registering again replaces the callback.
     */
    Handle addWriter(SelectableChannel channel, Runnable callback);

    /** Stops watching {@code channel} for writing; returns false if nothing was registered. */
    boolean removeWriter(SelectableChannel channel);

    // ---- futures, tasks and socket helpers --------------------------------------------------------

    /** Creates a pending future bound to this loop. */
    <T> Future<T> createFuture();

    /** Wraps {@code coroutine} in a task and queues its first step; see {@link Coroutine}. */
    <T> Task<T> createTask(Coroutine<T> coroutine);

    /** Like {@link #createTask(Coroutine)}, with a name for traces. */
    <T> Task<T> createTask(String name, Coroutine<T> coroutine);

    /** Returns a future that completes with null after {@code delay}: asyncio.sleep. */
    Future<Void> sleep(Duration delay);

    /** Opens a non-blocking connection to {@code address}; the future gives the connected channel. */
    Future<SocketChannel> connect(SocketAddress address);

    /** Accepts one connection on {@code server}; the future gives the new non-blocking channel. */
    Future<SocketChannel> accept(ServerSocketChannel server);

    /**
     * Reads once into {@code buffer} when data is there; the future gives the byte count, or -1 at end
     * of stream. Never 0 unless {@code buffer} has no room.
     */
    Future<Integer> recv(SocketChannel channel, ByteBuffer buffer);

    /** Writes all of {@code buffer}, waiting for the socket to drain when a write is partial. */
    Future<Void> sendAll(SocketChannel channel, ByteBuffer buffer);

    // ---- running and stopping ---------------------------------------------------------------------

    /** Runs turns on the calling thread until {@link #stop()} is called. */
    void runForever();

    /** Runs the loop until {@code future} is done and returns its result (or throws its error). */
    <T> T runUntilComplete(Future<T> future);

    /** Runs exactly one turn on the calling thread; for demos and tests that step the loop by hand. */
    void runOnce();

    /**
     * Asks the loop to stop after the callbacks of the current turn. From another thread, use
     * {@code callSoonThreadsafe(loop::stop)}.
     */
    void stop();

    /** Returns true while a thread is running the loop. */
    boolean isRunning();

    /** Returns true once the loop is closed. */
    boolean isClosed();

    /** Adds a listener that sees every turn, phase by phase. May be called before the loop runs. */
    void addListener(LoopListener listener);

    /** Removes a listener added earlier. */
    void removeListener(LoopListener listener);

    /**
     * Closes the selector and drops every queued callback and timer. Throws if the loop is running.
     * Calling it twice is harmless. Your own channels stay open: close them yourself.
     */
    @Override
    void close();
}
