package dev.tutor.runtime.gil;

import dev.tutor.runtime.gil.GilEvent.Kind;
import dev.tutor.runtime.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The GIL with CPython 3.2+'s handover, built from one lock and two conditions as in
 * {@code Python/ceval_gil.c}: {@code released} plays {@code gil->cond} (signalled when the GIL is
 * dropped), {@code switched} plays {@code gil->switch_cond} (signalled when a new thread took it).
 *
 * <p>All state is guarded by {@code mutex}, except the two fields the holder reads on every
 * {@link #check()} without locking ({@code dropRequest}, {@code intervalNanos}), which are volatile:
 * the fast path of a check is one volatile read, like CPython's eval breaker.
 */
final class SimulatedGil implements Gil {

    /** A forced switch waits for the new holder in slices this long, re-checking that someone still waits. */
    private static final long HANDOVER_RECHECK_MILLIS = 50;

    private final Clock clock;
    private final long created;
    private final ReentrantLock mutex = new ReentrantLock();
    private final Condition released = mutex.newCondition();
    private final Condition switched = mutex.newCondition();
    private final List<GilListener> listeners = new CopyOnWriteArrayList<>();

    private volatile boolean dropRequest;
    private volatile long intervalNanos;
    private volatile long lastRunningEvent;

    private Thread holder;
    private Thread lastHolder;
    /** The threads waiting in {@link #waitUntilFree}, for {@link GilDiagnostics}. */
    private final Set<Thread> waiting = new HashSet<>();
    private long switchNumber;
    private long releaseNumber;
    private int waiters;
    private long checks;
    private long failed;
    private long switches;
    private long dropRequests;
    private long forcedSwitches;

    SimulatedGil(GilOptions options) {
        this.clock = options.clock();
        this.created = clock.nanoTime();
        this.intervalNanos = options.switchInterval().toNanos();
        GilDiagnostics.register(this);
        // A fake clock that jumps must wake the waiters so they notice their interval has passed.
        clock.onAdvance(() -> {
            mutex.lock();
            try {
                released.signalAll();
            } finally {
                mutex.unlock();
            }
        });
    }

    @Override
    public void acquire() {
        take(Kind.ACQUIRED);
    }

    /** CPython's {@code take_gil}: wait in slices of one interval, asking for a drop after each empty one. */
    private void take(Kind onSuccess) {
        Thread me = Thread.currentThread();
        mutex.lock();
        try {
            if (holder == me) {
                throw new IllegalStateException("Thread " + me.getName() + " already holds the GIL.");
            }
            checks++;
            if (holder != null) {
                failed++;
                // One clock reading serves the event and the deadline: a test that moves a fake clock
                // as soon as it sees the event must not move the deadline with it.
                long now = clock.nanoTime();
                emit(Kind.WAITING, me, now);
                waitUntilFree(me, now);
            }
            holder = me;
            if (lastHolder != me) {
                if (lastHolder != null) switches++;
                lastHolder = me;
                switchNumber++;
                switched.signalAll(); // the forced-switch waiter may go on
            }
            dropRequest = false; // served: whoever asked now has it
            lastRunningEvent = clock.nanoTime();
            emit(onSuccess, me);
        } finally {
            mutex.unlock();
        }
    }

    private void waitUntilFree(Thread me, long start) {
        waiters++;
        waiting.add(me);
        try {
            long now = start;
            while (holder != null) {
                long savedSwitch = switchNumber;
                long savedRelease = releaseNumber;
                long deadline = now + intervalNanos;
                boolean timedOut = false;
                while (holder != null && !timedOut) {
                    clock.awaitUntil(released, deadline);
                    now = clock.nanoTime();
                    timedOut = now >= deadline;
                    if (releaseNumber != savedRelease || timedOut) {
                        checks++; // a real wake-up: the GIL was dropped, or our interval ran out
                        savedRelease = releaseNumber;
                        if (holder != null) failed++; // woke for nothing: Beazley's red band
                    }
                }
                if (timedOut && holder != null && switchNumber == savedSwitch) {
                    emit(Kind.WAIT_TIMED_OUT, me, now);
                    if (!dropRequest) {
                        dropRequest = true;
                        dropRequests++;
                        emit(Kind.DROP_REQUESTED, me, now);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("Interrupted while waiting for the GIL.");
        } finally {
            waiters--;
            waiting.remove(me);
        }
    }

    @Override
    public void release() {
        mutex.lock();
        try {
            requireHolder("release");
            drop();
        } finally {
            mutex.unlock();
        }
    }

    /** CPython's {@code drop_gil} without the forced-switch part. Caller holds {@code mutex}. */
    private void drop() {
        holder = null;
        releaseNumber++;
        released.signal(); // one waiter, as CPython's COND_SIGNAL; the OS decides which
    }

    @Override
    public void check() {
        if (!dropRequest) {
            if (!listeners.isEmpty()) heartbeat();
            return;
        }
        Thread me = Thread.currentThread();
        mutex.lock();
        try {
            if (holder != me || !dropRequest) {
                return;
            }
            forcedSwitches++;
            emit(Kind.FORCED_SWITCH, me);
            drop();
            dropRequest = false;
            // FORCE_SWITCHING: do not race the waiter for the GIL we just dropped; wait until it took it.
            long before = switchNumber;
            while (switchNumber == before && waiters > 0) {
                switched.await(HANDOVER_RECHECK_MILLIS, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("Interrupted during a GIL switch.");
        } finally {
            mutex.unlock();
        }
        take(Kind.ACQUIRED);
    }

    /** Emits RUNNING at most once per switch interval while a thread keeps the GIL. */
    private void heartbeat() {
        long now = clock.nanoTime();
        if (now - lastRunningEvent < intervalNanos) {
            return;
        }
        mutex.lock();
        try {
            if (holder == Thread.currentThread()) {
                lastRunningEvent = now;
                emit(Kind.RUNNING, holder);
            }
        } finally {
            mutex.unlock();
        }
    }

    @Override
    public <T, E extends Exception> T blockingIo(BlockingCall<T, E> call) throws E {
        mutex.lock();
        try {
            requireHolder("blockingIo");
            emit(Kind.RELEASED_FOR_IO, holder);
            drop();
        } finally {
            mutex.unlock();
        }
        try {
            return call.call();
        } finally {
            take(Kind.REACQUIRED);
        }
    }

    private void requireHolder(String method) {
        if (holder != Thread.currentThread()) {
            throw new IllegalStateException(method + " called by " + Thread.currentThread().getName()
                    + ", which does not hold the GIL" + (holder == null ? "." : " (" + holder.getName() + " does)."));
        }
    }

    private void emit(Kind kind, Thread thread) {
        if (!listeners.isEmpty()) {
            emit(kind, thread, clock.nanoTime());
        }
    }

    private void emit(Kind kind, Thread thread, long time) {
        if (listeners.isEmpty()) {
            return;
        }
        GilEvent event = new GilEvent(kind, thread.getName(), time - created);
        for (GilListener listener : listeners) {
            listener.onEvent(event);
        }
    }

    @Override
    public Duration switchInterval() {
        return Duration.ofNanos(intervalNanos);
    }

    @Override
    public void setSwitchInterval(Duration interval) {
        intervalNanos = Gil.requirePositive(interval).toNanos(); // waits that start from now on use it
    }

    @Override
    public boolean isEnabled() {
        return true;
    }

    @Override
    public boolean isHeldByCurrentThread() {
        mutex.lock();
        try {
            return holder == Thread.currentThread();
        } finally {
            mutex.unlock();
        }
    }

    /**
     * Whether {@code thread} holds this GIL or waits for it, in words for a thread dump. It gives up
     * rather than wait long for the mutex: a dump is taken when something is stuck.
     */
    Optional<String> describe(Thread thread) {
        try {
            if (!mutex.tryLock(100, TimeUnit.MILLISECONDS)) {
                return Optional.empty();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
        try {
            if (holder == thread) {
                return Optional.of("holds the simulated GIL" + (waiting.isEmpty() ? ""
                        : " while " + waiting.size() + " other thread" + (waiting.size() == 1 ? " waits" : "s wait")
                        + " for it"));
            }
            if (waiting.contains(thread)) {
                return Optional.of("waits for the simulated GIL, held by "
                        + (holder == null ? "no thread (it is being handed over)" : "\"" + holder.getName() + "\""));
            }
            return Optional.empty();
        } finally {
            mutex.unlock();
        }
    }

    @Override
    public GilStats stats() {
        mutex.lock();
        try {
            return new GilStats(checks, failed, switches, dropRequests, forcedSwitches, clock.nanoTime() - created);
        } finally {
            mutex.unlock();
        }
    }

    @Override
    public void addListener(GilListener listener) {
        listeners.add(java.util.Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public void removeListener(GilListener listener) {
        listeners.remove(listener);
    }
}
