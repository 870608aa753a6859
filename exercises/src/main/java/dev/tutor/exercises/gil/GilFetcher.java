package dev.tutor.exercises.gil;

import dev.tutor.runtime.gil.Gil;
import java.io.IOException;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Fetches a page on a "Python thread": a Java thread that plays by the rules of CPython's GIL, simulated
 * by {@link Gil}. The page is fetched (blocking I/O: the thread waits for the network) and then parsed
 * (Python code: the thread computes).
 *
 * <p>The rules, as CPython's own C code follows them:
 * <ul>
 *   <li>A thread runs Python code only while it holds the GIL. Everything {@link #fetchOne} does is Python
 *       code except the wait for the page, so it takes the GIL with {@link Gil#acquire()} before anything
 *       else, and {@code parse} runs holding it.</li>
 *   <li>A thread that waits for the network runs no Python code, and if it kept the GIL meanwhile, every
 *       other Python thread would wait as long as it does. So the wait, {@link Page#fetch}, runs inside
 *       {@link Gil#blockingIo}, the simulated {@code Py_BEGIN_ALLOW_THREADS}: it releases the GIL, makes the
 *       call, and takes the GIL back before it returns or throws.</li>
 *   <li>The thread gives the GIL back with {@link Gil#release()} on every way out, after parsing and when
 *       the fetch or the parse throws: a GIL that is never released stops every other thread for good.</li>
 * </ul>
 *
 * <p>There are no threads to start here. The caller runs {@code fetchOne} on threads of its own, several
 * at once, all sharing one fetcher and one GIL.
 *
 * <p>Exercise: complete {@link #fetchOne}. Keep the constructor and {@link Page} as they are; the tests use
 * them.
 */
public final class GilFetcher {

    /** A blocking fetch, standing for a socket read: it may wait a long time before it returns. */
    @FunctionalInterface
    public interface Page {
        /** Returns the body of the page at {@code url}, waiting as long as the network takes. */
        String fetch(String url) throws IOException;
    }

    private final Gil gil;
    private final Page page;
    private final UnaryOperator<String> parse;

    /**
     * @param gil   the GIL that every thread using this fetcher plays by
     * @param page  the blocking fetch
     * @param parse the "Python code" that turns a body into a result; it must run holding the GIL
     */
    public GilFetcher(Gil gil, Page page, UnaryOperator<String> parse) {
        this.gil = Objects.requireNonNull(gil, "gil");
        this.page = Objects.requireNonNull(page, "page");
        this.parse = Objects.requireNonNull(parse, "parse");
    }

    /**
     * Fetches the page at {@code url} and returns {@code parse} applied to its body, on the calling thread,
     * which must not hold the GIL yet.
     *
     * <p>Holds the GIL from its first step to its last, except while {@code page.fetch(url)} waits, which it
     * does inside {@link Gil#blockingIo}; {@code parse} runs holding the GIL. Returns, or throws, with the
     * GIL released.
     *
     * <p>If the thread is interrupted while it waits to take the GIL, {@link Gil#acquire()} throws a
     * {@link java.util.concurrent.CancellationException}. Then {@code fetchOne} fetches nothing and lets that
     * exception out unchanged; the thread never got the GIL, so it has nothing to give back, and a
     * {@link Gil#release()} by a thread that does not hold the GIL throws an {@link IllegalStateException}.
     *
     * @throws IOException the fetch's own exception, unchanged, when the fetch fails
     * @throws RuntimeException whatever {@code parse} throws, unchanged
     * @throws java.util.concurrent.CancellationException {@link Gil#acquire()}'s own, unchanged, when the
     *         thread is interrupted while it waits for the GIL
     */
    public String fetchOne(String url) throws IOException {
        // TODO: parse is Python code, and this runs it without the GIL. Take the GIL first, and give it
        //       back however this method ends.
        // TODO: let the other Python threads run while this one waits for the page.
        String body = page.fetch(url);
        return parse.apply(body);
    }
}
