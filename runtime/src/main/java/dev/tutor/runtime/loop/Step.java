package dev.tutor.runtime.loop;

import java.util.Objects;

/**
 * What a {@link Coroutine} tells its task after running a bit: "wait for this future" or "I am done".
 */
public sealed interface Step<T> {

    /** Pause until {@code future} is done, then resume the coroutine. */
    record Await<T>(Future<?> future) implements Step<T> {
        public Await {
            Objects.requireNonNull(future, "future");
        }
    }

    /** Finish the task with {@code value}. */
    record Done<T>(T value) implements Step<T> {
    }

    /** Pauses the coroutine until {@code future} is done: the {@code await} of Python. */
    static <T> Step<T> await(Future<?> future) {
        return new Await<>(future);
    }

    /** Ends the coroutine with {@code value}: the {@code return} of an {@code async def}. */
    static <T> Step<T> done(T value) {
        return new Done<>(value);
    }
}
