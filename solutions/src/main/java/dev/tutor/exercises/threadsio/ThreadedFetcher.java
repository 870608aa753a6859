package dev.tutor.exercises.threadsio;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Fetches several pages from a slow server on threads, so that their waits overlap and the whole batch
 * takes about as long as the slowest fetch instead of the sum of them all.
 *
 * <p>A fetch spends nearly all its time blocked, waiting for the server's reply, with its thread off the
 * CPU. One thread can only wait for one reply at a time; several threads can wait for several.
 *
 * <p>Each fetch gets a platform thread of its own; a fetch that fails is rethrown on the calling thread
 * once every thread has finished.
 */
public final class ThreadedFetcher {

    private ThreadedFetcher() {
    }

    /**
     * Fetches every page, each on a platform thread of its own (the operating-system thread that a Python
     * thread is, not a virtual thread), all at once: every request is on its way before the calling thread
     * waits for any reply. Returns their bodies in the order of {@code pages}: the body of
     * {@code pages.get(i)} at index {@code i}, however the fetches are timed.
     *
     * <p>When fetches fail, it still waits until every thread has ended, and then throws the exception of
     * the first failed page in page order, whichever failed first in time: the exception {@link #fetch}
     * threw for it, mostly its own {@link UncheckedIOException}, which names the page, but whatever
     * unchecked exception it was (an address that is not absolute gets an
     * {@link IllegalArgumentException}).
     *
     * <p>When it returns, or throws a fetch's exception, every thread it started has ended: {@code join()}
     * says so, and {@link Thread#isAlive()} is false for each. A latch or a counter that the threads count
     * down says that their work is done, not that they have ended. The one exception is an interrupt: if the
     * calling thread is interrupted while it waits, fetchAll throws {@link InterruptedException} at once and
     * waits no more, and the fetches already started run on to their end, their bodies dropped.
     * {@link #fetch} reports a failed fetch with an unchecked exception; an {@link Error} thrown by a fetch
     * (out of memory, say) is not a failed fetch, and what fetchAll does then is left open.
     *
     * @throws UncheckedIOException the first page, in page order, whose fetch failed (or whatever other
     *     unchecked exception fetch threw for that page)
     * @throws InterruptedException if the calling thread is interrupted while it waits; the fetches already
     *     started then run on to their end
     */
    public static List<String> fetchAll(List<URI> pages) throws InterruptedException {
        String[] bodies = new String[pages.size()];           // slot i belongs to the thread for page i
        RuntimeException[] failures = new RuntimeException[pages.size()];
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < pages.size(); i++) {
            int slot = i;
            URI page = pages.get(i);
            Thread thread = new Thread(() -> {
                try {
                    bodies[slot] = fetch(page);
                } catch (RuntimeException e) {
                    failures[slot] = e;
                }
            }, "fetch-" + i);
            thread.start();                                     // start them all first...
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();                                      // ...then wait for each; join() also
        }                                                       // makes its writes visible here
        for (RuntimeException failure : failures) {
            if (failure != null) {
                throw failure;
            }
        }
        return List.of(bodies);
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
