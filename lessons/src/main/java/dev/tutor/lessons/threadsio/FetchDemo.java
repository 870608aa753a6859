package dev.tutor.lessons.threadsio;

import dev.tutor.lessons.Prediction;
import dev.tutor.runtime.gil.Gil;
import dev.tutor.runtime.net.LoopbackServer;
import dev.tutor.runtime.net.ServerOptions;
import dev.tutor.runtime.net.SlowHttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Lesson 6's demo: two and then twenty fetches from the bundled slow HTTP server, one after another and
 * on threads, and the same fetches made by "Python" threads under the simulated GIL, once holding it
 * across the download and once releasing it with {@link Gil#blockingIo}.
 *
 * <p>The server runs in this JVM on loopback and answers every request after {@link #DELAY}. The demo
 * takes about five seconds, most of it in the two runs that make twenty fetches one delay at a time.
 * When it runs in a terminal it first asks for a guess at each batch's time, and prints each guess beside
 * the time measured.
 */
public final class FetchDemo {

    /** The server's wait before each answer; the source article's requests took about 0.1 s each. */
    static final Duration DELAY = Duration.ofMillis(100);

    private FetchDemo() {
    }

    public static void main(String[] args) throws Exception {
        try (LoopbackServer server = SlowHttpServer.start(ServerOptions.defaults().withDelay(DELAY))) {
            System.out.println("Slow HTTP server on http://127.0.0.1:" + server.port() + "/, answering every request after "
                    + DELAY.toMillis() + " ms.");
            // The lesson's four guesses, asked before anything is timed.
            Optional<String> twoGuess = Prediction.ask("How long will 2 fetches take one after another,"
                    + " and on 2 threads?");
            Optional<String> twentyGuess = Prediction.ask("And 20 fetches one after another, and on 20 threads?");
            Optional<String> holdingGuess = Prediction.ask("20 fetches on 20 \"Python\" threads that hold the GIL"
                    + " while they wait?");
            Optional<String> releasingGuess = Prediction.ask("The same 20 with the GIL released around the wait?");
            fetch(page(server, 0)); // the first fetch loads the HTTP classes; keep it out of the timings

            System.out.println();
            System.out.println("Plain Java threads (no GIL)");
            for (int count : new int[] {2, 20}) {
                List<URI> pages = pages(server, count);
                Duration sequential = time(() -> oneAfterAnother(pages, FetchDemo::fetch));
                report(count + " fetches, one after another", sequential, count);
                Duration threaded = time(() -> onThreads(pages, FetchDemo::fetch));
                report(count + " fetches, one thread each", threaded, count);
                Prediction.printBeside(count == 2 ? twoGuess : twentyGuess,
                        seconds(sequential) + " one after another, " + seconds(threaded) + " on threads");
            }

            System.out.println();
            System.out.println("\"Python\" threads under the simulated GIL, one thread per fetch");
            for (int count : new int[] {2, 20}) {
                List<URI> pages = pages(server, count);
                Gil holding = Gil.create();
                Duration held = time(() -> onThreads(pages, page -> holdingTheGil(holding, page)));
                report(count + " fetches holding the GIL while waiting", held, count);
                Gil releasing = Gil.create();
                Duration released = time(() -> onThreads(pages, page -> releasingTheGil(releasing, page)));
                report(count + " fetches releasing it (gil.blockingIo)", released, count);
                if (count == 20) { // the lesson asks about the twenty only
                    Prediction.printBeside(holdingGuess, seconds(held) + " holding the GIL");
                    Prediction.printBeside(releasingGuess, seconds(released) + " releasing it");
                }
            }

            System.out.println();
            System.out.println("One after another costs one delay per fetch; on threads the waits overlap and the"
                    + " batch costs about one delay. A thread that keeps the GIL while it waits makes every"
                    + " other Python thread wait too.");
        }
    }

    /** A "Python" thread that keeps the GIL across the download: the others cannot run meanwhile. */
    static String holdingTheGil(Gil gil, URI page) {
        gil.acquire();
        try {
            return fetch(page);                          // waits for the server, GIL in hand
        } finally {
            gil.release();
        }
    }

    /** A "Python" thread that lets the GIL go for the download, as CPython does around a socket call. */
    static String releasingTheGil(Gil gil, URI page) {
        gil.acquire();
        try {
            return gil.blockingIo(() -> fetch(page));    // the GIL is free while it waits
        } finally {
            gil.release();
        }
    }

    static List<String> oneAfterAnother(List<URI> pages, Fetcher fetcher) {
        List<String> bodies = new ArrayList<>();
        for (URI page : pages) {
            bodies.add(fetcher.fetch(page));
        }
        return bodies;
    }

    static List<String> onThreads(List<URI> pages, Fetcher fetcher) throws InterruptedException {
        String[] bodies = new String[pages.size()];
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < pages.size(); i++) {
            int slot = i;
            Thread thread = new Thread(() -> bodies[slot] = fetcher.fetch(pages.get(slot)), "fetch-" + i);
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        return List.of(bodies);
    }

    /** Makes one blocking GET request and returns the body. */
    static String fetch(URI page) {
        try {
            HttpURLConnection connection = (HttpURLConnection) page.toURL().openConnection();
            connection.setConnectTimeout(5_000);
            connection.setReadTimeout(5_000);
            try (InputStream body = connection.getInputStream()) { // blocks until the server answers
                return new String(body.readAllBytes());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not fetch " + page, e);
        }
    }

    @FunctionalInterface
    interface Fetcher {
        String fetch(URI page);
    }

    private interface Batch {
        List<String> run() throws InterruptedException;
    }

    private static Duration time(Batch batch) throws InterruptedException {
        long start = System.nanoTime();
        List<String> bodies = batch.run();
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        if (bodies.stream().anyMatch(body -> body == null || body.isEmpty())) {
            throw new IllegalStateException("A fetch came back empty.");
        }
        return elapsed;
    }

    private static void report(String what, Duration elapsed, int fetches) {
        double delays = elapsed.toNanos() / (double) DELAY.toNanos();
        System.out.printf("  %-44s %6.3f s   (%4.1f delays for %d fetches)%n", what, elapsed.toNanos() / 1e9, delays,
                fetches);
    }

    /** A time as {@link #report} prints it, so that a guess is compared with the same figure. */
    private static String seconds(Duration elapsed) {
        return String.format("%.3f s", elapsed.toNanos() / 1e9);
    }

    private static URI page(LoopbackServer server, int number) {
        return URI.create("http://127.0.0.1:" + server.port() + "/page/" + number);
    }

    private static List<URI> pages(LoopbackServer server, int count) {
        List<URI> pages = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            pages.add(page(server, i));
        }
        return pages;
    }
}
