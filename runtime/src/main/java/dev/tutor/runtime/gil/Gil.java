package dev.tutor.runtime.gil;

import java.time.Duration;

/**
 * A simulated global interpreter lock: Java threads that "play Python" must hold it to run, exactly
 * one at a time, and hand it over the way CPython 3.2+ does. It shows why Python threads do not speed
 * up CPU-bound work but do overlap I/O.
 *
 * <p>How to play Python: {@link #acquire()} once, call {@link #check()} between small steps of work
 * (each stands for a few bytecodes: it is where CPython's eval loop may switch threads), wrap blocking
 * calls in {@link #blockingIo}, and {@link #release()} at the end; {@link #run(Runnable)} does the
 * first and last for you.
 *
 * <p>The handover (CPython's {@code Python/ceval_gil.c}): a thread that wants the GIL waits one switch
 * interval; if the same holder still has it, the waiter sets a drop request; the holder sees it at its
 * next {@code check()}, lets go, and waits until another thread has taken it (a forced switch). Which
 * waiter wins is up to the OS, as in CPython. Every step is reported to {@link GilListener}s.
 *
 * <p>Thread-safe. Create one with {@link #create()} or {@link #create(GilOptions)}.
 */
public interface Gil {

    /** Creates a GIL on the real clock with CPython's 5 ms switch interval. */
    static Gil create() {
        return create(GilOptions.defaults());
    }

    /** Creates a GIL, or a stand-in that does nothing when {@code options.enabled()} is false. */
    static Gil create(GilOptions options) {
        return options.enabled() ? new SimulatedGil(options) : new NoGil(options);
    }

    /** Takes the GIL, waiting (and asking for a drop) as long as another thread holds it. */
    void acquire();

    /** Gives the GIL up. Only the holder may call it. */
    void release();

    /**
     * Marks a step of Python work: if a waiting thread asked for the GIL, lets go, waits until another
     * thread has taken it, then takes it back. Call it often from CPU-bound loops. Holder only.
     */
    void check();

    /**
     * Runs a blocking call with the GIL released, as CPython does around {@code recv} or
     * {@code time.sleep}, then takes the GIL back. Holder only.
     */
    <T, E extends Exception> T blockingIo(BlockingCall<T, E> call) throws E;

    /** Runs {@code body} holding the GIL: acquire, body, release. */
    default void run(Runnable body) {
        acquire();
        try {
            body.run();
        } finally {
            release();
        }
    }

    /** Returns the switch interval now in use. */
    Duration switchInterval();

    /** Changes the switch interval, at any time, like {@code sys.setswitchinterval}. */
    void setSwitchInterval(Duration interval);

    /** Returns false in free-threaded mode, where there is no GIL. */
    boolean isEnabled();

    /** Returns true if the calling thread holds the GIL (always false when there is none). */
    boolean isHeldByCurrentThread();

    /** Returns the counters so far: checks, failures, switches, badness. */
    GilStats stats();

    /**
     * Adds a listener for the event log. While any listener is registered, every {@link #check()} reads
     * the clock to time its events, which slows CPU-bound work many times over: time a workload without
     * listeners, and trace a separate, shorter run.
     */
    void addListener(GilListener listener);

    /** Removes a listener. */
    void removeListener(GilListener listener);

    /** A blocking call that may throw a checked exception, for {@link #blockingIo}. */
    @FunctionalInterface
    interface BlockingCall<T, E extends Exception> {
        /** Performs the call. */
        T call() throws E;
    }

    /** Throws unless {@code interval} is positive. */
    static Duration requirePositive(Duration interval) {
        if (interval == null || interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("The switch interval must be positive: " + interval);
        }
        return interval;
    }
}
