package dev.tutor.runtime.gil;

import java.util.Objects;

/**
 * One thing that happened to the simulated GIL, for the GIL timeline: which thread, when (nanoseconds
 * of the GIL's clock) and what.
 *
 * @param kind what happened
 * @param thread the name of the thread it happened to
 * @param timeNanos when, on the GIL's clock
 */
public record GilEvent(Kind kind, String thread, long timeNanos) {

    /** What can happen to a thread and the GIL, in the words of CPython's {@code ceval_gil.c}. */
    public enum Kind {
        /** The thread took the GIL and may run Python code. */
        ACQUIRED,
        /** The thread holds the GIL and is still running (at most one per switch interval). */
        RUNNING,
        /** The thread wants the GIL but another holds it: it waits. */
        WAITING,
        /** A wait of one switch interval ended with the GIL still held by the same thread. */
        WAIT_TIMED_OUT,
        /** A waiting thread asked the holder to drop the GIL (sets {@code gil_drop_request}). */
        DROP_REQUESTED,
        /** The holder saw the drop request, let go, and waits until another thread has taken over. */
        FORCED_SWITCH,
        /** The holder let go for blocking I/O, so others run while it waits on the OS. */
        RELEASED_FOR_IO,
        /** The thread took the GIL back after blocking I/O. */
        REACQUIRED
    }

    public GilEvent {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(thread, "thread");
    }

    /** "WAITING B @5.000ms": short text for test failures and plain traces. */
    @Override
    public String toString() {
        return kind + " " + thread + " @" + String.format("%.3fms", timeNanos / 1e6);
    }
}
