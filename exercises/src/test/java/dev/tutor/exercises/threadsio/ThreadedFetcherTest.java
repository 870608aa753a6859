package dev.tutor.exercises.threadsio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tutor.exercises.support.CompiledNest;
import dev.tutor.exercises.support.Seeded;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * Grades {@link ThreadedFetcher}: fetches on platform threads other than the caller, none of them left
 * waiting for more work (hint 1), every request out before the caller waits for any, and every thread
 * ended when it returns, joined with no time limit (hint 2), the bodies in page order, each at its own
 * index even for an address listed twice (hint 3), failed fetches reported as the first in page order once
 * every thread has ended, whatever unchecked exception fetch threw (hint 4), and an interrupt of the caller
 * let out as an InterruptedException (hint 2).
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
            if (run.unseenFetchers > 0) {
                fail(run.call() + ": " + run.firstSettle.held().size() + " requests were at the server at once, but"
                        + " only " + (run.firstSettle.held().size() - run.unseenFetchers) + " platform thread(s) were"
                        + " inside fetch(): the others were made on threads the JVM's list of platform threads does"
                        + " not show, virtual threads. Fetch each page on a platform thread, new Thread(...) or"
                        + " Thread.ofPlatform(): the operating-system thread that a Python thread is.");
            }
            if (!run.leftRunning.isEmpty()) {
                fail(run.call() + " returned, but threads that fetched its pages were still alive, waiting for"
                        + " more work: " + run.leftRunning + ". Start a thread of your own for each page; a pool's"
                        + " threads outlive the call unless it is shut down.");
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

    /**
     * Once every page has been asked for, the test holds the monitor of each thread that fetched: a platform
     * thread cannot finish ending while another thread holds it, so join() waits, and isAlive() stays true.
     * The test lets go of a thread when the caller joins it; a fetchAll that returns without joining every
     * thread returns while a thread is alive, however short the gap would have been without the test.
     */
    @Test
    @Order(3)
    @Tag("hint:2")
    void returnsOnlyOnceEveryThreadItStartedHasEnded(Random random) throws Exception {
        int pages = 1 + random.nextInt(8);
        Run run = run(pages, Set.of(), random, Answers.RANDOM, true);

        if (run.thrown != null) {
            fail(run.call() + " threw " + run.thrown + ", though every page answered 200 OK.");
        }
        if (!run.aliveAtReturn.isEmpty()) {
            fail(run.call() + " returned while these threads that fetched its pages were still alive: "
                    + run.aliveAtReturn + ". Their fetches were over, but a thread has ended only when join()"
                    + " says so; a latch or a counter it counts down says only that its work is done. join()"
                    + " every thread you started.");
        }
    }

    /**
     * A join with a time limit is judged from the compiled class, not by waiting it out: fetch() may take
     * 5 s to connect and 5 s more for each read of the reply, so a join(5_000) gives up on a fetch still
     * running only after more than 5 s, longer than a test should take. A loop that joins the same thread
     * again until it has ended would wait as join() does, but join() says the same in one call.
     */
    @Test
    @Order(4)
    @Tag("hint:2")
    void waitsForEachThreadWithNoTimeLimit() {
        Collection<String> timed = CompiledNest.forbiddenUses(CompiledNest.of(ThreadedFetcher.class), use ->
                use.isMember() && use.name().equals("join") && use.ownerIsA(Thread.class)
                        && !use.descriptor().equals("()V")
                        ? "join(" + String.join(", ", use.parameterTypes()) + "), with a time limit" : null);
        if (!timed.isEmpty()) {
            fail("fetchAll() waits for its threads with a time limit: " + String.join("; ", timed) + ". A join"
                    + " with a time limit returns when the time is up, whether or not the thread has ended, and a"
                    + " fetch has no such limit: fetch() may wait 5 s to connect and then 5 s for each read of the"
                    + " reply, so a slow page takes longer than any one time-out. fetchAll would then return with that"
                    + " thread alive and its page's slot empty. Wait with join(), which has no time limit.");
        }
    }

    @Test
    @Order(5)
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

    /**
     * One address twice in the list: two fetches, which the server answers with two different bodies, and
     * each belongs at its own index. Which request reaches the server first is the threads' business, so
     * the test asks only that the two places hold the two bodies.
     */
    @Test
    @Order(6)
    @Tag("hint:3")
    void fetchesAnAddressListedTwiceTwiceAndKeepsBothBodies(Random random) throws Exception {
        int pages = 2 + random.nextInt(6);
        int twice = random.nextInt(pages);
        int at = random.nextInt(pages + 1);
        Run run = run(pages, Set.of(), random, Answers.RANDOM, false, server -> {
            server.numberRepeats();
            List<URI> uris = new ArrayList<>(server.pages());
            uris.add(at, server.page(twice));
            return uris;
        });
        List<Integer> places = new ArrayList<>();
        List<String> expected = new ArrayList<>(run.server.bodies());
        expected.add(at, run.server.bodyFor(twice));
        for (int i = 0; i < expected.size(); i++) {
            if (i == at || (i < at ? i == twice : i - 1 == twice)) {
                places.add(i);
            }
        }
        String call = "fetchAll of " + (pages + 1) + " addresses, page " + twice + "'s at indexes " + places.get(0)
                + " and " + places.get(1);
        if (run.thrown != null) {
            fail(call + " threw " + run.thrown + ", though every page answered 200 OK.");
        }
        Set<String> both = Set.of(run.server.bodyFor(twice, 1), run.server.bodyFor(twice, 2));
        boolean bothThere = run.result != null && run.result.size() == expected.size()
                && new java.util.HashSet<>(java.util.Arrays.asList(run.result.get(places.get(0)),
                        run.result.get(places.get(1)))).equals(both);
        if (!bothThere) {
            fail(call + ": the server answered its two requests with two different bodies, " + both + ", and"
                    + " fetchAll returned " + run.result + ". Each index holds the body of its own fetch: keep"
                    + " the bodies by index, not by address.");
        }
        for (int i = 0; i < expected.size(); i++) {
            if (!places.contains(i) && !expected.get(i).equals(run.result.get(i))) {
                fail(call + ": index " + i + " holds " + run.result.get(i) + " instead of " + expected.get(i) + ".");
            }
        }
    }

    @Test
    @Order(7)
    @Tag("hint:4")
    void throwsTheFirstFailedPageInPageOrderOnceEveryThreadHasEnded(Random random) throws Exception {
        int pages = 4 + random.nextInt(6);
        int first = random.nextInt(pages - 2);                        // two pages after it at least
        int second = first + 1 + random.nextInt(pages - first - 1);  // fails earlier in time
        Run run = run(pages, Set.of(first, second), random, Answers.failuresFirstThenEarlier(first, second), true);
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
        if (!run.leftRunning.isEmpty() || !run.aliveAtReturn.isEmpty()) {
            fail(run.call() + " threw, as it should, but these threads that fetched its pages were still alive: "
                    + (run.leftRunning.isEmpty() ? run.aliveAtReturn : run.leftRunning) + ". join() every thread"
                    + " you started before you throw.");
        }
    }

    /**
     * fetch() fails with exceptions other than its UncheckedIOException: an address that is not absolute
     * makes it throw an IllegalArgumentException before any request is sent, and a file: address a
     * ClassCastException (its connection is not an HTTP one; no file is opened). That page is a failed page like
     * any other, and the first in page order, so its exception is the one fetchAll throws; sometimes a page
     * after it answers 500 as well, so that a thread that caught only the UncheckedIOException lets the later
     * page's failure out instead. Both kinds, in a random order, every run: a catch that names the exceptions
     * it expects instead of every RuntimeException misses one of them.
     */
    @Test
    @Order(8)
    @Tag("hint:4")
    void throwsWhateverUncheckedExceptionFetchThrewForTheFirstFailedPage(Random random) throws Exception {
        int pages = 2 + random.nextInt(6);
        int bad = random.nextInt(pages - 1);
        Set<Integer> broken = random.nextBoolean() ? Set.of(bad + 1 + random.nextInt(pages - bad - 1)) : Set.of();
        Map<URI, String> unfetchable = new LinkedHashMap<>();
        unfetchable.put(URI.create("/page/" + bad), "which is not absolute");
        unfetchable.put(URI.create("file:///page/" + bad), "whose connection is not an HTTP one");
        List<URI> order = new ArrayList<>(unfetchable.keySet());
        Collections.shuffle(order, random);
        for (URI address : order) {
            assertUncheckedFailureThrown(pages, bad, broken, address, unfetchable.get(address), random);
        }
    }

    private void assertUncheckedFailureThrown(int pages, int bad, Set<Integer> broken, URI address, String why,
            Random random) throws Exception {
        RuntimeException expected = null;
        try {
            ThreadedFetcher.fetch(address);
        } catch (RuntimeException e) {
            expected = e;
        }
        if (expected == null) {
            fail("fetch(" + address + ") returned instead of throwing; fetch() is given, and must stay as it was.");
        }
        Run run = run(pages, broken, random, Answers.RANDOM, false, server -> {
            List<URI> uris = new ArrayList<>(server.pages());
            uris.set(bad, address);
            return uris;
        });
        String story = run.call() + " with page " + bad + "'s address given as " + address + ", " + why
                + ", so that fetch() throws " + expected + (broken.isEmpty() ? "" : ", and page "
                + broken.iterator().next() + " answering 500 Internal Server Error") + ": fetchAll() ";
        boolean same = run.thrown != null && run.thrown.getClass() == expected.getClass()
                && java.util.Objects.equals(run.thrown.getMessage(), expected.getMessage());
        if (!same) {
            fail(story + (run.thrown == null ? "returned " + run.result : "threw " + run.thrown) + ". Page " + bad
                    + " is the first failed page, and fetchAll must throw the exception fetch() threw for it,"
                    + " whatever its class: catch every RuntimeException inside the thread, not only"
                    + " UncheckedIOException. An exception the catch lets through ends the thread unseen"
                    + (run.thrown instanceof NullPointerException ? ", and its empty slot is what threw the"
                    + " NullPointerException." : "."));
        }
    }

    /**
     * The caller is interrupted while every request is held: fetchAll must throw InterruptedException then,
     * with the fetches still at the server, which run on to their end after the test.
     */
    @Test
    @Order(9)
    @Tag("hint:2")
    void throwsInterruptedExceptionWhenInterruptedWhileItWaits(Random random) throws Exception {
        int pages = 1 + random.nextInt(6);
        try (HeldServer server = HeldServer.start(pages, Set.of(), "run " + random.nextInt(1_000_000))) {
            List<URI> uris = server.pages();
            HeldServer.Call call = HeldServer.Call.start(server, ThreadedFetcher.class,
                    () -> ThreadedFetcher.fetchAll(uris));
            HeldServer.Call.Settled before = call.awaitSettled();
            if (before.callerDone()) {
                fail("fetchAll(" + pages + " pages) ended before any answer, with " + call.thrown() + ".");
            }
            call.interrupt();
            String story = "fetchAll(" + pages + " pages) was interrupted while the server held "
                    + HeldServer.pagesText(before.held());
            if (!call.comesBack(() -> { })) {
                HeldServer.Call.Settled after = call.awaitSettled();
                fail(story + ", and went on waiting" + (after.callerWaitsIn().isEmpty() ? "" : " in "
                        + after.callerWaitsIn()) + ". join() throws InterruptedException when the waiting thread is"
                        + " interrupted: let it out of fetchAll.");
            }
            if (!(call.thrown() instanceof InterruptedException)) {
                fail(story + ", and " + (call.thrown() == null ? "returned " + call.result() : "threw "
                        + call.thrown()) + " instead of an InterruptedException. join() throws it when the waiting"
                        + " thread is interrupted: let it out of fetchAll, do not catch it and go on.");
            }
            call.finish();
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
        List<String> aliveAtReturn = List.of();
        int unseenFetchers;

        String call() {
            return "fetchAll(" + pages + " pages)";
        }
    }

    private Run run(int pages, Set<Integer> broken, Random random, Answers order) throws Exception {
        return run(pages, broken, random, order, false);
    }

    private Run run(int pages, Set<Integer> broken, Random random, Answers order, boolean holdEnds) throws Exception {
        return run(pages, broken, random, order, holdEnds, HeldServer::pages);
    }

    /**
     * One call of fetchAll against a server the test plays. With {@code holdEnds}, once the client has
     * settled for the first time (every thread that fetches is then inside fetch, its request held), the
     * test holds each such thread's end (see {@link EndHold}) until the caller joins it; the threads still
     * alive when the caller came back are in {@link Run#aliveAtReturn}.
     */
    private Run run(int pages, Set<Integer> broken, Random random, Answers order, boolean holdEnds,
            java.util.function.Function<HeldServer, List<URI>> addresses) throws Exception {
        Run run = new Run();
        run.pages = pages;
        EndHold hold = null;
        try (HeldServer server = HeldServer.start(pages, broken, "run " + random.nextInt(1_000_000))) {
            run.server = server;
            List<URI> uris = addresses.apply(server);
            java.util.concurrent.atomic.AtomicReference<Thread> caller = new java.util.concurrent.atomic.AtomicReference<>();
            HeldServer.Call call = HeldServer.Call.start(server, ThreadedFetcher.class, () -> {
                caller.set(Thread.currentThread());
                return ThreadedFetcher.fetchAll(uris);
            });
            List<Integer> answered = new ArrayList<>();
            while (true) {
                HeldServer.Call.Settled seen = call.awaitSettled();
                if (hold != null && !seen.callerDone() && hold.releaseWhatIsJoinedBy(caller.get())) {
                    continue;
                }
                if (run.firstSettle == null) {
                    run.firstSettle = seen;
                    Set<Thread> fetching = call.fetchingThreads();
                    run.unseenFetchers = Math.max(0, seen.held().size() - fetching.size());
                    if (holdEnds && !seen.callerDone()) {
                        hold = new EndHold(fetching.stream().filter(t -> !t.getName().equals("fetchAll caller"))
                                .toList());
                        continue;
                    }
                }
                if (seen.callerDone()) {
                    run.returnedWhileHeld = seen.held();
                    if (hold != null) {
                        run.aliveAtReturn = hold.alive();
                        hold.close();
                    }
                    break;
                }
                EndHold holding = hold;
                if (seen.held().isEmpty() && call.comesBackOrAsks(() -> {
                    if (holding != null) {
                        holding.releaseWhatIsJoinedBy(caller.get());
                    }
                })) {
                    continue; // the caller came back, or asked for its next page, once it was scheduled
                }
                if (seen.held().isEmpty()) {
                    fail(run.call() + " went on waiting, with no request at the server and " + HeldServer.pagesText(
                            answered) + " answered" + (seen.callerWaitsIn().isEmpty() ? "" : "; the calling thread"
                            + " waits in " + seen.callerWaitsIn()) + "." + (hold == null ? "" : " The threads that"
                            + " fetched and have not ended: " + hold.alive() + "."));
                }
                int page = order.pick(seen.held(), answered, random);
                server.answer(page);
                answered.add(page);
            }
            if (hold != null) {
                hold.close();
            }
            run.result = call.result();
            run.thrown = call.thrown();
            run.leftRunning = call.threadsLeftRunning();
            call.finish();
            run.requests = server.requests();
            run.answerOrder = server.answerOrder();
            run.callerFetched = call.callerFetched();
        } finally {
            if (hold != null) {
                hold.close(); // a failed check must not leave the fetching threads unable to end
            }
        }
        return run;
    }

    /**
     * Holds the monitor of each given thread, each on a daemon thread of its own. A platform thread that has
     * run its last line takes its own monitor to end (that is how join() learns of it), so until it is let
     * go it stays alive, blocked, with an empty stack. join() takes the same monitor first, so a caller on
     * its way into join() is seen blocked on it, and the test then lets go of that thread: join() goes on as
     * it would have, and only a caller that never joins finds the thread still alive when it comes back.
     */
    private static final class EndHold implements AutoCloseable {
        private final List<Thread> threads;
        private final List<java.util.concurrent.CountDownLatch> releases = new ArrayList<>();

        EndHold(List<Thread> threads) throws InterruptedException {
            this.threads = List.copyOf(threads);
            java.util.concurrent.CountDownLatch holding = new java.util.concurrent.CountDownLatch(threads.size());
            for (Thread thread : this.threads) {
                java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
                releases.add(release);
                Thread holder = new Thread(() -> {
                    synchronized (thread) {
                        holding.countDown();
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                }, "holds the end of " + thread.getName());
                holder.setDaemon(true);
                holder.start();
            }
            holding.await();
        }

        /** The threads alive now, each with its state, for messages. */
        List<String> alive() {
            return threads.stream().filter(Thread::isAlive).map(t -> {
                StackTraceElement[] stack = t.getStackTrace(); // once: a thread that ends meanwhile has none
                return t.getName() + " (" + (stack.length == 0 ? "past its last line" : t.getState() + " at "
                        + stack[0]) + ")";
            }).toList();
        }

        /**
         * Lets go of each thread that {@code caller} is blocked on, on its way into join(): from then on it
         * waits for that thread's end as join() does. Says whether it let go of any.
         */
        boolean releaseWhatIsJoinedBy(Thread caller) {
            if (caller == null) {
                return false;
            }
            java.lang.management.ThreadInfo info = java.lang.management.ManagementFactory.getThreadMXBean()
                    .getThreadInfo(caller.threadId());
            if (info == null || info.getLockInfo() == null) {
                return false;
            }
            int lock = info.getLockInfo().getIdentityHashCode();
            for (int i = 0; i < threads.size(); i++) {
                if (lock != System.identityHashCode(threads.get(i))) {
                    continue;
                }
                if (releases.get(i).getCount() > 0) {
                    releases.get(i).countDown();
                    return true;
                }
                if (!threads.get(i).isAlive()) {
                    // joined a thread that has ended: it moves on as soon as it is scheduled
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                    while (System.nanoTime() < deadline && caller.isAlive() && stillOn(caller, lock)) {
                        java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(100));
                    }
                    return true;
                }
            }
            return false;
        }

        private static boolean stillOn(Thread caller, int lock) {
            java.lang.management.ThreadInfo info = java.lang.management.ManagementFactory.getThreadMXBean()
                    .getThreadInfo(caller.threadId());
            return info != null && info.getLockInfo() != null && info.getLockInfo().getIdentityHashCode() == lock;
        }

        @Override
        public void close() {
            releases.forEach(java.util.concurrent.CountDownLatch::countDown);
        }
    }
}
