package dev.tutor.exercises.gil;

import dev.tutor.runtime.gil.Gil;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Fetches pages on "Python threads": Java threads that play by the rules of CPython's GIL, simulated by
 * {@link Gil}. Each page is fetched (blocking I/O) and then parsed (Python code, CPU work).
 *
 * <p>The rules: Python code runs only on a thread that holds the GIL, so {@code parse} must run between
 * {@link Gil#acquire()} and {@link Gil#release()}. A blocking call made while holding the GIL stops every
 * other Python thread for as long as it waits, so CPython lets go of the GIL around blocking I/O; here
 * that is {@link Gil#blockingIo}, which releases the GIL, runs the call and takes the GIL back. Done
 * right, two threads fetching two pages wait for the network at the same time.
 *
 * <p>Exercise: complete {@link #fetchOne} and {@link #fetchAll}. Keep the constructor and {@link Page}
 * as they are; the tests use them.
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
     * @param gil   the GIL that every thread of this fetcher plays by
     * @param page  the blocking fetch
     * @param parse the "Python code" that turns a body into a result; it must run holding the GIL
     */
    public GilFetcher(Gil gil, Page page, UnaryOperator<String> parse) {
        this.gil = Objects.requireNonNull(gil, "gil");
        this.page = Objects.requireNonNull(page, "page");
        this.parse = Objects.requireNonNull(parse, "parse");
    }

    /**
     * Fetches and parses one page on the calling thread, which must not hold the GIL yet. Returns with
     * the GIL released, whether the fetch succeeded or threw.
     */
    public String fetchOne(String url) throws IOException {
        // TODO: hold the GIL while Python code runs, and let it go however this method ends.
        // TODO: let the other Python threads run while this one waits for the page.
        String body = page.fetch(url);
        return parse.apply(body);
    }

    /**
     * Fetches every page, each on its own new thread, so that their waits overlap, and returns the
     * results in the order of {@code urls}. If a fetch fails, throws the first failure's IOException.
     */
    public List<String> fetchAll(List<String> urls) throws IOException, InterruptedException {
        // TODO: one thread per URL, each calling fetchOne; wait for all of them; keep the results in order.
        List<String> results = new ArrayList<>();
        for (String url : urls) {
            results.add(fetchOne(url));
        }
        return results;
    }
}
