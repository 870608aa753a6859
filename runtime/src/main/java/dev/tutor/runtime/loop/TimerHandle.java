package dev.tutor.runtime.loop;

/**
 * A callback scheduled for a moment in the loop's time, returned by {@link EventLoop#callLater} and
 * {@link EventLoop#callAt}; it is asyncio's {@code TimerHandle}.
 */
public interface TimerHandle extends Handle {

    /** Returns the loop time, in nanoseconds of the loop's clock, at which the callback becomes due. */
    long when();
}
