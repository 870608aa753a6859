package dev.tutor.exercises.tasks;

import dev.tutor.exercises.tasks.AnswerRig.Run;
import dev.tutor.exercises.tasks.FetchAll.Result;
import dev.tutor.runtime.loop.EventLoop;
import dev.tutor.runtime.loop.Future;
import java.net.URI;
import java.util.List;

/**
 * One call of fetchAll in a run of {@link AnswerRig}: its addresses, its limit, the loop it was given (watched on
 * its own, so that its fetches are counted apart from another call's) and the future it returned.
 */
final class FetchAllCall {
    final int index;
    final List<URI> given;
    final int count;
    final int limit;
    final WatchedLoop watched;
    private final int of;
    Future<List<Result>> all;
    Throwable thrown;
    boolean started;

    /**
     * Call {@code index} of {@code of} in a run on {@code loop}, not started yet; a connect to
     * {@code unresolvedPort} fails as a host name that does not resolve, thrown by loop.connect when
     * {@code unresolvedThrows}.
     */
    FetchAllCall(int index, List<URI> given, int limit, int of, EventLoop loop, int unresolvedPort,
            boolean unresolvedThrows) {
        this.index = index;
        this.given = given;
        this.count = given.size();
        this.limit = limit;
        this.of = of;
        this.watched = new WatchedLoop(loop, limit);
        watched.loopThread(Thread.currentThread());
        watched.unresolved(unresolvedPort, unresolvedThrows);
    }

    /** Calls fetchAll; what it throws is kept. */
    void start() {
        started = true;
        try {
            all = FetchAll.fetchAll(watched, given, limit);
        } catch (RuntimeException | Error e) {
            thrown = e;
        }
    }

    boolean done() {
        return thrown != null || all != null && all.isDone();
    }

    /** Which call this is, for a message, when there are more than one; else "". */
    String which() {
        return of == 1 ? "" : " In the " + (index == 0 ? "first" : "second") + " of two fetchAll calls on one loop,"
                + " " + count + " addresses with a limit of " + limit + (index == 0 ? ", called before the loop ran"
                : ", called from a callback while the first call's fetches waited for places") + ".";
    }

    Run outcome() {
        if (thrown != null) {
            return new Run(null, thrown, null, this);
        }
        if (all == null || !all.isDone()) {
            return new Run(null, null, null, this);
        }
        if (all.isCancelled()) {
            return new Run(null, null, new java.util.concurrent.CancellationException("cancelled"), this);
        }
        return all.exception() != null ? new Run(null, null, all.exception(), this)
                : new Run(all.result(), null, null, this);
    }
}
