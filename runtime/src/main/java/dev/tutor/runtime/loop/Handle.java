package dev.tutor.runtime.loop;

/**
 * A callback the event loop has been asked to run, which you can still cancel before it runs.
 *
 * <p>It is asyncio's {@code Handle}: {@link EventLoop#callSoon}, {@link EventLoop#addReader} and
 * {@link EventLoop#addWriter} return one. Called only on the loop thread (or before the loop runs).
 */
public interface Handle {

    /** Stops the callback from running; does nothing if it already ran or was cancelled. */
    void cancel();

    /** Returns true once {@link #cancel()} was called. */
    boolean isCancelled();

    /** Returns the name traces and warnings use for this callback. */
    String name();
}
