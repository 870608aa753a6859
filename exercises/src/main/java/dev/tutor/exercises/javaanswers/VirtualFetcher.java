package dev.tutor.exercises.javaanswers;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Fetches many pages at once, each on a virtual thread of its own: plain blocking code, one thread per page,
 * and still thousands of pages in flight on a handful of platform threads.
 *
 * <p>A <em>virtual thread</em> (JDK 21) is a {@code Thread} that the JDK runs on a few platform threads, its
 * <em>carriers</em>. When it blocks on a socket, the JDK takes it off its carrier, registers the socket with
 * its own poller, and puts the thread back on a carrier when the socket is ready: the event loop of lesson
 * 10, run by the JDK for you, while your code reads like the blocking fetch of lesson 6. A virtual thread
 * costs little, so there is no pool to size: {@code Executors.newVirtualThreadPerTaskExecutor()} starts a new
 * one for every task, and a {@code Semaphore} limits how many fetch at once when a limit is wanted.
 *
 * <p>Exercise: complete {@link #fetchAll(List, int, Fetch)}. The rest is done: {@link #get} makes one
 * blocking request, and {@link #fetchAll(List)} fetches with it.
 */
public final class VirtualFetcher {

    private VirtualFetcher() {
    }

    /** Fetches one page and returns its body, blocking until it has come. */
    @FunctionalInterface
    public interface Fetch {
        String fetch(URI page) throws IOException;
    }

    /** What became of one page. */
    public sealed interface Result permits Body, Failed {
        URI page();
    }

    /** The page's body, as the fetch returned it. */
    public record Body(URI page, String text) implements Result {
    }

    /** The fetch of this page threw {@code error}: the very exception it threw. */
    public record Failed(URI page, Exception error) implements Result {
    }

    /** Fetches every page at once with {@link #get}: {@code fetchAll(pages, Integer.MAX_VALUE, VirtualFetcher::get)}. */
    public static List<Result> fetchAll(List<URI> pages) throws InterruptedException {
        return fetchAll(pages, Integer.MAX_VALUE, VirtualFetcher::get);
    }

    /**
     * Fetches every page with {@code fetch}, each on a virtual thread of its own, and returns one result per
     * page in the order of {@code pages} (the same address twice is two pages, fetched twice).
     *
     * <p>Every page is fetched once, and at most {@code limit} fetches are in progress at any moment. While
     * pages remain to be fetched, that many are in progress: a page starts as soon as one fewer than the
     * limit is fetching, whatever the others are doing; with a limit of at least the number of pages, every
     * page is in flight at once. Pages may start in any order. Each fetch runs on a new virtual thread, never
     * on a platform thread and never on the calling thread, and no two pages share a thread.
     *
     * <p>A fetch that throws gives its page a {@link Failed} with the exception it threw, and stops nothing
     * else: every other page is fetched and reported.
     *
     * <p>Every thread it starts has ended its work when it returns: each fetch has returned or thrown, as
     * after the executor's {@code close()} (a virtual thread may stay alive a moment longer while the JDK
     * ends it). If the calling thread is interrupted while it waits, wherever it waits, every fetch still in
     * progress, or not yet started, is interrupted or never started, and {@code fetchAll} throws
     * {@code InterruptedException} once every thread it started has ended its work.
     *
     * @param limit how many fetches may be in progress at once, at least 1
     * @throws InterruptedException if the calling thread is interrupted while it waits
     */
    public static List<Result> fetchAll(List<URI> pages, int limit, Fetch fetch) throws InterruptedException {
        // TODO: this fetches the pages one after another, on the calling thread. Fetch each on a virtual
        //       thread of its own instead, every page started before you wait for any, and return the results
        //       in page order, whichever fetch finishes first.
        // TODO: a fetch that throws is its page's Failed, with the very exception it threw; the others go on.
        //       Every thread started has ended when fetchAll returns or throws; an interrupted caller stops
        //       the fetches still running before it throws InterruptedException.
        // TODO: never more than `limit` fetches at once, and that many while pages remain: a thread per page
        //       still, not a pool of `limit` threads.
        List<Result> results = new ArrayList<>();
        for (URI page : pages) {
            try {
                results.add(new Body(page, fetch.fetch(page)));
            } catch (IOException e) {
                results.add(new Failed(page, e));
            }
        }
        return results;
    }

    /**
     * Makes one GET request and returns the reply's body; blocks until the whole reply has arrived. On a
     * virtual thread, the wait parks the virtual thread and leaves its carrier free.
     *
     * @throws IOException if the page cannot be fetched, or answers with a status other than 200
     */
    public static String get(URI page) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) page.toURL().openConnection();
        connection.setConnectTimeout(10_000);
        connection.setReadTimeout(10_000);
        try (InputStream body = connection.getInputStream()) {   // waits for the server's answer
            return new String(body.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IOException("Could not fetch " + page + ": " + e.getMessage(), e);
        }
    }
}
