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
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Lesson 6's demo: twenty fetches from the bundled slow HTTP server one after another, on a thread each,
 * and on fixed thread pools of several sizes; a failing fetch whose exception waits in its {@link Future};
 * and the convoy effect, a "Python" thread making quick fetches under the simulated GIL, alone and beside
 * a thread that computes.
 *
 * <p>The server runs in this JVM on loopback and answers every request after {@link #DELAY}; nothing
 * goes to the internet. The demo takes about six seconds, most of it in the batch that fetches one page
 * at a time, in the small pools and in the convoy runs, which count the best of three. When it runs in a terminal it first asks for a guess at each part's
 * time, and prints each guess beside the time measured.
 */
public final class FetchDemo {

    /** The server's wait before each answer; the source article's requests took about 0.1 s each. */
    static final Duration DELAY = Duration.ofMillis(100);
    /** How many pages each batch fetches. */
    static final int PAGES = 20;
    /** The pool sizes the second part tries, smallest first. */
    static final int[] POOL_SIZES = {2, 5, 10, 20, 40};
    /** How many quick fetches (no server delay) the convoy part makes. */
    static final int QUICK_FETCHES = 40;

    private FetchDemo() {
    }

    public static void main(String[] args) throws Exception {
        try (LoopbackServer server = SlowHttpServer.start(ServerOptions.defaults().withDelay(DELAY))) {
            System.out.println("Slow HTTP server on http://127.0.0.1:" + server.port() + "/, answering every request after "
                    + DELAY.toMillis() + " ms. This machine has " + Runtime.getRuntime().availableProcessors()
                    + " cores.");
            // The lesson's three guesses, asked before anything is timed.
            Optional<String> threadsGuess = Prediction.ask("How long will " + PAGES + " fetches take one after"
                    + " another, and on " + PAGES + " threads of their own?");
            Optional<String> poolGuess = Prediction.ask("And the same " + PAGES + " on a fixed pool of 2, 5, 10, 20"
                    + " and 40 threads?");
            Optional<String> convoyGuess = Prediction.ask(QUICK_FETCHES + " quick fetches by one \"Python\" thread:"
                    + " how much slower beside a thread that computes under the same GIL?");
            fetch(page(server, 0)); // the first fetch loads the HTTP classes; keep it out of the timings
            List<URI> pages = pages(server, PAGES);

            System.out.println();
            System.out.println("1. Bare threads");
            Duration sequential = time(() -> oneAfterAnother(pages));
            report(PAGES + " fetches, one after another", sequential, PAGES);
            Duration threaded = time(() -> onThreads(pages));
            report(PAGES + " fetches, one thread each", threaded, PAGES);
            Prediction.printBeside(threadsGuess, seconds(sequential) + " one after another, " + seconds(threaded)
                    + " on threads");

            System.out.println();
            System.out.println("2. A fixed pool of K threads (Executors.newFixedThreadPool)");
            StringBuilder poolTimes = new StringBuilder();
            for (int threads : POOL_SIZES) {
                Duration pooled = time(() -> onPool(pages, threads));
                report(PAGES + " fetches on a pool of " + threads, pooled, PAGES);
                poolTimes.append(poolTimes.isEmpty() ? "" : ", ").append(threads).append(": ").append(seconds(pooled));
            }
            Prediction.printBeside(poolGuess, poolTimes.toString());

            System.out.println();
            System.out.println("3. A failure waits in its Future");
            aFailureWaitsInItsFuture(page(server, 1), URI.create("http://127.0.0.1:" + server.port()
                    + "/page/2?delay=soon")); // not a number of milliseconds: the server answers 400 at once

            System.out.println();
            System.out.println("4. The convoy effect: one \"Python\" thread making " + QUICK_FETCHES
                    + " quick fetches under the simulated GIL");
            List<URI> quick = quickPages(server, QUICK_FETCHES);
            Duration alone = bestOfThree(() -> quickFetchesUnderGil(Gil.create(), quick));
            System.out.printf("  %-44s %6.3f s%n", "alone (best of 3)", alone.toNanos() / 1e9);
            Duration beside = bestOfThree(() -> besideAComputingThread(quick));
            System.out.printf("  %-44s %6.3f s   (%.1f times as long)%n", "beside a thread that computes (best of 3)",
                    beside.toNanos() / 1e9, beside.toNanos() / (double) alone.toNanos());
            Prediction.printBeside(convoyGuess, seconds(alone) + " alone, " + seconds(beside) + " beside it");
        }
    }

    /** Every page on a pool of {@code threads} threads, bodies in page order; the pool is closed on every way out. */
    static List<String> onPool(List<URI> pages, int threads) throws InterruptedException {
        List<Callable<String>> tasks = new ArrayList<>();
        for (URI page : pages) {
            tasks.add(() -> fetch(page));
        }
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<String> bodies = new ArrayList<>();
            for (Future<String> future : pool.invokeAll(tasks)) {   // returns once every task has ended
                bodies.add(resultOf(future));
            }
            return bodies;
        }                                                            // close(): shut down, wait for the threads
    }

    /** The future's result, or the exception its task threw, unwrapped from the ExecutionException. */
    static String resultOf(Future<String> future) throws InterruptedException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Submits a good page and a failing one, and shows where the failure went. */
    static void aFailureWaitsInItsFuture(URI good, URI bad) throws InterruptedException {
        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            Future<String> fine = pool.submit(() -> fetch(good));
            Future<String> failing = pool.submit(() -> fetch(bad));   // throws on a pool thread
            try {
                System.out.println("  fine.get():    " + fine.get().strip());
                failing.get();                                          // rethrows it here, wrapped
            } catch (ExecutionException e) {
                System.out.println("  failing.get(): " + e.getClass().getSimpleName() + ", whose cause is");
                System.out.println("                 " + e.getCause());
            }
        }
    }

    /** A "Python" thread that makes each fetch with the GIL released, as CPython does around a socket call. */
    static Duration quickFetchesUnderGil(Gil gil, List<URI> pages) {
        long start = System.nanoTime();
        gil.acquire();
        try {
            for (URI page : pages) {
                gil.blockingIo(() -> fetch(page));   // lets the GIL go for the wait, then must win it back
            }
        } finally {
            gil.release();
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** The same fetches while another "Python" thread computes, holding the GIL whenever it can. */
    static Duration besideAComputingThread(List<URI> pages) throws InterruptedException {
        Gil gil = Gil.create();
        AtomicBoolean finished = new AtomicBoolean();
        CountDownLatch computing = new CountDownLatch(1);
        Thread cpu = Thread.ofPlatform().name("computing").start(() -> gil.run(() -> {
            computing.countDown();
            long x = 1;
            while (!finished.get()) {
                gil.check();                          // where CPython's eval loop may hand the GIL over
                x = x * 6364136223846793005L + 1442695040888963407L;
            }
            if (x == 42) System.out.print(""); // keeps the JIT from deleting the loop
        }));
        computing.await();
        try {
            return quickFetchesUnderGil(gil, pages);
        } finally {
            finished.set(true);
            cpu.join();
        }
    }

    static List<String> oneAfterAnother(List<URI> pages) {
        List<String> bodies = new ArrayList<>();
        for (URI page : pages) {
            bodies.add(fetch(page));
        }
        return bodies;
    }

    static List<String> onThreads(List<URI> pages) throws InterruptedException {
        String[] bodies = new String[pages.size()];
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < pages.size(); i++) {
            int slot = i;
            threads.add(Thread.ofPlatform().name("fetch-" + i).start(() -> bodies[slot] = fetch(pages.get(slot))));
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

    private interface Timed {
        Duration run() throws InterruptedException;
    }

    /** The shortest of three runs, so that a moment in which another program had the core does not decide. */
    private static Duration bestOfThree(Timed run) throws InterruptedException {
        Duration best = run.run();
        for (int i = 1; i < 3; i++) {
            Duration next = run.run();
            best = next.compareTo(best) < 0 ? next : best;
        }
        return best;
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
        System.out.printf("  %-44s %6.3f s   (%4.1f delays, %4.0f fetches a second)%n", what,
                elapsed.toNanos() / 1e9, delays, fetches / (elapsed.toNanos() / 1e9));
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

    /** Pages the server answers at once, so that a fetch is only the short work at each end. */
    private static List<URI> quickPages(LoopbackServer server, int count) {
        List<URI> pages = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            pages.add(URI.create("http://127.0.0.1:" + server.port() + "/page/" + i + "?delay=0"));
        }
        return pages;
    }
}
