package dev.tutor.runtime.loop;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

/**
 * A result that is not there yet: asyncio's {@code Future}. Someone sets a result, an error, or cancels
 * it; callbacks added with {@link #addDoneCallback} then run on the loop.
 *
 * <p>Why not {@link java.util.concurrent.CompletableFuture}: that one runs callbacks on whichever thread
 * completes it, or on a pool. This one always schedules them with {@link EventLoop#callSoon}, in the
 * order they were added, so they run on the loop thread in a later turn — asyncio's rule, and what
 * lets a {@link Task} wait on it.
 *
 * <p>Contract: not thread-safe; use it on the loop thread only. Another thread completes a future with
 * {@code loop.callSoonThreadsafe(() -> future.setResult(x))}. Create one with
 * {@link EventLoop#createFuture()}.
 */
public class Future<T> {

    private enum State { PENDING, RESULT, ERROR, CANCELLED }

    private final EventLoop loop;
    private State state = State.PENDING;
    private T result;
    private Throwable error;
    private List<Consumer<? super Future<T>>> callbacks;

    Future(EventLoop loop) {
        this.loop = Objects.requireNonNull(loop, "loop");
    }

    /** Returns the loop this future belongs to. */
    public EventLoop loop() {
        return loop;
    }

    /** Returns true once a result, an error or a cancellation has been set. */
    public boolean isDone() {
        return state != State.PENDING;
    }

    /** Returns true if the future was cancelled. */
    public boolean isCancelled() {
        return state == State.CANCELLED;
    }

    /**
     * Returns the result. Throws {@link IllegalStateException} while pending,
     * {@link CancellationException} if cancelled, and the error if one was set (a checked error comes
     * wrapped in a {@link CompletionException}).
     */
    public T result() {
        switch (state) {
            case PENDING -> throw new IllegalStateException("Result is not ready yet: the future is still pending.");
            case CANCELLED -> throw new CancellationException("The future was cancelled.");
            case ERROR -> {
                if (error instanceof RuntimeException runtime) throw runtime;
                if (error instanceof Error fatal) throw fatal;
                throw new CompletionException(error);
            }
            default -> {
                return result;
            }
        }
    }

    /** Returns the error the future failed with, or null; throws while pending, like asyncio. */
    public Throwable exception() {
        if (state == State.PENDING) {
            throw new IllegalStateException("Exception is not set yet: the future is still pending.");
        }
        if (state == State.CANCELLED) {
            throw new CancellationException("The future was cancelled.");
        }
        return error;
    }

    /** Completes the future with {@code value}; throws if it is already done. */
    public void setResult(T value) {
        requirePending("setResult");
        result = value;
        finish(State.RESULT);
    }

    /** Fails the future with {@code failure}; throws if it is already done. */
    public void setException(Throwable failure) {
        Objects.requireNonNull(failure, "failure");
        requirePending("setException");
        error = failure;
        finish(State.ERROR);
    }

    /** Cancels the future if it is pending and returns true; returns false if it was already done. */
    public boolean cancel() {
        if (isDone()) {
            return false;
        }
        finish(State.CANCELLED);
        return true;
    }

    /**
     * Adds {@code callback}, to run on the loop once the future is done (in a later turn, even if it is
     * done already). Callbacks run in the order they were added.
     */
    public void addDoneCallback(Consumer<? super Future<T>> callback) {
        Objects.requireNonNull(callback, "callback");
        if (isDone()) {
            schedule(callback);
            return;
        }
        if (callbacks == null) {
            callbacks = new ArrayList<>(2);
        }
        callbacks.add(callback);
    }

    /** Removes every registration of {@code callback} that has not been scheduled yet; returns how many. */
    public int removeDoneCallback(Consumer<? super Future<T>> callback) {
        if (callbacks == null) {
            return 0;
        }
        int before = callbacks.size();
        callbacks.removeIf(registered -> registered == callback);
        return before - callbacks.size();
    }

    private void finish(State outcome) {
        state = outcome;
        List<Consumer<? super Future<T>>> waiting = callbacks;
        callbacks = null;
        if (waiting != null) {
            for (Consumer<? super Future<T>> callback : waiting) {
                schedule(callback);
            }
        }
    }

    private void schedule(Consumer<? super Future<T>> callback) {
        loop.callSoon(new DoneCallback<>(this, callback));
    }

    private void requirePending(String operation) {
        if (isDone()) {
            throw new IllegalStateException(operation + " on a future that is already done: " + this);
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + state.name().toLowerCase() + "]";
    }

    /** A done-callback bound to its future, named after the callback for traces. */
    private record DoneCallback<T>(Future<T> future, Consumer<? super Future<T>> callback) implements Runnable {
        @Override
        public void run() {
            callback.accept(future);
        }

        @Override
        public String toString() {
            return Names.of(callback);
        }
    }
}
