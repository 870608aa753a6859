package dev.tutor.runtime.loop;

/**
 * A piece of work that can pause at a future and carry on later: our Java stand-in for a Python
 * {@code async def} function, run by a {@link Task}.
 *
 * <p><b>Why a step function.</b> Java has no {@code await}. Python compiles an {@code async def} into an
 * object whose {@code send()} runs until the next {@code await} and hands the awaited future to the
 * task. We make that visible: {@link #resume()} runs until the next pause and returns a {@link Step} —
 * {@code Step.await(future)} to pause, {@code Step.done(value)} to finish. The task calls
 * {@code resume()} again when the future completes. Where the code stopped is kept in your own fields,
 * usually an {@code int state} and a {@code switch}: a small state machine, which is exactly what the
 * Python compiler builds for you. We chose this over continuations ({@code thenCompose} chains) because
 * it keeps the loop, the task and the pause points in plain sight, one {@code case} per {@code await}.
 *
 * <pre>{@code
 * class Greet implements Coroutine<String> {
 *     int state; Future<Void> nap;
 *     public Step<String> resume() {
 *         switch (state) {
 *             case 0: nap = loop.sleep(Duration.ofMillis(10)); state = 1; return Step.await(nap);
 *             default: nap.result(); return Step.done("hello");   // result() rethrows a failure
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p>Contract: called only on the loop thread, never twice at once. When the awaited future failed or
 * was cancelled, its {@link Future#result()} throws, as {@code await} does in Python; an exception
 * thrown from {@code resume()} fails the task.
 */
@FunctionalInterface
public interface Coroutine<T> {

    /** Runs until the next pause ({@link Step#await}) or the end ({@link Step#done}). */
    Step<T> resume() throws Exception;
}
