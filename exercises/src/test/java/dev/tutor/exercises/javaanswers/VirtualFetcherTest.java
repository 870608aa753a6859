package dev.tutor.exercises.javaanswers;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tutor.exercises.javaanswers.FetchBench.Plan;
import dev.tutor.exercises.javaanswers.VirtualFetcher.Body;
import dev.tutor.exercises.javaanswers.VirtualFetcher.Failed;
import dev.tutor.exercises.javaanswers.VirtualFetcher.Result;
import dev.tutor.exercises.support.CompiledNest;
import dev.tutor.exercises.support.ExecutorThreads;
import dev.tutor.exercises.support.Seeded;
import dev.tutor.runtime.net.LoopbackServer;
import dev.tutor.runtime.net.ServerOptions;
import dev.tutor.runtime.net.SlowHttpServer;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Grades {@link VirtualFetcher}: every page on a virtual thread of its own, all in flight at once, results in
 * page order (hint 1); a failing page reported without stopping the others, and an interrupted call that
 * stops its fetches and leaves no thread behind (hint 2); the limit, never more and that many while pages
 * remain, and no smaller cap beside it (hint 3).
 *
 * <p>The tests give {@code fetchAll} a fetch of their own ({@link FetchBench}) that sees each call's thread and
 * holds it until the test answers its page, in an order drawn from the run's seed; so how many fetches are
 * in flight is counted, never timed, and a call that will send no more is recognised the moment it settles.
 * The number of pages (up to a few thousand), the limit, which pages fail and how, all come from the seed.
 * The last test fetches real pages from the bundled HTTP server on loopback.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 20, unit = TimeUnit.SECONDS)
@ExtendWith(Seeded.class)
class VirtualFetcherTest {

    private final List<FetchBench> benches = new ArrayList<>();

    @AfterEach
    void closeBenches() {
        benches.forEach(FetchBench::close);
    }

    private FetchBench bench(List<Plan> plans, int limit, Random random) {
        return bench(plans, limit, random, false);
    }

    private FetchBench bench(List<Plan> plans, int limit, Random random, boolean virtualCaller) {
        FetchBench bench = new FetchBench(plans, limit, random, virtualCaller);
        benches.add(bench);
        return bench;
    }

    private static List<Plan> allOk(int n) {
        return new ArrayList<>(Collections.nCopies(n, Plan.OK));
    }

    private static String call(FetchBench bench, int limit) {
        int n = bench.pages.size();
        return "fetchAll(" + n + (n == 1 ? " page" : " pages") + ", limit " + (limit == Integer.MAX_VALUE
                ? "Integer.MAX_VALUE" : String.valueOf(limit)) + ")";
    }

    // ---- a virtual thread per page, all at once: hint 1 ----

    @Test
    @Order(1)
    @Tag("hint:1")
    void fetchesEveryPageOnAVirtualThreadOfItsOwn(Random random) {
        int n = 2 + random.nextInt(200);
        int limit = random.nextBoolean() ? Integer.MAX_VALUE : n + random.nextInt(3);
        FetchBench bench = bench(allOk(n), limit, random);
        bench.answerAll();
        bench.start();
        awaitDone(bench, call(bench, limit));
        checkVirtualAndFresh(bench, call(bench, limit));
        checkEachPageOnce(bench, call(bench, limit));
        checkResults(bench, call(bench, limit), List.of());
        // The edges a shortcut takes: one page, which needs no thread to wait for, called from a platform thread
        // and from a virtual one (a fetch on that one is virtual, yet the caller's), and no page at all.
        for (boolean virtualCaller : new boolean[] {false, true}) {
            int few = random.nextBoolean() ? Integer.MAX_VALUE : 1 + random.nextInt(3);
            FetchBench one = bench(allOk(1), few, random, virtualCaller);
            String call = call(one, few) + " called from a " + (virtualCaller ? "virtual" : "platform") + " thread";
            one.answerAll();
            one.start();
            awaitDone(one, call);
            checkVirtualAndFresh(one, call);
            checkEachPageOnce(one, call);
            checkResults(one, call, List.of());
        }
        FetchBench none = bench(allOk(0), limit, random);
        none.start();
        awaitDone(none, call(none, limit));
        checkResults(none, call(none, limit), List.of());
    }

    @Test
    @Order(2)
    @Tag("hint:1")
    void keepsEveryPageInFlightAtOnceAndReturnsThemInPageOrder(Random random) {
        int n = random.nextInt(4) == 0 ? 1_100 + random.nextInt(CAP_TEST_PAGES - 1_100) : 20 + random.nextInt(300);
        int limit = random.nextBoolean() ? Integer.MAX_VALUE : n + random.nextInt(3);
        FetchBench bench = bench(allOk(n), limit, random);
        bench.start();
        HeldBack held = awaitAllInFlight(bench, n);
        FetchBench.Settled seen = held.seen();
        checkVirtualAndFresh(bench, call(bench, limit));
        if (seen.inProgress().size() != n) {
            if (held.byPermits()) {
                return;     // submitted, but held back by fewer permits than the limit: a cap, which hint 3's
                            // everyPageInFlightWhenTheLimitAllowsItNoSmallerCap judges
            }
            String where;
            if (!held.waiting().isEmpty()) {
                where = held.where() + ". Every page must be in flight at once.";
            } else if (ExecutorThreads.unavailable() == null && !seen.callerDone()
                    && !seen.inProgress().isEmpty()) {
                where = "; no thread had been started for the other " + (n - seen.inProgress().size()) + " pages,"
                        + " and the calling thread waited in " + held.callerIn() + ". Every page must be in flight"
                        + " at once: submit them all before you wait for any.";
            } else {
                where = held.where() + ". Every page must be in flight at once when the limit is at least the"
                        + " number of pages.";
            }
            fail(call(bench, limit) + " had " + seen.inProgress().size() + " of its " + n + " fetches in progress and"
                    + " started no more while they waited" + where);
        }
        List<Integer> order = shuffled(n, random);
        for (int i : order) {
            bench.answer(i);
        }
        awaitDone(bench, call(bench, limit));
        checkEachPageOnce(bench, call(bench, limit));
        checkResults(bench, call(bench, limit), List.of());
    }

    // ---- failures, interrupts, nothing left running: hint 2 ----

    @Test
    @Order(3)
    @Tag("hint:2")
    void aFailingFetchIsItsPagesFailedAndTheOthersGoOn(Random random) {
        // A wait with a time limit turns a slow page into a failure its fetch never threw; no bench can hold a fetch
        // past every limit a learner might pick, so the rule is read off the compiled class.
        String timedGet = "(JLjava/util/concurrent/TimeUnit;)Ljava/lang/Object;";
        var limited = CompiledNest.forbiddenUses(CompiledNest.of(VirtualFetcher.class), use -> use.isMember()
                && (use.name().equals("get") && use.descriptor().equals(timedGet)
                || use.owner().equals("java.util.concurrent.CompletableFuture") && (use.name().equals("orTimeout")
                || use.name().equals("completeOnTimeout"))) ? "a wait with a time limit" : null);
        if (!limited.isEmpty()) {
            fail("VirtualFetcher calls " + String.join("; ", limited) + ": a page whose fetch takes longer than that"
                    + " would be reported Failed with a TimeoutException, an exception its fetch never threw. Nothing"
                    + " in fetchAll limits time: wait for each page's future with get(), for as long as its fetch"
                    + " takes.");
        }
        int n = 6 + random.nextInt(40);
        List<Plan> plans = allOk(n);
        List<Integer> failing = shuffled(n, random).subList(0, 2 + random.nextInt(n / 3));
        failing.forEach(i -> plans.set(i, Plan.THROWS));
        int limit = random.nextBoolean() ? Integer.MAX_VALUE : n;
        FetchBench bench = bench(plans, limit, random);
        bench.start();
        bench.awaitSettled();
        List<Integer> order = new ArrayList<>(failing);         // the failures first, while the others wait
        List<Integer> rest = shuffled(n, random);
        rest.removeAll(failing);
        order.addAll(rest);
        for (int i : order) {
            bench.answer(i);
            if (i == failing.get(failing.size() - 1)) {
                FetchBench.Settled seen = bench.awaitSettled();
                if (seen.callerDone()) {
                    fail(call(bench, limit) + ": pages " + failing + " threw, and fetchAll "
                            + (bench.thrown() == null ? "returned" : "threw " + bench.thrown()) + " while the fetches of"
                            + " pages " + seen.inProgress() + " were still in progress. A failing page is its own"
                            + " Failed result: every other page is still fetched and reported.");
                }
            }
        }
        awaitDone(bench, call(bench, limit));
        checkEachPageOnce(bench, call(bench, limit));
        checkResults(bench, call(bench, limit), failing);
    }

    @Test
    @Order(4)
    @Tag("hint:2")
    void leavesNoThreadRunningOnceItReturns(Random random) {
        int n = 2 + random.nextInt(100);
        FetchBench bench = bench(allOk(n), Integer.MAX_VALUE, random);
        bench.start();
        bench.awaitSettled();
        for (int i : shuffled(n, random)) {
            bench.answer(i);
        }
        awaitDone(bench, call(bench, Integer.MAX_VALUE));
        List<Integer> running = bench.inProgressAtReturn();
        if (!running.isEmpty()) {
            fail(call(bench, Integer.MAX_VALUE) + " returned while the fetches of pages " + running + " were still in"
                    + " progress. Every thread fetchAll starts has ended when it returns: close the executor"
                    + " (try-with-resources), which waits for them.");
        }
        if (!waitsForItsThreads()) {
            fail("VirtualFetcher never calls close() or awaitTermination() on an ExecutorService, nor join() on a"
                    + " Thread: nothing in it waits for the threads it starts to end, so some may still be running"
                    + " when fetchAll returns or throws. Open the executor in a try-with-resources block.");
        }
    }

    /** Whether the class calls something that waits for threads to end. */
    private static boolean waitsForItsThreads() {
        return CompiledNest.usesAny(CompiledNest.of(VirtualFetcher.class), (owner, name) ->
                owner.startsWith("java.util.concurrent.") && (name.equals("close") || name.equals("awaitTermination"))
                        || owner.equals("java.lang.Thread") && name.equals("join")
                        || owner.equals("java.lang.AutoCloseable") && name.equals("close"));
    }

    @Test
    @Order(5)
    @Tag("hint:2")
    void anInterruptedCallStopsItsFetchesAndThrowsOnceTheyHaveEnded(Random random) {
        int n = 2 + random.nextInt(60);
        int limit = random.nextBoolean() ? Integer.MAX_VALUE : n + random.nextInt(3);
        checkInterruptedCall(bench(allOk(n), limit, random), limit);
    }

    /**
     * Interrupts the calling thread once the call has settled with its first fetches in progress, holds the
     * interrupted fetches a moment before they may stop, and checks that fetchAll stops them, waits for them,
     * starts no page that nobody stops, and throws InterruptedException.
     */
    private void checkInterruptedCall(FetchBench bench, int limit) {
        bench.holdStops();
        bench.start();
        FetchBench.Settled before = bench.awaitSettled();
        List<Integer> inFlight = before.inProgress();
        bench.interruptCaller();
        FetchBench.Settled stopping = bench.awaitSettled();
        String waiting = before.callerDone() ? "" : " (fetchAll waiting in " + before.callerWaitsIn() + ")";
        String call = "The thread that called " + call(bench, limit) + " was interrupted while the fetches of pages "
                + inFlight + " were in progress" + (inFlight.size() < bench.pages.size() ? " and the other "
                + (bench.pages.size() - inFlight.size()) + " pages waited for their turn" : "") + waiting + ", and ";
        if (stopping.callerDone() && !stopping.inProgress().isEmpty()) {
            fail(call + "fetchAll " + (bench.thrown() == null ? "returned" : "threw " + bench.thrown()) + " while the"
                    + " fetches of pages " + stopping.inProgress() + " were still in progress (stopping, which takes"
                    + " them a moment): the threads it started must have ended when it throws. After shutdownNow(),"
                    + " close() waits for them.");
        }
        bench.letStop();
        FetchBench.Settled after = bench.awaitSettled();
        boolean neverInterrupted = !after.callerDone() && !bench.interruptsArrive(after.inProgress());
        if (!after.callerDone() && (neverInterrupted || !bench.comesBack())) {
            fail(call + "fetchAll went on waiting in " + after.callerWaitsIn() + ", with the fetches of pages "
                    + after.inProgress() + " still in progress" + (neverInterrupted ? ", never interrupted" : "")
                    + ". An interrupt asks fetchAll to stop: wherever it waits when InterruptedException comes,"
                    + " shutdownNow() interrupts every fetch, and close() waits for them to end.");
        }
        if (!(bench.thrown() instanceof InterruptedException)) {
            fail(call + "fetchAll " + (bench.thrown() == null ? "returned " + summary(bench.result())
                    : "threw " + bench.thrown()) + ". It must throw InterruptedException, which it declares, once its"
                    + " threads have ended: the caller asked it to stop, and must be told it did.");
        }
        // Every thread was settled, each page fetching or waiting for its turn, when the interrupt came: a page
        // whose fetch began after it had waited through the interrupt.
        if (!bench.startedAfterInterrupt().isEmpty()) {
            fail(call + "the fetches of pages " + bench.startedAfterInterrupt() + " began after the interrupt, though"
                    + " they were waiting for their turn when it came. A page still waiting for its turn must not"
                    + " start a fetch once fetchAll is interrupted: wait for the turn in a way that an interrupt"
                    + " ends (shutdownNow() interrupts the waiting threads too).");
        }
        List<Integer> stopped = new ArrayList<>(inFlight);
        if (!bench.interrupted().containsAll(stopped)) {
            fail(call + "threw InterruptedException, but the fetches of pages " + minus(stopped, bench.interrupted())
                    + " were never interrupted: they ran to the end. Interrupt them (shutdownNow()) before you wait"
                    + " for them; a page still waiting for its turn must not start a fetch that nobody stops.");
        }
        if (!bench.inProgressAtReturn().isEmpty()) {
            fail(call + "fetchAll threw while the fetches of pages " + bench.inProgressAtReturn() + " were still in"
                    + " progress.");
        }
    }

    // ---- the limit: hint 3 ----

    @Test
    @Order(6)
    @Tag("hint:3")
    void aPageWaitingForItsTurnIsWokenByTheFetchThatEndsNotByAClock() {
        var clocks = CompiledNest.forbiddenUses(VirtualFetcher.class, (owner, name) ->
                owner.equals("java.lang.Thread") && (name.equals("sleep") || name.equals("yield")
                        || name.equals("onSpinWait")) || owner.equals("java.util.concurrent.TimeUnit")
                        && name.equals("sleep") || owner.equals("java.util.concurrent.locks.LockSupport")
                        && (name.equals("parkNanos") || name.equals("parkUntil"))
                        ? "a wait that a clock or a spin ends" : null);
        if (!clocks.isEmpty()) {
            fail("VirtualFetcher calls " + String.join("; ", clocks) + ": a page that waits for its turn that way is"
                    + " woken by a clock or keeps a carrier busy, not by the fetch that ends, so a freed place stays"
                    + " empty until it looks again, and a check followed by a take lets two pages see the same free"
                    + " place. Semaphore.acquire() waits for exactly the release that frees a place, and takes it in"
                    + " one step.");
        }
    }

    @Test
    @Order(7)
    @Tag("hint:3")
    void neverMoreThanTheLimitAndTheLimitWhilePagesRemain(Random random) {
        int limit = 2 + random.nextInt(7);
        int n = limit * (2 + random.nextInt(3)) + 1 + random.nextInt(limit - 1);
        checkTheLimitHeld(bench(allOk(n), limit, random), limit, random);
    }

    @Test
    @Order(8)
    @Tag("hint:3")
    void aFetchThatThrowsGivesItsPlaceBack(Random random) {
        int limit = 1 + random.nextInt(6);
        int n = limit * (2 + random.nextInt(3)) + 1 + random.nextInt(limit);
        List<Plan> plans = new ArrayList<>(Collections.nCopies(n, Plan.THROWS));
        // fewer pages that return than the limit: whichever pages start first, one of them throws
        shuffled(n, random).subList(0, random.nextInt(limit)).forEach(i -> plans.set(i, Plan.OK));
        checkTheLimitHeld(bench(plans, limit, random), limit, random);
    }

    /**
     * Answers one fetch in progress at a time (one that throws, while there is one) and checks after each
     * that no more than the limit are in progress, and that the limit is while pages remain.
     */
    private static void checkTheLimitHeld(FetchBench bench, int limit, Random random) {
        int n = bench.pages.size();
        bench.start();
        List<Integer> answered = new ArrayList<>();
        List<Integer> threw = new ArrayList<>();
        while (true) {
            FetchBench.Settled seen = bench.awaitSettled();
            if (bench.most() > limit) {
                fail(call(bench, limit) + " had " + bench.most() + " fetches in progress at once; at most " + limit
                        + " are allowed. Let each page's virtual thread take a permit of a Semaphore(limit) before it"
                        + " fetches, and give it back when the fetch is over.");
            }
            checkVirtualAndFresh(bench, call(bench, limit));
            int remaining = n - answered.size();
            int wanted = Math.min(limit, remaining);
            if (!seen.callerDone() && seen.inProgress().size() < wanted
                    && bench.moreThanArrive(seen.inProgress().size())) {
                continue;
            }
            if (remaining == 0 && !seen.callerDone() && bench.comesBack()) {
                continue;
            }
            if (seen.inProgress().size() < wanted) {
                int empty = wanted - seen.inProgress().size();
                String why = threw.size() >= empty && (threw.size() == empty || threw.size() + seen.inProgress().size()
                        == limit) ? " As many places stayed empty as fetches threw: a fetch that throws must give its"
                        + " permit back too (release it in a finally)." : " A page must start as soon as a permit is"
                        + " free, whatever the other pages are doing: waiting for a whole group to finish leaves"
                        + " permits unused.";
                fail(call(bench, limit) + ": after pages " + answered + " were answered" + (threw.isEmpty() ? ""
                        : " (the fetches of pages " + threw + " by throwing)") + ", the fetches of pages "
                        + seen.inProgress() + " were in progress, and no more started, though " + remaining + " pages"
                        + " were still to fetch and " + limit + " may fetch at once" + (seen.callerDone() ? ""
                        : "; the calling thread waited in " + seen.callerWaitsIn()) + "." + why);
            }
            if (remaining == 0 && !seen.callerDone()) {
                fail(call(bench, limit) + " went on waiting, in " + seen.callerWaitsIn() + ", with every page"
                        + " answered.");
            }
            if (seen.callerDone()) {
                break;
            }
            List<Integer> held = seen.inProgress();
            List<Integer> throwing = held.stream().filter(i -> bench.plan(i) == Plan.THROWS).toList();
            List<Integer> from = throwing.isEmpty() ? held : throwing;
            int page = from.get(random.nextInt(from.size()));
            bench.answer(page);
            answered.add(page);
            if (bench.plan(page) == Plan.THROWS) {
                threw.add(page);
            }
        }
        List<Integer> failing = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (bench.plan(i) == Plan.THROWS) {
                failing.add(i);
            }
        }
        checkEachPageOnce(bench, call(bench, limit));
        checkResults(bench, call(bench, limit), failing);
    }

    @Test
    @Order(9)
    @Tag("hint:3")
    void anInterruptWhilePagesWaitForTheirTurnStopsThemAll(Random random) {
        int n = 3 + random.nextInt(60);
        int limit = 1 + random.nextInt(n - 1);
        checkInterruptedCall(bench(allOk(n), limit, random), limit);
    }

    /**
     * Interrupts one thread that waits for its turn, itself, while the limit's fetches are in progress and
     * held: that thread took no permit, so once it has ended no other page may start. A thread that gives back
     * a permit it never took (an acquire() inside the try whose finally releases) lets one more page fetch,
     * beyond the limit, and that is counted. The waiting thread is found among the executor's threads
     * ({@link FetchBench#threadsThatNeverFetched}); where there is none (the permits taken on the calling
     * thread), nothing waits in a task to be interrupted, and the test has nothing to check.
     */
    @Test
    @Order(10)
    @Tag("hint:3")
    void aWaitForATurnThatAnInterruptEndsGivesNoPermitBack(Random random) throws InterruptedException {
        // Where the executor's threads cannot be listed, the check is not made, and says so, rather than pass.
        assumeTrue(ExecutorThreads.unavailable() == null, () -> "an executor's threads cannot be listed in this"
                + " JVM: " + ExecutorThreads.unavailable());
        int limit = 1 + random.nextInt(6);
        int n = limit + 2 + random.nextInt(40);
        FetchBench bench = bench(allOk(n), limit, random);
        bench.start();
        FetchBench.Settled before = bench.awaitSettled();
        while (before.inProgress().size() < limit && bench.moreThanArrive(before.inProgress().size())) {
            before = bench.awaitSettled();
        }
        List<Integer> inFlight = before.inProgress();
        List<Thread> waiting = bench.threadsThatNeverFetched();
        if (inFlight.size() != limit || waiting.isEmpty()) {
            return;     // the limit tests judge the first; in the second, no task waits for a permit
        }
        Thread chosen = waiting.get(random.nextInt(waiting.size()));
        chosen.interrupt();
        chosen.join(TimeUnit.SECONDS.toMillis(2));
        if (chosen.isAlive()) {
            return;     // a wait that an interrupt does not end: the interrupt tests judge that
        }
        FetchBench.Settled after = bench.awaitSettled();
        if (bench.most() > limit) {
            List<Integer> began = new ArrayList<>(after.inProgress());
            began.removeAll(inFlight);
            boolean noneEnded = after.inProgress().containsAll(inFlight);
            fail(call(bench, limit) + " had the fetches of pages " + inFlight + " in progress, and "
                    + waiting.size() + " threads of its executor waited for their turn. The test interrupted one of"
                    + " those waiting threads, and once it had ended, the fetch" + (began.size() == 1 ? " of page "
                    + began.get(0) : "es of pages " + began) + " began: " + bench.most() + " fetches in progress at once, more than"
                    + " the limit " + limit + (noneEnded ? ", though none of the " + limit + " fetches that held the"
                    + " places had ended. The place came from the thread that never fetched: a thread whose"
                    + " acquire() an interrupt ends has taken no permit, and must not release() one. Take the"
                    + " permit before the try whose finally gives it back: permits.acquire(); try { ... } finally {"
                    + " permits.release(); }." : "."));
        }
    }

    /**
     * With more pages than the lesson's FetchRun lets open at once (1,000 sockets) and a limit of at least the
     * number of pages, every page is in flight at once: the limit is the only cap. More pages than the largest
     * count keepsEveryPageInFlightAtOnce draws ({@link #CAP_TEST_PAGES}), so that any cap it leaves to this test
     * is below this count.
     */
    @Test
    @Order(11)
    @Tag("hint:3")
    void everyPageInFlightWhenTheLimitAllowsItNoSmallerCap(Random random) {
        int n = CAP_TEST_PAGES + random.nextInt(500);
        int limit = random.nextBoolean() ? Integer.MAX_VALUE : n + random.nextInt(3);
        FetchBench bench = bench(allOk(n), limit, random);
        bench.start();
        HeldBack held = awaitAllInFlight(bench, n);
        checkVirtualAndFresh(bench, call(bench, limit));
        int inFlight = held.seen().inProgress().size();
        if (inFlight != n) {
            fail(call(bench, limit) + " had exactly " + inFlight + " of its " + n + " fetches in progress and started"
                    + " no more while they waited, though its limit lets all " + n + " fetch at once" + held.where()
                    + "." + (held.byPermits() ? " Pages waiting for a permit while " + inFlight + " fetch and none"
                    + " has finished means a Semaphore of " + inFlight + " permits: a cap other than the limit"
                    + " (Math.min(limit, 1_000), say, as the lesson's FetchRun caps its sockets). fetchAll's one cap"
                    + " is its limit: new Semaphore(limit)." : " Nothing but the limit may hold pages back."));
        }
        bench.answerAll();
        awaitDone(bench, call(bench, limit));
        checkEachPageOnce(bench, call(bench, limit));
        checkResults(bench, call(bench, limit), List.of());
    }

    // ---- real pages: hint 1 ----

    @Test
    @Order(12)
    @Tag("hint:1")
    void fetchesRealPagesFromALoopbackServer(Random random) throws Exception {
        int n = 50 + random.nextInt(150);
        Set<String> platform = ConcurrentHashMap.newKeySet();
        try (LoopbackServer server = SlowHttpServer.start(ServerOptions.defaults())) {
            List<URI> pages = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                pages.add(URI.create("http://127.0.0.1:" + server.port() + "/page/" + i + "?delay=0"));
            }
            List<Integer> copies = new ArrayList<>();                 // the same address twice is two pages
            for (int k = 1 + random.nextInt(3); k > 0; k--) {
                int i = random.nextInt(n);
                pages.add(pages.get(i));
                copies.add(i);
            }
            Map<URI, Integer> wanted = new HashMap<>();
            pages.forEach(page -> wanted.merge(page, 1, Integer::sum));
            Map<URI, Integer> asked = new ConcurrentHashMap<>();
            List<Result> results = VirtualFetcher.fetchAll(pages, Integer.MAX_VALUE, page -> {
                asked.merge(page, 1, Integer::sum);
                if (!Thread.currentThread().isVirtual()) {
                    platform.add(Thread.currentThread().getName());
                }
                return VirtualFetcher.get(page);
            });
            if (!platform.isEmpty()) {
                fail("fetchAll(" + n + " pages from the bundled HTTP server) fetched on platform threads " + platform
                        + "; every fetch runs on a virtual thread.");
            }
            if (results == null || results.size() != pages.size()) {
                fail("fetchAll(" + pages.size() + " pages from the bundled HTTP server) returned " + summary(results)
                        + ": one result per page, in page order.");
            }
            if (!asked.equals(wanted)) {
                fail("fetchAll(" + pages.size() + " pages from the bundled HTTP server, pages " + copies + " listed a"
                        + " second time at the end) fetched some addresses another number of times than they were"
                        + " listed: the same address twice is two pages, fetched twice.");
            }
            List<URI> few = pages.subList(0, 3 + random.nextInt(5));
            List<Result> plain = VirtualFetcher.fetchAll(few);
            if (plain == null || plain.size() != few.size() || plain.stream().anyMatch(r -> !(r instanceof Body))) {
                fail("fetchAll(" + few.size() + " pages from the bundled HTTP server), which fetches with get(),"
                        + " returned " + summary(plain) + ".");
            }
            for (int i = 0; i < pages.size(); i++) {
                Result r = results.get(i);
                int path = i < n ? i : copies.get(i - n);
                if (!(r instanceof Body body) || !body.page().equals(pages.get(i))
                        || !body.text().contains("GET /page/" + path + "?delay=0 answered")) {
                    fail("Result " + i + " of fetchAll(" + pages.size() + " pages from the bundled HTTP server) was "
                            + r + ", where page " + i + " is " + pages.get(i) + ".");
                }
            }
        }
    }

    // ---- checks shared by the tests ----

    /**
     * The fewest pages everyPageInFlightWhenTheLimitAllowsItNoSmallerCap fetches, one more than the most that
     * keepsEveryPageInFlightAtOnce does.
     */
    private static final int CAP_TEST_PAGES = 2_500;

    /**
     * What held back the pages of a settled call that were not in progress: the executor's threads that never
     * fetched, where the first of them waited, and where the calling thread waited ("" when it had returned).
     */
    private record HeldBack(FetchBench.Settled seen, List<Thread> waiting, String waitIn, String callerIn) {

        /**
         * Whether pages waited in Semaphore.acquire() with nothing yet answered: with a limit of at least the
         * number of pages, a Semaphore of the limit's permits never makes a page wait, so this is a smaller one.
         */
        boolean byPermits() {
            return waitIn.startsWith("Semaphore.") || callerIn.startsWith("Semaphore.");
        }

        String where() {
            return (waiting.isEmpty() ? "" : "; the threads of the other " + waiting.size() + " pages waited,"
                    + " without fetching, in " + waitIn) + (callerIn.isEmpty() ? "" : "; the calling thread waited"
                    + " in " + callerIn);
        }
    }

    /**
     * Waits until the call has settled with all {@code n} pages in progress, or with fewer and no more coming:
     * fewer held back by permits is final at once, otherwise a straggler gets {@link FetchBench#moreThanArrive}.
     */
    private static HeldBack awaitAllInFlight(FetchBench bench, int n) {
        while (true) {
            FetchBench.Settled seen = bench.awaitSettled();
            if (seen.inProgress().size() == n) {
                return new HeldBack(seen, List.of(), "", "");
            }
            List<Thread> waiting = bench.threadsThatNeverFetched();
            String waitIn = waiting.isEmpty() ? "" : FetchBench.waitsIn(waiting.get(0).getStackTrace());
            HeldBack held = new HeldBack(seen, waiting, waitIn, seen.callerDone() ? "" : seen.callerWaitsIn());
            if (held.byPermits() || !bench.moreThanArrive(seen.inProgress().size())) {
                return held;
            }
        }
    }

    /** Waits for the call to end, answering nothing more; fails if it settles without ending. */
    private static void awaitDone(FetchBench bench, String call) {
        FetchBench.Settled seen = bench.awaitSettled();
        if (!seen.callerDone() && !bench.comesBack()) {
            checkVirtualAndFresh(bench, call);
            fail(call + " went on waiting, in " + seen.callerWaitsIn() + ", with every page answered"
                    + (seen.inProgress().isEmpty() ? "" : " but the fetches of pages " + seen.inProgress() + " still in"
                    + " progress") + ".");
        }
    }

    private static void checkVirtualAndFresh(FetchBench bench, String call) {
        List<String> notVirtual = bench.notVirtual();
        if (!notVirtual.isEmpty()) {
            fail(call + ": " + notVirtual.get(0) + (notVirtual.size() > 1 ? " (and " + (notVirtual.size() - 1)
                    + " more)" : "") + ". Every fetch runs on a virtual thread of its own:"
                    + " Executors.newVirtualThreadPerTaskExecutor() starts one per task.");
        }
        List<String> reused = bench.reused();
        if (!reused.isEmpty()) {
            fail(call + ": " + reused.get(0) + ". Each page gets a new virtual thread, not a pool of them: a virtual"
                    + " thread costs too little to be worth keeping, and a limit is a Semaphore, not a pool size.");
        }
    }

    private static void checkEachPageOnce(FetchBench bench, String call) {
        int[] calls = bench.calls();
        for (int i = 0; i < calls.length; i++) {
            if (calls[i] != 1) {
                fail(call + " fetched page " + i + " " + calls[i] + " times (all pages: " + Arrays.toString(calls)
                        + "); each page is fetched once.");
            }
        }
    }

    private static void checkResults(FetchBench bench, String call, List<Integer> failing) {
        if (bench.thrown() != null) {
            fail(call + " threw " + bench.thrown() + (failing.isEmpty() ? ", though every fetch returned a body."
                    : ". A failing page is its own Failed result, with the exception its fetch threw: catch"
                    + " ExecutionException from Future.get() and report its cause for that page."));
        }
        List<Result> results = bench.result();
        int n = bench.pages.size();
        if (results == null || results.size() != n) {
            fail(call + " returned " + summary(results) + ": one result per page, in page order.");
        }
        for (int i = 0; i < n; i++) {
            Result want = bench.plan(i) == Plan.THROWS ? new Failed(bench.pages.get(i), bench.error(i))
                    : new Body(bench.pages.get(i), bench.body(i));
            Result got = results.get(i);
            boolean same = want instanceof Failed wanted ? got instanceof Failed failed
                    && failed.page().equals(wanted.page()) && failed.error() == wanted.error()
                    : Objects.equals(want, got);
            if (!same) {
                String why = "";
                if (want instanceof Failed wanted && got instanceof Failed failed && failed.error() != null
                        && failed.error().getCause() == wanted.error()) {
                    why = " That is the fetch's exception wrapped in another: report the ExecutionException's cause.";
                } else if (got != null && !got.page().equals(want.page())) {
                    why = " The results go in page order, whichever fetch finishes first: keep the futures in a list"
                            + " in page order and read them in that order.";
                }
                fail("Result " + i + " of " + call + " was " + got + ", where it must be " + want + "." + why);
            }
        }
    }

    private static String summary(List<Result> results) {
        if (results == null) {
            return "null";
        }
        return results.size() > 6 ? results.size() + " results, starting " + results.subList(0, 3) : results.toString();
    }

    private static List<Integer> minus(List<Integer> all, List<Integer> some) {
        List<Integer> left = new ArrayList<>(all);
        left.removeAll(some);
        return left;
    }

    private static List<Integer> shuffled(int n, Random random) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        Collections.shuffle(order, random);
        return order;
    }
}
