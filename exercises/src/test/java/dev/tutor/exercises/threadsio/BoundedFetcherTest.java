package dev.tutor.exercises.threadsio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tutor.runtime.net.GateServer;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Grades {@link BoundedFetcher}. Twelve pages go to a gate: a small server of the test's own that counts
 * the requests in flight (arrived, not yet answered) and holds every answer until {@link #THREADS} of
 * them are in flight, so "that many at once" is checked by counting, not by a stopwatch. Once they are,
 * it keeps holding for {@link #GRACE}, to give any request beyond the limit time to arrive and be counted,
 * then answers everyone, the first {@link #THREADS} pages in reverse order. A client with at most
 * {@link #THREADS} threads can never show the server more, since a thread sends its next request only
 * after the answer to its last. If {@link #THREADS} requests never arrive, the gate gives up after
 * {@link #GATE_TIME_OUT} and notes the most it saw.
 *
 * <p>The first five tests share one run against the gate; the last one fetches from a gate with a broken
 * page. Each test carries {@code @Tag("hint:N")}: when it fails, the tutor offers hint N of the exercise.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class BoundedFetcherTest {

    private static final int PAGES = 12;
    private static final int THREADS = 3;
    /** How long the gate waits for THREADS requests; a pool's threads reach it in milliseconds. */
    private static final Duration GATE_TIME_OUT = Duration.ofMillis(2_000);
    /** How long the gate goes on holding once THREADS requests are in, for any more to show up. */
    private static final Duration GRACE = Duration.ofMillis(60);
    /** The first THREADS pages are answered this far apart, the last of them first. */
    private static final Duration STAGGER = Duration.ofMillis(10);
    /** How long a thread that fetchAll started may take to end after fetchAll has returned. */
    private static final Duration THREAD_END_TIME_OUT = Duration.ofMillis(1_000);
    private static final int BROKEN_PAGE = 7;

    /** One run of fetchAll against the gate, shared by the first five tests; one per test-class instance. */
    private GateRun gateRun;

    @Test
    @Order(1)
    @Tag("hint:1")
    void fetchesOnPoolThreadsNotTheCaller() throws Exception {
        GateRun run = gateRun();
        assertFalse(run.callerFetchedItself(),
                () -> "When a request reached the server, the thread that called fetchAll() was itself inside"
                        + " fetch(), waiting for the reply, and the server saw at most " + run.mostInFlight()
                        + " request(s) at once. So the calling thread fetched the pages one after another, and "
                        + PAGES + " fetches cost " + PAGES + " waits. Hand the fetches to a pool of " + THREADS
                        + " threads and let the calling thread wait for their results.");
    }

    @Test
    @Order(2)
    @Tag("hint:1")
    void neverHasMoreRequestsInFlightThanThreads() throws Exception {
        GateRun run = gateRun();
        assertTrue(run.mostInFlight() <= THREADS && run.mostThreadsInFetch() <= THREADS,
                () -> "fetchAll(pages, " + THREADS + ") had " + run.mostInFlight() + " requests waiting at the"
                        + " server at once, and " + run.mostThreadsInFetch() + " threads inside fetch() at once;"
                        + " at most " + THREADS + " were allowed. A thread per page sends all " + PAGES
                        + " requests in the same instant, which a server with many clients cannot afford. A pool"
                        + " of exactly " + THREADS + " threads runs " + THREADS + " fetches and queues the rest.");
    }

    @Test
    @Order(3)
    @Tag("hint:2")
    void keepsAsManyRequestsInFlightAsThreads() throws Exception {
        GateRun run = gateRun();
        assertTrue(run.mostInFlight() >= THREADS, // more than THREADS is the business of test 2
                () -> "fetchAll(pages, " + THREADS + ") never had more than " + run.mostInFlight() + " request(s)"
                        + " waiting at the server at once: the server held every answer for "
                        + GATE_TIME_OUT.toMillis() + " ms, waiting for " + THREADS + " requests, and they did not"
                        + " come. " + (run.callerFetchedItself()
                        ? "The calling thread fetched the pages itself, one after another; hand them to a pool."
                        : run.mostInFlight() <= 1
                        ? "The pool was given one page at a time, each after the one before it had been answered;"
                          + " a get() straight after its submit() does that. Submit every page first, then get()"
                          + " the results."
                        : "Make the pool exactly as large as the threads argument, and submit every page to it"
                          + " before you get() any result."));
        List<String> sorted = run.bodies().stream()
                .sorted(Comparator.nullsLast(Comparator.naturalOrder())).toList(); // their order is test 4's business
        assertEquals(expectedBodies().stream().sorted().toList(), sorted,
                "fetchAll() returned other bodies than the gate server sent: " + run.bodies()
                        + ". Return one body per page.");
    }

    @Test
    @Order(4)
    @Tag("hint:2")
    void returnsTheBodiesInTheOrderOfThePages() throws Exception {
        GateRun run = gateRun();
        assertEquals(expectedBodies(), run.bodies(),
                () -> "The server answered page " + (THREADS - 1) + " first and page 0 last of the first "
                        + THREADS + ", and fetchAll() returned " + run.bodies() + ". The body of page i belongs"
                        + " at index i of the result, whichever fetch finishes first: keep the Future of each"
                        + " page in a list in page order, and read the results from it in that order.");
    }

    @Test
    @Order(5)
    @Tag("hint:3")
    void leavesNoThreadRunningWhenItReturns() throws Exception {
        GateRun run = gateRun();
        assertTrue(run.threadsLeftRunning().isEmpty(),
                () -> "fetchAll() returned, and " + THREAD_END_TIME_OUT.toMillis() + " ms later these threads"
                        + " it had started were still alive: " + run.threadsLeftRunning() + ". A pool's threads"
                        + " wait for more work until the pool is shut down, and they are not daemon threads, so a"
                        + " program that forgets to shut it down never exits. Shut the pool down before fetchAll()"
                        + " returns.");
    }

    @Test
    @Order(6)
    @Tag("hint:3")
    void aBrokenPageEndsTheCallWithAnExceptionThatNamesIt() throws Exception {
        try (GateServer gate = GateServer.start(PAGES, THREADS, GATE_TIME_OUT, Duration.ZERO, Duration.ZERO,
                BROKEN_PAGE, index -> { })) {
            List<URI> pages = gate.pages();
            String brokenPage = pages.get(BROKEN_PAGE).toString();
            Set<Thread> before = liveThreads();
            Throwable thrown = null;
            List<String> bodies = null;
            try {
                bodies = BoundedFetcher.fetchAll(pages, THREADS);
            } catch (Exception e) {
                thrown = e;
            }
            List<String> leftRunning = threadsLeftRunning(before);
            if (thrown == null) {
                List<String> returned = bodies;
                fail(() -> "Page " + BROKEN_PAGE + " answered 500 Internal Server Error, and fetchAll() returned "
                        + returned + " instead of throwing. A page that cannot be fetched must end the call"
                        + " with an exception that names it; a null or an empty body hides the failure.");
            }
            String message = String.valueOf(thrown.getMessage());
            Throwable failure = thrown;
            assertTrue(message.contains(brokenPage),
                    () -> "Page " + BROKEN_PAGE + " answered 500 Internal Server Error, and fetchAll() threw "
                            + failure + ", whose message does not name " + brokenPage + ". get() wraps what"
                            + " the task threw in an ExecutionException; throw its cause, fetch()'s own"
                            + " exception, which names the page.");
            assertTrue(leftRunning.isEmpty(),
                    () -> "fetchAll() threw " + failure.getClass().getSimpleName() + " for the broken page "
                            + BROKEN_PAGE + ", as it should, but " + THREAD_END_TIME_OUT.toMillis() + " ms later"
                            + " these threads it had started were still alive: " + leftRunning + ". The pool must"
                            + " be shut down on every way out of fetchAll(), the one that throws as well as the one"
                            + " that returns: in a finally block, or as the resource of a try-with-resources"
                            + " statement.");
        }
    }

    // ---- the gate run shared by tests 1 to 5 ----

    /**
     * What one call of fetchAll showed the gate.
     *
     * @param mostInFlight       the most requests the server held at once
     * @param mostThreadsInFetch the most threads inside BoundedFetcher.fetch at once, seen at each arrival
     * @param callerFetchedItself whether the calling thread was inside fetch when a request arrived
     * @param threadsLeftRunning non-daemon threads that the call started and that outlived it
     */
    private record GateRun(List<String> bodies, int mostInFlight, int mostThreadsInFetch,
                           boolean callerFetchedItself, List<String> threadsLeftRunning) {
    }

    private synchronized GateRun gateRun() throws Exception {
        if (gateRun == null) {
            Thread caller = Thread.currentThread();
            boolean[] callerInFetch = new boolean[1];
            int[] mostInFetch = new int[1];
            try (GateServer gate = GateServer.start(PAGES, THREADS, GATE_TIME_OUT, GRACE, STAGGER, -1, index -> {
                boolean inFetch = isInFetch(caller.getStackTrace());
                int threadsInFetch = (int) Thread.getAllStackTraces().values().stream()
                        .filter(BoundedFetcherTest::isInFetch).count();
                synchronized (callerInFetch) {
                    callerInFetch[0] |= inFetch;
                    mostInFetch[0] = Math.max(mostInFetch[0], threadsInFetch);
                }
            })) {
                Set<Thread> before = liveThreads();
                List<String> bodies = BoundedFetcher.fetchAll(gate.pages(), THREADS);
                List<String> leftRunning = threadsLeftRunning(before);
                assertNotNull(bodies, "fetchAll() returned null; return a List with one body per page.");
                synchronized (callerInFetch) {
                    gateRun = new GateRun(new ArrayList<>(bodies), gate.mostInFlight(), mostInFetch[0],
                            callerInFetch[0], leftRunning);
                }
            }
        }
        return gateRun;
    }

    /** True if the stack has a frame of BoundedFetcher.fetch: that thread is fetching a page right now. */
    private static boolean isInFetch(StackTraceElement[] stack) {
        return Arrays.stream(stack).anyMatch(frame ->
                frame.getClassName().equals(BoundedFetcher.class.getName()) && frame.getMethodName().equals("fetch"));
    }

    private static Set<Thread> liveThreads() {
        return Set.copyOf(Thread.getAllStackTraces().keySet());
    }

    /**
     * The names of the non-daemon threads alive now that were not in {@code before}, after giving each
     * up to {@link #THREAD_END_TIME_OUT} in all to end: a pool that has been shut down ends its threads
     * just after its last task, a pool that has not keeps them waiting for work.
     */
    private static List<String> threadsLeftRunning(Set<Thread> before) throws InterruptedException {
        long deadline = System.nanoTime() + THREAD_END_TIME_OUT.toNanos();
        List<String> left = new ArrayList<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (before.contains(thread) || thread.isDaemon()) {
                continue;
            }
            long remainingMillis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (remainingMillis > 0) {
                thread.join(remainingMillis);
            }
            if (thread.isAlive()) {
                left.add(thread.getName());
            }
        }
        return left;
    }

    private static List<String> expectedBodies() {
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < PAGES; i++) {
            bodies.add(GateServer.bodyFor(i));
        }
        return bodies;
    }
}
