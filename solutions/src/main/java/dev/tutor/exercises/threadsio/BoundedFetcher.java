package dev.tutor.exercises.threadsio;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Fetches many pages from one server with a fixed number of threads: a polite client, which never has
 * more than {@code threads} requests waiting at the server at once, and which leaves no thread behind.
 *
 * <p>A thread per page overlaps every wait, but a hundred pages would mean a hundred requests landing on
 * the server in the same instant, and a hundred threads. A <em>thread pool</em> keeps a fixed number of
 * threads and a queue of tasks: each thread takes the next task from the queue when it has finished the
 * last, so at most that many tasks run at once. In Java a pool is an {@code ExecutorService}, and
 * {@code java.util.concurrent.Executors} makes them. Handing a pool a task with {@code submit} gives back
 * a {@code Future}: a receipt for a result that may not exist yet.
 *
 * <p>Every page is submitted to a fixed pool of {@code threads} threads, which runs that many fetches at
 * once and queues the rest; the futures are kept in page order and read in that order; and the pool is
 * closed on every way out of {@link #fetchAll}, which waits for its tasks and ends its threads.
 */
public final class BoundedFetcher {

    private BoundedFetcher() {
    }

    /**
     * Fetches every page on a pool of {@code threads} threads and returns their bodies in the order of
     * {@code pages}: the body of {@code pages.get(i)} at index {@code i}, whichever fetch finishes first.
     *
     * <p>At most {@code threads} fetches are in progress at any moment, on at most {@code threads} threads
     * in all, however many pages there are. While pages remain to be fetched, that many fetches are in
     * progress: a thread that has finished one fetch starts on the next page at once, whatever the other
     * threads are doing. Each page is fetched once.
     *
     * <p>Every thread it starts has ended by the time it returns or throws, on every way out: when a page
     * fails, or the calling thread is interrupted, it waits for the fetches still in progress to end before
     * it throws.
     *
     * @param threads how many fetches may be in progress at once, at least 1
     * @throws RuntimeException a page could not be fetched: {@link #fetch}'s own exception, whose message
     *     names the page
     * @throws InterruptedException if the calling thread is interrupted while it waits
     */
    public static List<String> fetchAll(List<URI> pages, int threads) throws InterruptedException {
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<String>> futures = new ArrayList<>();
            for (URI page : pages) {
                futures.add(pool.submit(() -> fetch(page)));  // queued; `threads` of them run at once
            }
            List<String> bodies = new ArrayList<>();
            for (Future<String> future : futures) {           // every page submitted before any get()
                bodies.add(bodyOf(future));
            }
            return List.copyOf(bodies);
        }   // close(): shuts the pool down, waits for its tasks, and so ends its threads, however we leave
    }

    /** Waits for one fetch; a failed fetch is rethrown here as the exception that names its page. */
    private static String bodyOf(Future<String> future) throws InterruptedException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;                                 // fetch's own UncheckedIOException
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * Makes one GET request and returns the reply's body; blocks until the whole reply has arrived.
     *
     * @throws UncheckedIOException if the page cannot be fetched, with a message that names the page
     */
    static String fetch(URI page) {
        try {
            HttpURLConnection connection = (HttpURLConnection) page.toURL().openConnection();
            connection.setConnectTimeout(5_000);
            connection.setReadTimeout(5_000);
            try (InputStream body = connection.getInputStream()) { // waits for the server's answer
                return new String(body.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not fetch " + page + ": " + e.getMessage(), e);
        }
    }
}
