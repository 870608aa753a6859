package dev.tutor.exercises.threadsio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tutor.runtime.net.GateServer;
import dev.tutor.runtime.net.LoopbackServer;
import dev.tutor.runtime.net.ServerOptions;
import dev.tutor.runtime.net.SlowHttpServer;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Grades {@link ThreadedFetcher}. The first two tests send five fetches to a gate: a small server of the
 * test's own that answers nobody until all five requests have arrived, so overlap is checked by counting,
 * not by a stopwatch. If the requests do not all arrive within {@link #GATE_TIME_OUT}, the gate gives up,
 * notes how many had arrived, and answers everyone at once. Then come the order of the bodies and a
 * timing against the bundled slow server.
 *
 * <p>Each test carries {@code @Tag("hint:N")}: when it fails, the tutor offers hint N of the exercise.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ThreadedFetcherTest {

    private static final int PAGES = 5;
    /** How long the gate waits for all requests; threads started together reach it in milliseconds. */
    private static final Duration GATE_TIME_OUT = Duration.ofMillis(1_500);
    private static final Duration SERVER_DELAY = Duration.ofMillis(100);
    private static final int ATTEMPTS = 3;

    /** One run of fetchAll against a gate, shared by the first two tests; one per test-class instance. */
    private GateRun gateRun;

    @Test
    @Order(1)
    @Tag("hint:1")
    void fetchesOnThreadsOtherThanTheCaller() throws Exception {
        GateRun run = gateRun();
        assertFalse(run.callerFetchedItself() && run.arrivedBeforeFirstAnswer() < PAGES,
                () -> "Only " + run.arrivedBeforeFirstAnswer() + " of " + PAGES + " requests reached the server"
                        + " before it answered the first, and when the first one arrived the thread that called"
                        + " fetchAll() was itself inside fetch(), waiting for the reply. So the fetches ran one"
                        + " after another on the calling thread, and " + PAGES + " fetches cost " + PAGES
                        + " waits. Give each page a Thread of its own, so that the waits overlap.");
    }

    @Test
    @Order(2)
    @Tag("hint:2")
    void allFetchesAreInFlightAtOnce() throws Exception {
        GateRun run = gateRun();
        assertEquals(PAGES, run.arrivedBeforeFirstAnswer(),
                () -> "Only " + run.arrivedBeforeFirstAnswer() + " of " + PAGES + " requests reached the server"
                        + " before it answered the first (it waited " + GATE_TIME_OUT.toMillis() + " ms for all of"
                        + " them). The fetches ran one after another: each thread was started only after the one"
                        + " before it had finished. Start every thread first, and only then join() them.");
        List<String> sorted = run.bodies().stream()
                .sorted(Comparator.nullsLast(Comparator.naturalOrder())).toList(); // their order is test 3's business
        assertEquals(expectedBodies(PAGES), sorted,
                "fetchAll() returned other bodies than the gate server sent: " + run.bodies()
                        + ". Return one body per page.");
    }

    @Test
    @Order(3)
    @Tag("hint:3")
    void returnsTheBodiesInTheOrderOfThePages() throws Exception {
        // The gate answers the last page first and the first page last, 25 ms apart.
        try (GateServer gate = GateServer.start(PAGES, PAGES, GATE_TIME_OUT, Duration.ZERO, Duration.ofMillis(25), -1, index -> { })) {
            List<String> bodies = ThreadedFetcher.fetchAll(gate.pages());
            assertNotNull(bodies, "fetchAll() returned null; return a List with one body per page.");
            List<String> expected = expectedBodies(PAGES);
            assertEquals(expected, bodies,
                    () -> "The server answered the last page first and the first page last, and fetchAll()"
                            + " returned " + bodies + ". The body of page i belongs at index i of the result,"
                            + " whichever fetch finishes first: a list that each thread appends to when it is"
                            + " done holds the bodies in the order they finished.");
        }
    }

    @Test
    @Order(4)
    @Tag("hint:2")
    void fivePagesTakeAboutOneServerDelayNotFive() throws Exception {
        try (LoopbackServer server = SlowHttpServer.start(ServerOptions.defaults().withDelay(SERVER_DELAY))) {
            List<URI> pages = new ArrayList<>();
            for (int i = 0; i < PAGES; i++) {
                pages.add(URI.create("http://127.0.0.1:" + server.port() + "/page/" + i));
            }
            ThreadedFetcher.fetchAll(List.of(URI.create("http://127.0.0.1:" + server.port() + "/delay/0")));
            // a first fetch, answered at once, loads the HTTP classes before the clock starts
            Duration sum = SERVER_DELAY.multipliedBy(PAGES);
            // Fetches made one after another can never beat the sum of the delays, however fast the machine,
            // so a time under the sum proves overlap. A busy machine can make a good run slow, so try thrice.
            Duration best = null;
            for (int attempt = 0; attempt < ATTEMPTS && (best == null || best.compareTo(sum) >= 0); attempt++) {
                long start = System.nanoTime();
                List<String> bodies = ThreadedFetcher.fetchAll(pages);
                Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
                best = best == null || elapsed.compareTo(best) < 0 ? elapsed : best;

                assertEquals(PAGES, bodies.size(), "fetchAll() must return one body per page.");
                for (int i = 0; i < PAGES; i++) {
                    String body = bodies.get(i);
                    String page = "/page/" + i + " ";
                    assertTrue(body != null && body.contains(page),
                            "Body " + i + " should be the slow server's answer to /page/" + i + ", but it was: " + body);
                }
            }
            Duration fastest = best;
            assertTrue(fastest.compareTo(sum) < 0,
                    () -> PAGES + " fetches from a server that waits " + SERVER_DELAY.toMillis() + " ms before"
                            + " each answer took " + fastest.toMillis() + " ms at best in " + ATTEMPTS + " tries:"
                            + " no less than the sum of the delays, " + sum.toMillis() + " ms, which is what fetches"
                            + " one after another cost. On threads they should take about one delay; start every"
                            + " thread before you join any.");
        }
    }

    // ---- the gate run shared by tests 1 and 2 ----

    private record GateRun(List<String> bodies, int arrivedBeforeFirstAnswer, boolean callerFetchedItself) {
    }

    private synchronized GateRun gateRun() throws Exception {
        if (gateRun == null) {
            Thread caller = Thread.currentThread();
            boolean[] callerInFetch = new boolean[1];
            try (GateServer gate = GateServer.start(PAGES, PAGES, GATE_TIME_OUT, Duration.ZERO, Duration.ZERO, -1, index -> {
                synchronized (callerInFetch) {
                    callerInFetch[0] |= isInFetch(caller);
                }
            })) {
                List<String> bodies = ThreadedFetcher.fetchAll(gate.pages());
                assertNotNull(bodies, "fetchAll() returned null; return a List with one body per page.");
                synchronized (callerInFetch) {
                    gateRun = new GateRun(bodies, gate.arrivedBeforeFirstAnswer(), callerInFetch[0]);
                }
            }
        }
        return gateRun;
    }

    /** True if {@code thread} is running ThreadedFetcher.fetch right now. */
    private static boolean isInFetch(Thread thread) {
        return Arrays.stream(thread.getStackTrace()).anyMatch(frame ->
                frame.getClassName().equals(ThreadedFetcher.class.getName()) && frame.getMethodName().equals("fetch"));
    }

    private static List<String> expectedBodies(int count) {
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            bodies.add(GateServer.bodyFor(i));
        }
        return bodies;
    }
}
