package dev.tutor.exercises.gil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tutor.runtime.gil.Gil;
import dev.tutor.runtime.gil.GilEvent;
import dev.tutor.runtime.gil.GilEvent.Kind;
import dev.tutor.runtime.gil.GilRecorder;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Grades {@link GilFetcher}: holding the GIL for Python code (hint 1), letting it go around the blocking
 * fetch (hint 2), and fetching on threads whose waits overlap (hint 3).
 *
 * <p>Each test carries {@code @Tag("hint:N")}: when it fails, the tutor offers hint N of the exercise.
 * The fetches here are fakes that record what they see; the overlap test makes each fetch wait on a
 * latch until both are waiting at once, so it needs no sleeps and no timing, and the GIL's event log
 * ({@link GilRecorder}) shows the order in which the threads took and gave up the lock.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class GilFetcherTest {

    /** How long a fetch waits for the other one to be waiting too; only a failing answer waits this long. */
    private static final long OVERLAP_WAIT_MILLIS = 1_000;

    @Test
    @Order(1)
    @Tag("hint:1")
    void parsesEachPageHoldingTheGil() throws IOException {
        Gil gil = Gil.create();
        List<Boolean> heldWhileParsing = Collections.synchronizedList(new ArrayList<>());
        UnaryOperator<String> parse = body -> {
            heldWhileParsing.add(gil.isHeldByCurrentThread());
            return body.toUpperCase(Locale.ROOT);
        };
        GilFetcher fetcher = new GilFetcher(gil, url -> "page at " + url, parse);

        String result = fetcher.fetchOne("/a");

        assertEquals("PAGE AT /A", result, "fetchOne must return parse(fetch(url)).");
        assertEquals(List.of(true), heldWhileParsing, "parse is Python code, and a thread runs Python code"
                + " only while it holds the GIL, but fetchOne called parse without holding it. Take the GIL"
                + " with gil.acquire() before the Python work and give it back with gil.release().");
        assertFalse(gil.isHeldByCurrentThread(), "fetchOne returned still holding the GIL, so no other"
                + " Python thread could ever run again: call gil.release() before returning.");
    }

    @Test
    @Order(2)
    @Tag("hint:1")
    void letsTheGilGoWhenTheFetchFails() {
        Gil gil = Gil.create();
        GilFetcher fetcher = new GilFetcher(gil, url -> {
            throw new IOException("connection reset while fetching " + url);
        }, UnaryOperator.identity());

        IOException thrown = assertThrows(IOException.class, () -> fetcher.fetchOne("/broken"),
                "The fetch threw an IOException; fetchOne must let it reach its caller.");
        assertTrue(thrown.getMessage().contains("/broken"), "fetchOne must throw the fetch's own IOException.");
        assertFalse(gil.isHeldByCurrentThread(), "The fetch threw, and fetchOne left the GIL held: every other"
                + " Python thread would now wait forever. Release it in a finally block, so it is given back"
                + " however the method ends.");
    }

    @Test
    @Order(3)
    @Tag("hint:2")
    void fetchesWithTheGilReleased() throws IOException {
        Gil gil = Gil.create();
        GilRecorder log = new GilRecorder();
        gil.addListener(log);
        List<Boolean> heldWhileFetching = Collections.synchronizedList(new ArrayList<>());
        GilFetcher fetcher = new GilFetcher(gil, url -> {
            heldWhileFetching.add(gil.isHeldByCurrentThread());
            return "body";
        }, UnaryOperator.identity());

        fetcher.fetchOne("/a");

        assertEquals(List.of(false), heldWhileFetching, () -> "fetchOne waited for the page while holding the"
                + " GIL. A thread blocked on the network runs no Python code, yet every other Python thread"
                + " must wait for it: that is how threads lose their use for I/O. Run the fetch inside"
                + " gil.blockingIo(() -> page.fetch(url)), which lets the GIL go during the call and takes"
                + " it back after. The GIL's log: " + log.lines());
        String me = Thread.currentThread().getName();
        List<Kind> mine = log.events().stream().filter(e -> e.thread().equals(me)).map(GilEvent::kind).toList();
        assertEquals(List.of(Kind.ACQUIRED, Kind.RELEASED_FOR_IO, Kind.REACQUIRED), mine, () -> "For one fetch"
                + " the GIL's log should read: ACQUIRED (before any Python code), RELEASED_FOR_IO (around the"
                + " fetch), REACQUIRED (to parse). It read " + mine + ".");
    }

    @Test
    @Order(4)
    @Tag("hint:3")
    void returnsTheResultsInTheOrderOfTheUrls() throws Exception {
        Gil gil = Gil.create();
        GilFetcher fetcher = new GilFetcher(gil, url -> "page" + url, body -> body + "!");

        List<String> results = fetcher.fetchAll(List.of("/1", "/2", "/3"));

        assertEquals(List.of("page/1!", "page/2!", "page/3!"), results, "fetchAll must return one result per"
                + " URL, in the order of the URLs, whichever thread finished first: store each result at"
                + " its URL's index.");
    }

    @Test
    @Order(5)
    @Tag("hint:3")
    void overlapsTheWaitsOfTwoFetches() throws Exception {
        Gil gil = Gil.create();
        GilRecorder log = new GilRecorder();
        gil.addListener(log);
        CountDownLatch bothWaiting = new CountDownLatch(2);
        List<String> alone = Collections.synchronizedList(new ArrayList<>());
        List<String> fetchThreads = Collections.synchronizedList(new ArrayList<>());
        GilFetcher fetcher = new GilFetcher(gil, url -> {
            fetchThreads.add(Thread.currentThread().getName());
            bothWaiting.countDown();
            try {
                // Stands for the network: this fetch's answer comes once both requests are out.
                if (!bothWaiting.await(OVERLAP_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                    alone.add(url);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            return "page" + url;
        }, UnaryOperator.identity());

        List<String> results = fetcher.fetchAll(List.of("/a", "/b"));

        assertEquals(List.of("page/a", "page/b"), results, "fetchAll must return both pages, in order.");
        if (fetchThreads.size() == 2 && fetchThreads.get(0).equals(fetchThreads.get(1))) {
            fail("Both fetches ran on the same thread, " + fetchThreads.get(0) + ", one after the other. Start"
                    + " a new thread for each URL, each calling fetchOne.");
        }
        assertTrue(alone.isEmpty(), () -> "The fetch of " + alone + " waited " + OVERLAP_WAIT_MILLIS + " ms"
                + " for the other fetch to be waiting too, and it never was: the two fetches ran one after"
                + " another. Start every thread first, and only then join them; a join() right after each"
                + " start() waits for that fetch to finish before the next one begins. The GIL's log: "
                + log.lines());
        assertSecondThreadRanWhileFirstWaited(log.events());
    }

    /** In the log, some thread took the GIL between another's RELEASED_FOR_IO and its REACQUIRED. */
    private static void assertSecondThreadRanWhileFirstWaited(List<GilEvent> events) {
        for (int i = 0; i < events.size(); i++) {
            GilEvent release = events.get(i);
            if (release.kind() != Kind.RELEASED_FOR_IO) {
                continue;
            }
            for (int j = i + 1; j < events.size(); j++) {
                GilEvent later = events.get(j);
                if (later.thread().equals(release.thread())) {
                    break; // this thread is back: look at the next release
                }
                if (later.kind() == Kind.ACQUIRED || later.kind() == Kind.REACQUIRED) {
                    return;
                }
            }
        }
        fail("Both fetches waited at once, but the GIL's log shows no thread taking the GIL while another"
                + " was in its I/O. Fetch inside gil.blockingIo(...) so the GIL is free meanwhile. The log: "
                + events.stream().map(GilEvent::toString).toList());
    }
}
