package dev.tutor.exercises.javaanswers;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * Summarises many pages at once with {@code CompletableFuture}s: fetch each page, parse it, summarise it,
 * and report every page, the ones that failed or ran out of time included, without ever waiting.
 *
 * <p>A {@code CompletableFuture} is a result that may not exist yet, to which you attach what happens next:
 * {@code thenApply(fn)} makes a new future for {@code fn} of the result, {@code handle((value, failure) ->
 * ...)} sees the value or the failure, {@code allOf(...)} is done when all of its futures are. Nothing in a
 * chain waits: each step runs when the one before it completes. Two things make chains hard to get right.
 * A step without an executor runs on whichever thread completes the future before it (or, for the
 * {@code ...Async} methods without one, in {@code ForkJoinPool.commonPool()}). And a failure that passes
 * through a step arrives wrapped in a {@code CompletionException}, so a handler that looks at the
 * exception's type sees the wrapper, not the page's own exception.
 *
 * <p>Each page's chain is {@code fetch -> parse -> summarise}, with both CPU steps handed to the executor
 * as tasks of their own; {@code handle} turns the end of the chain into the page's {@link Outcome},
 * unwrapping one {@code CompletionException}; the chain races the page's timer with {@code applyToEither};
 * {@code whenComplete} after the race releases the page whichever way it ended; and {@code allOf} collects
 * the outcomes, which never fail, in page order.
 */
public final class PagePipeline {

    private PagePipeline() {
    }

    /** What the pipeline does to one page. The tests supply their own. */
    public interface Stages {
        /**
         * Starts fetching {@code page} and returns at once: the future completes with the page's body (which
         * may be null) or fails with the fetch's exception. It may also throw instead of returning a future,
         * or return null: both are failures of that page. This is I/O, so it needs no thread of yours.
         */
        CompletableFuture<String> fetch(URI page);

        /** Parses a body (CPU work; null in, and null out, are allowed); may throw. */
        String parse(String body);

        /** Summarises a parsed page (CPU work; null in, and null out, are allowed); may throw. */
        String summarise(String parsed);

        /** Gives back what the page's fetch holds, such as its connection; called once per page. */
        void release(URI page);
    }

    /** Time, as futures: the tests move it themselves. */
    @FunctionalInterface
    public interface Timer {
        /** A future that completes (with null) once {@code delay} has passed. */
        CompletableFuture<Void> after(Duration delay);
    }

    /** What became of one page. */
    public sealed interface Outcome permits Summary, Failed, TimedOut {
        URI page();
    }

    /** The page was fetched, parsed and summarised; {@code text} is what summarise returned, null included. */
    public record Summary(URI page, String text) implements Outcome {
    }

    /** A stage failed for this page; {@code cause} is that stage's own exception, never a wrapper. */
    public record Failed(URI page, Throwable cause) implements Outcome {
    }

    /** The page had no outcome when its time-out came. */
    public record TimedOut(URI page) implements Outcome {
    }

    /**
     * Summarises every page at once and returns at once, with a future of one {@link Outcome} per page, in
     * the order of {@code pages} (the same address twice is two pages).
     *
     * <p>For each page, in page order, before it returns: calls {@code stages.fetch(page)} once, and starts
     * the page's time-out with {@code timer.after(limit)} once. Then, for each page, once its body has
     * come: {@code stages.parse} of the body and {@code stages.summarise} of what parse returned, each a task
     * of {@code cpu} of its own (two tasks per page), never on the thread that completed the future before it
     * (the fetch's, or the test's), nor on the calling thread, nor in {@code ForkJoinPool.commonPool()}. Nothing
     * in it ever waits for a future: not the calling thread, not a task of {@code cpu}.
     *
     * <p>A page's outcome is the first of these to happen:
     * <ul>
     *   <li>{@link Summary} with what summarise returned, once it has returned (null is a value, not a
     *       failure);</li>
     *   <li>{@link Failed} once a stage fails: fetch throws, returns null ({@code cause} is then a
     *       {@code NullPointerException}), or its future fails; parse or summarise throws. {@code cause} is
     *       the stage's own exception, the one it threw or the one {@code get()} on its failed future would
     *       report as the cause; never a {@code CompletionException} wrapped around it by a step. A
     *       failed page stops nothing else: every other page goes on, and the returned future does not
     *       fail;</li>
     *   <li>{@link TimedOut} once the future from the page's {@code timer.after(limit)} completes, if the
     *       page has no outcome yet. The limit covers the whole page, fetch, parse and summarise. What the
     *       page's stages do after that changes nothing.</li>
     * </ul>
     * {@code stages.release(page)} is called exactly once for every page, whichever way it ended, as soon
     * as its outcome is known; and every page has been released by the time the returned future completes.
     *
     * @param cpu   where parse and summarise run
     * @param timer where time-outs come from (never the JDK's own clock: no {@code orTimeout} here)
     * @param limit how long each page may take, from this call to its outcome
     * @return a future that completes, never exceptionally, once every page has its outcome
     */
    public static CompletableFuture<List<Outcome>> summariseAll(List<URI> pages, Stages stages, Executor cpu,
            Timer timer, Duration limit) {
        List<CompletableFuture<Outcome>> outcomes = new ArrayList<>();
        for (URI page : pages) {
            outcomes.add(summarise(page, stages, cpu, timer, limit));
        }
        return CompletableFuture.allOf(outcomes.toArray(CompletableFuture[]::new))
                .thenApply(allDone -> outcomes.stream().map(CompletableFuture::resultNow).toList());
    }

    /** One page's chain, raced against its timer, released whichever way it ends. */
    private static CompletableFuture<Outcome> summarise(URI page, Stages stages, Executor cpu, Timer timer,
            Duration limit) {
        CompletableFuture<Outcome> work = startFetch(page, stages)
                .thenApplyAsync(stages::parse, cpu)              // a task of cpu, whoever completes the fetch
                .thenApplyAsync(stages::summarise, cpu)
                .handle((text, failure) -> failure == null
                        ? new Summary(page, text)
                        : new Failed(page, unwrap(failure)));
        CompletableFuture<Outcome> timedOut = timer.after(limit).thenApply(passed -> new TimedOut(page));
        return work.applyToEither(timedOut, outcome -> outcome)
                .whenComplete((outcome, failure) -> stages.release(page));
    }

    /** The page's fetch as a future, a fetch that throws or gives null included. */
    private static CompletableFuture<String> startFetch(URI page, Stages stages) {
        try {
            return Objects.requireNonNull(stages.fetch(page));   // a null future is a failure too
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** A failure that passed through a step arrives wrapped once in a CompletionException. */
    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }
}
