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
 * Grades {@link ThreadedFetcher}: fetches on threads other than the caller (hint 1), every request out
 * before the caller waits for any (hint 2), the bodies in page order (hint 3), and failed fetches reported
 * as the first in page order once every thread has ended (hint 4).
 *
 * <p>Each test plays the server ({@link HeldServer}): it holds every request until the client has settled,
 * so "all requests in flight at once" is a count the server keeps, not a guess from a stopwatch, then
 * answers one request at a time in an order of its own, which is never the page order, some pages with
 * 500 Internal Server Error. The page counts, the failing pages and the order of the answers come from the
 * run's seed. No answer, right or wrong, waits out a deadline. Each test carries {@code @Tag("hint:N")}:
 * when it fails, the tutor offers hint N.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 10, unit = TimeUnit.SECONDS)
@ExtendWith(Seeded.class)
class ThreadedFetcherTest {

    @Test
    @Order(1)
    @Tag("hint:1")
    void fetchesEveryPageOnThreadsOtherThanTheCaller(Random random) throws Exception {
        for (int pages : new int[] {2 + random.nextInt(7), 1, 0}) {
            Run run = run(pages, Set.of(), random, Answers.RANDOM);
            if (run.callerFetched) {
                fail(run.call() + ": the thread that called fetchAll() was itself inside fetch(), waiting for a"
                        + " reply, so its pages were fetched one after another. Fetch each page on a thread of"
                        + " its own, and let the calling thread wait for those threads.");
            }
            String counts = HeldServer.requestCountsText(run.requests);
            if (!counts.isEmpty()) {
                fail(run.call() + ": " + counts + ". Every page must be fetched exactly once.");
            }
            if (run.thrown != null) {
                fail(run.call() + " threw " + run.thrown + ", though every page answered 200 OK.");
            }
        }
    }

    @Test
    @Order(2)
    @Tag("hint:2")
    void sendsEveryRequestBeforeWaitingForAnyReply(Random random) throws Exception {
        int pages = 2 + random.nextInt(7);
        Run run = run(pages, Set.of(), random, Answers.RANDOM);

        List<Integer> held = run.firstSettle.held();
        if (held.size() != pages) {
            fail(run.call() + " sent " + held.size() + " request(s) (" + HeldServer.pagesText(held) + ") and then"
                    + " nothing more while the server held them; all " + pages + " must be at the server at once,"
                    + " or the batch costs a wait per page." + (run.firstSettle.callerWaitsIn().isEmpty() ? ""
                    : " Meanwhile the thread that called fetchAll() was waiting in " + run.firstSettle.callerWaitsIn()
                    + "."));
        }
    }

    @Test
    @Order(3)
    @Tag("hint:3")
    void returnsTheBodiesInTheOrderOfThePages(Random random) throws Exception {
        int pages = 3 + random.nextInt(6);
        Run run = run(pages, Set.of(), random, Answers.HIGHEST_FIRST);

        if (run.thrown != null) {
            fail(run.call() + " threw " + run.thrown + ", though every page answered 200 OK.");
        }
        assertEquals(run.server.bodies(), run.result, () -> "The server answered the pages in the order "
                + run.answerOrder + ", and " + run.call() + " returned " + run.result + ". The body of page i"
                + " belongs at index i of the result, whichever fetch finishes first.");
    }

    @Test
    @Order(4)
    @Tag("hint:4")
    void throwsTheFirstFailedPageInPageOrderOnceEveryThreadHasEnded(Random random) throws Exception {
        int pages = 4 + random.nextInt(6);
        int first = random.nextInt(pages - 2);                        // two pages after it at least
        int second = first + 1 + random.nextInt(pages - first - 1);  // fails earlier in time
        Run run = run(pages, Set.of(first, second), random, Answers.failuresFirstThenEarlier(first, second));
        URI firstPage = run.server.page(first);
        String failures = "pages " + first + " and " + second + " answered 500 Internal Server Error, page " + second
                + " first";

        if (!run.returnedWhileHeld.isEmpty()) {
            fail(run.call() + ": " + failures + ", and fetchAll() " + (run.thrown == null ? "returned "
                    + run.result : "threw " + run.thrown) + " while the server still held "
                    + HeldServer.pagesText(run.returnedWhileHeld) + ": threads it had started were still fetching."
                    + " Wait for every thread before you throw.");
        }
        if (run.thrown == null) {
            fail(run.call() + ": " + failures + ", and fetchAll() returned " + run.result + " instead of throwing."
                    + " An exception thrown on a thread ends that thread only; the caller must be told.");
        }
        String message = String.valueOf(run.thrown.getMessage());
        if (!(run.thrown instanceof UncheckedIOException) || !message.startsWith("Could not fetch " + firstPage + ":")) {
            fail(run.call() + ": " + failures + ", and fetchAll() threw " + run.thrown + ". It must throw the"
                    + " UncheckedIOException that fetch() threw for page " + first + ", the first failed page in"
                    + " page order, whichever failed first in time."
                    + (run.thrown instanceof NullPointerException ? " A NullPointerException hides the cause: the"
                    + " failed fetch's exception ended its own thread, and its empty slot was read later." : ""));
        }
        if (!run.leftRunning.isEmpty()) {
            fail(run.call() + " threw, as it should, but these threads that fetched its pages were still alive: "
                    + run.leftRunning + ".");
        }
    }

    // ---- one call of fetchAll against a server the test plays ----

    /** How the test picks the next request to answer among those held. */
    private interface Answers {
        int pick(List<Integer> held, List<Integer> answered, Random random);

        Answers RANDOM = (held, answered, random) -> held.get(random.nextInt(held.size()));

        /** The highest page first, then any: the first answer is never the first page. */
        Answers HIGHEST_FIRST = (held, answered, random) ->
                answered.isEmpty() ? held.get(held.size() - 1) : held.get(random.nextInt(held.size()));

        /**
         * The later failing page first, then every page before the earlier failing one, then that one, then
         * the rest: the first failure in page order is not the first in time, and when it comes, pages
         * after it are still held.
         */
        static Answers failuresFirstThenEarlier(int first, int second) {
            return (held, answered, random) -> {
                if (!answered.contains(second) && held.contains(second)) {
                    return second;
                }
                List<Integer> before = held.stream().filter(page -> page < first).toList();
                if (!before.isEmpty()) {
                    return before.get(random.nextInt(before.size()));
                }
                if (held.contains(first)) {
                    return first;
                }
                return held.get(random.nextInt(held.size()));
            };
        }
    }

    /** What one call of fetchAll showed the server. */
    private static final class Run {
        int pages;
        HeldServer server;
        HeldServer.Call.Settled firstSettle;
        List<Integer> returnedWhileHeld = List.of();
        List<Integer> answerOrder = List.of();
        boolean callerFetched;
        int[] requests;
        List<String> result;
        Throwable thrown;
        List<String> leftRunning = List.of();

        String call() {
            return "fetchAll(" + pages + " pages)";
        }
    }

    private Run run(int pages, Set<Integer> broken, Random random, Answers order) throws Exception {
        Run run = new Run();
        run.pages = pages;
        try (HeldServer server = HeldServer.start(pages, broken, "run " + random.nextInt(1_000_000))) {
            run.server = server;
            List<URI> uris = server.pages();
            HeldServer.Call call = HeldServer.Call.start(server, ThreadedFetcher.class,
                    () -> ThreadedFetcher.fetchAll(uris));
            List<Integer> answered = new ArrayList<>();
            while (true) {
                HeldServer.Call.Settled seen = call.awaitSettled();
                if (run.firstSettle == null) {
                    run.firstSettle = seen;
                }
                if (seen.callerDone()) {
                    run.returnedWhileHeld = seen.held();
                    break;
                }
                if (seen.held().isEmpty()) {
                    fail(run.call() + " went on waiting, with no request at the server and " + HeldServer.pagesText(
                            answered) + " answered" + (seen.callerWaitsIn().isEmpty() ? "" : "; the calling thread"
                            + " waits in " + seen.callerWaitsIn()) + ".");
                }
                int page = order.pick(seen.held(), answered, random);
                server.answer(page);
                answered.add(page);
            }
            run.result = call.result();
            run.thrown = call.thrown();
            run.leftRunning = call.threadsLeftRunning();
            call.finish();
            run.requests = server.requests();
            run.answerOrder = server.answerOrder();
            run.callerFetched = call.callerFetched();
        }
        return run;
    }
}
