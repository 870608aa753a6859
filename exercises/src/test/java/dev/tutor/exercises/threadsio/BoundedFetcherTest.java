package dev.tutor.exercises.threadsio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tutor.exercises.support.Seeded;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Grades {@link BoundedFetcher}: a pool of exactly {@code threads} threads, virtual threads counted too
 * (hint 1), every page submitted before any result is awaited and the results read in page order (hint 2),
 * and the pool shut down and waited for on every way out: return, a failing page, an interrupt (hint 3).
 *
 * <p>Each test plays the server ({@link HeldServer}): it holds every request until the client has settled,
 * then counts what is in flight and answers one request of its choosing, in an order that is not the page
 * order. So "K at once, never more, and K again as soon as one is answered" is counted, not timed, and no
 * answer, right or wrong, waits out a deadline. The pool size is always larger than this machine's number
 * of cores, and the page count is never a multiple of it; both, and the order of the answers, come from the
 * run's seed. Each test carries {@code @Tag("hint:N")}: when it fails, the tutor offers hint N.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 10, unit = TimeUnit.SECONDS)
@ExtendWith(Seeded.class)
class BoundedFetcherTest {

    private static final int CORES = Runtime.getRuntime().availableProcessors();

    @Test
    @Order(1)
    @Tag("hint:1")
    void sendsExactlyAsManyRequestsAtOnceAsThreads(Random random) throws Exception {
        int threads = poolSize(random);
        int pages = pageCount(threads, random);
        Run run = run(threads, pages, Set.of(), random, Choice.RANDOM, Mode.PLAIN);

        HeldServer.Call.Settled first = run.firstSettle;
        if (run.mostInFlight > threads) {
            fail(run.call() + " had " + run.mostInFlight + " requests waiting at the server at once; at most "
                    + threads + " are allowed. A thread pool of exactly " + threads + " threads runs " + threads
                    + " fetches and queues the rest.");
        }
        int wanted = Math.min(threads, pages);
        if (first.held().size() != wanted) {
            fail(run.call() + " sent " + first.held().size() + " request(s) (" + HeldServer.pagesText(first.held())
                    + ") and then nothing more while the server held them, where " + wanted + " must be at the"
                    + " server at once." + run.describeShortfall(first));
        }
    }

    @Test
    @Order(2)
    @Tag("hint:1")
    void fetchesEveryPageOnceOnAtMostThatManyThreads(Random random) throws Exception {
        int threads = poolSize(random);
        List<Run> runs = List.of(
                run(threads, pageCount(threads, random), Set.of(), random, Choice.RANDOM, Mode.PLAIN),
                run(threads, 1 + random.nextInt(threads - 1), Set.of(), random, Choice.RANDOM, Mode.PLAIN),
                run(1, 2 + random.nextInt(3), Set.of(), random, Choice.RANDOM, Mode.PLAIN),
                run(threads, 0, Set.of(), random, Choice.RANDOM, Mode.PLAIN));
        for (Run run : runs) {
            if (run.thrown != null) {
                fail(run.call() + " threw " + run.thrown + ", though every page answered 200 OK.");
            }
            String counts = HeldServer.requestCountsText(run.requests);
            if (!counts.isEmpty()) {
                fail(run.call() + ": " + counts + ". Every page must be fetched exactly once.");
            }
            if (run.fetchingThreads > run.threads) {
                fail(run.call() + " fetched its pages on " + run.fetchingThreads + " different threads; at most "
                        + run.threads + " may fetch. A pool of " + run.threads + " threads reuses each thread for"
                        + " page after page, where a thread per page waits in line for a permit it is"
                        + " still one thread per page.");
            }
            if (run.threadsAtFirstSettle > run.threads) {
                fail(run.call() + " had " + run.threadsAtFirstSettle + " threads running its tasks at once ("
                        + run.virtualAtFirstSettle + " of them virtual) while the server held "
                        + HeldServer.pagesText(run.firstSettle.held()) + "; at most " + run.threads + " threads in"
                        + " all may run them. Threads that wait for a permit keep the server's count right, but a"
                        + " thread per page, virtual or not, is still a thread per page: hand the pages to a pool of "
                        + run.threads + " threads, Executors.newFixedThreadPool(threads).");
            }
            if (run.result == null) {
                fail(run.call() + " returned null; return a List with one body per page.");
            }
            List<String> sorted = run.result.stream().sorted().toList();
            List<String> expected = run.server.bodies().stream().sorted().toList();
            assertEquals(expected, sorted, run.call() + " returned other bodies than the server sent (whatever"
                    + " their order): " + run.result + ".");
        }
    }

    @Test
    @Order(3)
    @Tag("hint:2")
    void keepsThatManyAtTheServerWhilePagesRemainAndReturnsThemInPageOrder(Random random) throws Exception {
        int threads = poolSize(random);
        int pages = pageCount(threads, random);
        Run run = run(threads, pages, Set.of(), random, Choice.HIGHEST_FIRST, Mode.WATCH_SHORTFALL);

        if (run.shortfall != null) {
            HeldServer.Call.Settled seen = run.shortfall;
            fail(run.call() + ": after the server had answered " + HeldServer.pagesText(run.answeredBefore)
                    + ", it held " + HeldServer.pagesText(seen.held()) + " and the client sent nothing more,"
                    + " though " + run.remainingAtShortfall + " pages were still to fetch and " + threads
                    + " threads were allowed. A pool thread that has finished a fetch takes the next queued page"
                    + " at once, whatever the others are doing; waiting for a whole group of pages to finish"
                    + " leaves threads idle." + run.describeShortfall(seen));
        }
        if (run.thrown != null) {
            fail(run.call() + " threw " + run.thrown + ", though every page answered 200 OK.");
        }
        assertEquals(run.server.bodies(), run.result, () -> "The server answered the pages in the order "
                + run.answerOrder + ", and " + run.call() + " returned " + run.result + ". The body of page i"
                + " belongs at index i, whichever fetch finishes first: keep each page's Future in a list in page"
                + " order and read the results from that list.");
    }

    @Test
    @Order(4)
    @Tag("hint:3")
    void leavesNoThreadRunningOnceItReturns(Random random) throws Exception {
        int threads = poolSize(random);
        Run run = run(threads, pageCount(threads, random), Set.of(), random, Choice.RANDOM, Mode.PLAIN);

        if (!run.returnedWhileHeld.isEmpty()) {
            fail(run.call() + " returned while the server still held " + HeldServer.pagesText(run.returnedWhileHeld)
                    + ": threads it started were still fetching.");
        }
        if (!run.leftRunning.isEmpty()) {
            fail(run.call() + " returned, and these threads that fetched its pages were still alive and waiting"
                    + " for more work: " + run.leftRunning + ". A pool's threads wait for tasks until the pool is"
                    + " shut down, so every thread fetchAll() starts must have ended when it returns.");
        }
    }

    @Test
    @Order(5)
    @Tag("hint:3")
    void aFailingPageEndsTheCallWithItsNameOnceEveryThreadHasEnded(Random random) throws Exception {
        int threads = Math.max(2, poolSize(random));
        int pages = 2 * threads + 1 + random.nextInt(threads);
        int broken = 1 + random.nextInt(pages - threads - 1); // pages after it remain to be fetched
        Run run = run(threads, pages, Set.of(broken), random, Choice.upTo(broken), Mode.PLAIN);
        String brokenPage = run.server.page(broken).toString();

        if (!run.returnedWhileHeld.isEmpty()) {
            fail(run.call() + ": page " + broken + " answered 500 Internal Server Error, and fetchAll() "
                    + (run.thrown == null ? "returned" : "threw " + run.thrown) + " while the server still held "
                    + HeldServer.pagesText(run.returnedWhileHeld) + ", so threads it had started were still"
                    + " fetching. Shutting the pool down stops it from taking new tasks, but the running and"
                    + " queued ones go on: the pool must also be waited for, on this way out too.");
        }
        // Pages after a failure need not be fetched at all (a pool stopped with shutdownNow() drops them), but
        // none may be asked for twice, the broken one least of all.
        List<Integer> again = new ArrayList<>();
        for (int i = 0; i < run.requests.length; i++) {
            if (run.requests[i] > 1) {
                again.add(i);
            }
        }
        if (!again.isEmpty()) {
            fail(run.call() + ": page " + broken + " answered 500 Internal Server Error, and the server was asked for "
                    + HeldServer.pagesText(again) + " more than once (requests per page: "
                    + java.util.Arrays.toString(run.requests) + "). Each page is fetched once: a task is fetch(page)"
                    + " and nothing more, and a page that fails is not asked for again; its exception ends the call.");
        }
        if (run.thrown == null) {
            fail(run.call() + ": page " + broken + " answered 500 Internal Server Error, and fetchAll() returned "
                    + run.result + " instead of throwing. A page that cannot be fetched must end the call with an"
                    + " exception that names it.");
        }
        if (!(run.thrown instanceof UncheckedIOException) || !String.valueOf(run.thrown.getMessage()).contains(brokenPage)) {
            fail(run.call() + ": page " + broken + " answered 500 Internal Server Error, and fetchAll() threw "
                    + run.thrown + ", not the UncheckedIOException of fetch() that names " + brokenPage + ". get()"
                    + " wraps what the task threw in an ExecutionException; throw its cause, fetch()'s own"
                    + " exception.");
        }
        if (!run.leftRunning.isEmpty()) {
            fail(run.call() + " threw for the broken page " + broken + ", as it should, but these threads that"
                    + " fetched its pages were still alive and waiting for more work: " + run.leftRunning
                    + ". The pool must be shut down on every way out of fetchAll(), the one that throws as well.");
        }
    }

    @Test
    @Order(6)
    @Tag("hint:3")
    void anInterruptedCallThrowsInterruptedExceptionOnceEveryThreadHasEnded(Random random) throws Exception {
        int threads = Math.max(2, poolSize(random));
        Run run = run(threads, pageCount(threads, random), Set.of(), random, Choice.RANDOM, Mode.INTERRUPT);

        if (!run.returnedWhileHeld.isEmpty()) {
            fail("The thread that called " + run.call() + " was interrupted while it waited, and fetchAll() "
                    + (run.thrown == null ? "returned" : "threw " + run.thrown) + " while the server still held "
                    + HeldServer.pagesText(run.returnedWhileHeld) + ", so threads it had started were still"
                    + " fetching. Every thread must have ended when fetchAll() throws, after an interrupt too.");
        }
        if (!(run.thrown instanceof InterruptedException)) {
            fail("The thread that called " + run.call() + " was interrupted while it waited, and fetchAll() "
                    + (run.thrown == null ? "returned " + run.result : "threw " + run.thrown) + ". An interrupt"
                    + " is a request to stop, and the caller must be told of it: let get()'s InterruptedException"
                    + " leave fetchAll(), which declares it, instead of wrapping or swallowing it.");
        }
        if (!run.leftRunning.isEmpty()) {
            fail(run.call() + " was interrupted and threw, but these threads that fetched its pages were still"
                    + " alive: " + run.leftRunning + ".");
        }
    }

    // ---- one call of fetchAll against a server the test plays ----

    /** What one call of fetchAll is watched for, beyond what every call records. */
    private enum Mode {
        /** Nothing more. */
        PLAIN,
        /** Fewer requests at the server than threads allowed while pages remain (the test that judges it). */
        WATCH_SHORTFALL,
        /** The calling thread interrupted once the client first settles. */
        INTERRUPT
    }

    /** How the test picks the next request to answer among those held. */
    private interface Choice {
        int pick(List<Integer> held, List<Integer> answered, Random random);

        /** Any held request. */
        Choice RANDOM = (held, answered, random) -> held.get(random.nextInt(held.size()));

        /** The highest page first, then any: the first answer is never the first page. */
        Choice HIGHEST_FIRST = (held, answered, random) ->
                answered.isEmpty() ? held.get(held.size() - 1) : held.get(random.nextInt(held.size()));

        /** Any held page up to {@code last} while there is one, so that later pages are still held when it is done. */
        static Choice upTo(int last) {
            return (held, answered, random) -> {
                List<Integer> early = held.stream().filter(page -> page <= last).toList();
                List<Integer> from = early.isEmpty() ? held : early;
                return from.get(random.nextInt(from.size()));
            };
        }
    }

    /** What one call of fetchAll showed the server. */
    private static final class Run {
        int threads;
        int pages;
        HeldServer server;
        HeldServer.Call.Settled firstSettle;
        HeldServer.Call.Settled shortfall;
        List<Integer> answeredBefore = List.of();
        int remainingAtShortfall;
        List<Integer> returnedWhileHeld = List.of();
        List<Integer> answerOrder = List.of();
        int mostInFlight;
        int fetchingThreads;
        /** Threads other than the caller with fetchAll's code on their stacks, virtual ones included. */
        int threadsAtFirstSettle;
        int virtualAtFirstSettle;
        boolean callerFetched;
        int[] requests;
        List<String> result;
        Throwable thrown;
        List<String> leftRunning = List.of();

        String call() {
            return "fetchAll(" + pages + " pages, threads = " + threads + ")";
        }

        /** What the calling thread was doing when too few requests were at the server, as far as was seen. */
        String describeShortfall(HeldServer.Call.Settled seen) {
            if (callerFetched) {
                return " The thread that called fetchAll() was itself inside fetch(), waiting for a reply: it"
                        + " fetched pages one after another instead of handing them to a pool.";
            }
            StringBuilder text = new StringBuilder();
            if (!seen.callerWaitsIn().isEmpty()) {
                text.append(" Meanwhile the thread that called fetchAll() was waiting in ").append(seen.callerWaitsIn())
                        .append(".");
            }
            if (seen.held().size() == CORES && threads > CORES) {
                text.append(" That is as many requests as this machine has cores (").append(CORES).append("): a"
                        + " fetch waits without using a core, so a pool for I/O is sized by the threads argument,"
                        + " not by the cores.");
            }
            return text.toString();
        }
    }

    private Run run(int threads, int pages, Set<Integer> broken, Random random, Choice choice, Mode mode)
            throws Exception {
        Run run = new Run();
        run.threads = threads;
        run.pages = pages;
        try (HeldServer server = HeldServer.start(pages, broken, "run " + random.nextInt(1_000_000))) {
            run.server = server;
            List<URI> uris = server.pages();
            HeldServer.Call call = HeldServer.Call.start(server, BoundedFetcher.class,
                    () -> BoundedFetcher.fetchAll(uris, threads));
            // The in-flight count is owed only while nothing failed or was interrupted, and only the test that
            // judges it watches it: telling a real shortfall from a thread woken but not yet scheduled costs a
            // wait, which the other tests would pay (a wrong answer once in each) for nothing.
            boolean counting = mode == Mode.WATCH_SHORTFALL;
            boolean interrupt = mode == Mode.INTERRUPT;
            List<Integer> answered = new ArrayList<>();
            while (true) {
                HeldServer.Call.Settled seen = call.awaitSettled();
                if (run.firstSettle == null) {
                    run.firstSettle = seen;
                    // Every task has been handed over by now, and none has ended: no page was answered yet.
                    for (AllThreads.Dumped thread : AllThreads.now()) {
                        if (!thread.name().equals("fetchAll caller") && thread.runs(BoundedFetcher.class)) {
                            run.threadsAtFirstSettle++;
                            run.virtualAtFirstSettle += thread.virtual() ? 1 : 0;
                        }
                    }
                }
                if (seen.callerDone()) {
                    run.returnedWhileHeld = seen.held();
                    break;
                }
                if (seen.held().isEmpty() && call.comesBackOrAsks(() -> { })) {
                    continue; // the caller came back, or asked for its next page, once it was scheduled
                }
                if (seen.held().isEmpty()) {
                    fail(run.call() + " went on waiting, with no request at the server and " + HeldServer.pagesText(
                            answered) + " answered" + (seen.callerWaitsIn().isEmpty() ? "" : "; the calling thread"
                            + " waits in " + seen.callerWaitsIn()) + ".");
                }
                int remaining = pages - answered.size();
                if (counting && run.shortfall == null && seen.held().size() < Math.min(threads, remaining)
                        && server.moreThanHeldArrive(seen.held().size())) {
                    continue; // a thread that was woken but not yet scheduled looked settled: look again
                }
                if (counting && run.shortfall == null && seen.held().size() < Math.min(threads, remaining)) {
                    run.shortfall = seen;
                    run.answeredBefore = List.copyOf(answered);
                    run.remainingAtShortfall = remaining;
                }
                if (interrupt) {
                    interrupt = false;
                    counting = false;
                    call.interrupt();
                    continue;
                }
                int page = choice.pick(seen.held(), answered, random);
                counting &= !broken.contains(page);
                server.answer(page);
                answered.add(page);
            }
            run.result = call.result();
            run.thrown = call.thrown();
            run.leftRunning = call.threadsLeftRunning();
            call.finish();
            run.mostInFlight = server.mostInFlight();
            run.requests = server.requests();
            run.answerOrder = server.answerOrder();
            run.fetchingThreads = call.fetchingThreads().size();
            run.callerFetched = call.callerFetched();
        }
        return run;
    }

    /** More threads than this machine has cores, so that a pool sized by the cores is too small. */
    private static int poolSize(Random random) {
        return CORES + 1 + random.nextInt(3);
    }

    /** Between one and two pools' worth and more, never a multiple of the pool size; mostly a remainder of 2+. */
    private static int pageCount(int threads, Random random) {
        int remainder = threads > 2 ? 2 + random.nextInt(threads - 2) : 1;
        return threads * (1 + random.nextInt(2)) + remainder;
    }
}
