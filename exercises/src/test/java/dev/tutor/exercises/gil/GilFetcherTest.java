package dev.tutor.exercises.gil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tutor.exercises.support.Seeded;
import dev.tutor.runtime.gil.Gil;
import dev.tutor.runtime.gil.GilDiagnostics;
import dev.tutor.runtime.gil.GilEvent;
import dev.tutor.runtime.gil.GilEvent.Kind;
import dev.tutor.runtime.gil.GilRecorder;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Grades {@link GilFetcher}: the GIL taken first, held for the Python work and given back at the end
 * (hint 1), given back when the fetch or the parse fails, and not given back when it was never taken
 * (hint 2), and released for the wait with {@code blockingIo}, so
 * that other threads run Python code meanwhile (hint 3).
 *
 * <p>The fetches are fakes that look at the GIL when they are called. The means are read from the GIL's
 * own event log ({@link GilRecorder}): who held it, whether it was released for I/O, whether it was held
 * when parse ran. The last test starts several threads itself and plays a server that answers nobody until
 * every thread's request has arrived. A thread that waits for its page holding the GIL would deadlock with
 * the others; the test sees that through the GIL ({@link GilDiagnostics} names who waits for whom) as soon
 * as it happens, and breaks the deadlock by failing the fetch, instead of waiting for a time limit. Each
 * test carries {@code @Tag("hint:N")}: when it fails, the tutor offers hint N.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 10, unit = TimeUnit.SECONDS)
@ExtendWith(Seeded.class)
class GilFetcherTest {

    /** A safety net only: how long a fetch at the gate waits before the test gives up on a client that hangs. */
    private static final Duration GATE_LIMIT = Duration.ofSeconds(5);

    @Test
    @Order(1)
    @Tag("hint:1")
    void parsesHoldingTheGilAndReturnsWithItReleased(Random random) throws IOException {
        Gil gil = Gil.create();
        GilRecorder log = new GilRecorder();
        gil.addListener(log);
        String me = Thread.currentThread().getName();
        for (int round = 0; round < 5; round++) {
            log.clear();
            String url = "/page/" + random.nextInt(1000);
            String body = "body " + random.nextInt(1_000_000);
            List<String> seen = Collections.synchronizedList(new ArrayList<>());
            List<List<Kind>> atFetch = new ArrayList<>();
            List<List<Kind>> atParse = new ArrayList<>();
            GilFetcher fetcher = new GilFetcher(gil, asked -> {
                seen.add("fetch(" + asked + ")");
                atFetch.add(kinds(log, me));
                return body;
            }, text -> {
                seen.add("parse(" + text + ") " + (gil.isHeldByCurrentThread() ? "holding" : "without") + " the GIL");
                atParse.add(kinds(log, me));
                return "parsed " + text;
            });

            String result = fetcher.fetchOne(url);

            List<String> expected = List.of("fetch(" + url + ")", "parse(" + body + ") holding the GIL");
            if (!seen.equals(expected)) {
                fail("fetchOne(\"" + url + "\") made these calls: " + seen + "; it must fetch the page once and"
                        + " parse its body once, holding the GIL: " + expected + "."
                        + (seen.contains("parse(" + body + ") without the GIL") ? " parse is Python code, and a"
                        + " thread runs Python code only while it holds the GIL. " + withoutTheGil(atParse.get(0))
                        : ""));
            }
            List<Kind> beforeFetch = atFetch.get(0);
            if (!beforeFetch.contains(Kind.ACQUIRED)) {
                fail("fetchOne(\"" + url + "\") called the fetch before its thread had taken the GIL (the GIL's log"
                        + " of the thread then read " + beforeFetch + "). Everything fetchOne does is Python code"
                        + " except the wait itself: take the GIL with gil.acquire() as its first step.");
            }
            assertEquals("parsed " + body, result, "fetchOne must return what parse made of the body.");
            if (gil.isHeldByCurrentThread()) {
                fail("fetchOne(\"" + url + "\") returned with the GIL still held by its thread ("
                        + GilDiagnostics.describe(Thread.currentThread()) + "), so no other Python thread could"
                        + " ever run again. Give it back with gil.release() before returning.");
            }
        }
    }

    @Test
    @Order(2)
    @Tag("hint:2")
    void givesTheGilBackWhenTheFetchOrTheParseFails(Random random) {
        Gil gil = Gil.create();
        String url = "/page/" + random.nextInt(1000);
        IOException lost = new IOException("connection reset while fetching " + url);
        AtomicInteger asks = new AtomicInteger();
        GilFetcher failingFetch = new GilFetcher(gil, asked -> {
            asks.incrementAndGet();
            throw lost;
        }, UnaryOperator.identity());
        expectThrown(gil, failingFetch, url, lost, "the fetch threw " + lost);
        // A second try would hide the first failure behind the second's, or behind a page the first never gave.
        if (asks.get() != 1) {
            fail("In fetchOne(\"" + url + "\"), the fetch threw " + lost + ", and fetchOne asked for the page "
                    + asks.get() + " times. It fetches once, and a failed fetch's exception goes to the caller as it"
                    + " is: no second try.");
        }

        RuntimeException unreadable = new IllegalArgumentException("no closing tag at " + random.nextInt(1000));
        GilFetcher failingParse = new GilFetcher(gil, asked -> "<html", text -> {
            throw unreadable;
        });
        expectThrown(gil, failingParse, url, unreadable, "parse threw " + unreadable);

        // Page.fetch declares only IOException, but a lambda may throw anything unchecked: a catch for
        // IOException alone misses these, and only a finally gives the GIL back on every way out.
        List<Throwable> unchecked = new ArrayList<>(List.of(
                new java.io.UncheckedIOException(new IOException("connection reset at byte " + random.nextInt(10_000))),
                new IllegalStateException("socket closed by peer " + random.nextInt(1000)),
                new StackOverflowError("deep recursion in the fetch " + random.nextInt(1000))));
        Collections.shuffle(unchecked, random);
        for (Throwable failure : unchecked) {
            GilFetcher failingUnchecked = new GilFetcher(gil, asked -> {
                if (failure instanceof Error error) {
                    throw error;
                }
                throw (RuntimeException) failure;
            }, UnaryOperator.identity());
            expectThrown(gil, failingUnchecked, url, failure, "the fetch threw the unchecked " + failure);
        }
    }

    private static void expectThrown(Gil gil, GilFetcher fetcher, String url, Throwable expected, String what) {
        Throwable thrown = null;
        try {
            fetcher.fetchOne(url);
        } catch (Throwable t) {
            thrown = t;
        }
        boolean held = gil.isHeldByCurrentThread();
        if (held) {
            gil.release(); // for the next call of this test
        }
        if (thrown != expected) {
            fail("In fetchOne(\"" + url + "\"), " + what + ", and fetchOne " + (thrown == null ? "returned normally"
                    : "threw " + thrown) + ". The failure must reach the caller unchanged, the very exception."
                    + (thrown instanceof IllegalStateException && String.valueOf(thrown.getMessage()).contains("GIL")
                    ? " That IllegalStateException comes from the GIL: a release() by a thread that does not hold it"
                    + " (released twice, or released by hand before the fetch and not taken back when it threw)."
                    : ""));
        }
        if (held) {
            fail("In fetchOne(\"" + url + "\"), " + what + ", and fetchOne let it through but left the GIL held:"
                    + " every other Python thread would now wait for ever. Give the GIL back however the method"
                    + " ends" + (expected instanceof IOException ? "." : ", an unchecked exception or an Error"
                    + " included, which a catch (IOException e) never sees: release in a finally block."));
        }
    }

    /**
     * The test's own thread holds the GIL, so fetchOne on another thread waits to take it, and is interrupted
     * there: acquire() throws, and fetchOne must let that out as it is, having fetched nothing and released
     * nothing. Then the test's thread calls it with the GIL free and its own interrupt flag set: acquire() does
     * not wait, so it does not throw, and fetchOne must work as usual and leave the flag set.
     */
    @Test
    @Order(3)
    @Tag("hint:2")
    void letsAcquiresExceptionOutWhenInterruptedWhileWaitingForTheGil(Random random) throws Exception {
        Gil gil = Gil.create();
        GilRecorder log = new GilRecorder();
        gil.addListener(log);
        String url = "/page/" + random.nextInt(1000);
        List<String> calls = Collections.synchronizedList(new ArrayList<>());
        GilFetcher fetcher = new GilFetcher(gil, asked -> {
            calls.add("fetch(" + asked + ")");
            return "body";
        }, text -> {
            calls.add("parse(" + text + ")");
            return text;
        });
        String name = "python-" + (1 + random.nextInt(9));
        Object[] outcome = new Object[1];
        Thread caller = Thread.ofPlatform().name(name).unstarted(() -> {
            try {
                outcome[0] = fetcher.fetchOne(url);
            } catch (Throwable t) {
                outcome[0] = t;
            }
        });
        boolean waited;
        boolean ended;
        gil.acquire();
        try {
            caller.start();
            waited = log.awaitEvent(Kind.WAITING, name, GATE_LIMIT);
            caller.interrupt();
            ended = caller.join(GATE_LIMIT);
        } finally {
            gil.release();
        }
        caller.join();
        String story = "The test's thread held the GIL, " + name + " called fetchOne(\"" + url + "\")";
        if (!waited) {
            fail(story + ", and in " + GATE_LIMIT.toSeconds() + " s it never waited for the GIL: " + outcome[0]
                    + ". fetchOne takes the GIL with gil.acquire() first. The GIL's log: " + log.lines());
        }
        story += ", waited for the GIL, and was interrupted while it waited";
        if (!ended) {
            fail(story + "; " + GATE_LIMIT.toSeconds() + " s later fetchOne had not returned. acquire() throws when"
                    + " the thread is interrupted; let that end fetchOne.");
        }
        Throwable thrown = outcome[0] instanceof Throwable t ? t : null;
        boolean acquiresOwn = thrown != null && thrown.getClass() == java.util.concurrent.CancellationException.class
                && thrown.getStackTrace().length > 0
                && thrown.getStackTrace()[0].getClassName().startsWith(Gil.class.getPackageName());
        if (!acquiresOwn) {
            fail(story + ". gil.acquire() threw a CancellationException, and fetchOne "
                    + (thrown == null ? "returned " + outcome[0] : "threw " + thrown) + "; acquire()'s own exception"
                    + " must reach the caller unchanged."
                    + (thrown instanceof IllegalStateException && String.valueOf(thrown.getMessage()).contains("release")
                    ? " That IllegalStateException comes from a release() of a GIL the thread never got: the"
                    + " finally block that gives the GIL back ran although acquire() had failed. Call gil.acquire()"
                    + " before the try, not inside it." : ""));
        }
        if (!calls.isEmpty()) {
            fail(story + "; fetchOne threw acquire()'s exception, but first made these calls without the GIL: "
                    + calls + ".");
        }

        // With the GIL free, acquire() takes it without waiting, so an interrupt flag that is already set makes
        // it throw nothing: fetchOne goes on as usual and leaves the flag for its caller to act on.
        calls.clear();
        Object early;
        boolean flagKept;
        Thread.currentThread().interrupt();
        try {
            early = fetcher.fetchOne(url);
        } catch (Throwable t) {
            early = t;
        } finally {
            flagKept = Thread.interrupted(); // clears it, for the rest of the run
        }
        if (gil.isHeldByCurrentThread()) {
            gil.release();
        }
        String free = "With the GIL free and the calling thread's interrupt flag already set, fetchOne(\"" + url
                + "\") ";
        if (!"body".equals(early)) {
            fail(free + (early instanceof Throwable t ? "threw " + t : "returned " + early) + (calls.isEmpty()
                    ? ", having fetched nothing" : " after these calls: " + calls) + ". gil.acquire() takes a free GIL without waiting, and throws only when the thread is"
                    + " interrupted while it waits; so fetchOne must fetch, parse and return \"body\" as usual."
                    + " Do not test the interrupt flag yourself: take the GIL with gil.acquire() first, and let"
                    + " acquire()'s own exception be the only way an interrupt ends fetchOne.");
        }
        if (!flagKept) {
            fail(free + "returned, but the flag was no longer set afterwards: fetchOne cleared it and acted on"
                    + " nothing. Leave the interrupt flag for the caller.");
        }
    }

    @Test
    @Order(4)
    @Tag("hint:3")
    void waitsForThePageWithTheGilReleasedForIo(Random random) throws IOException {
        Gil gil = Gil.create();
        GilRecorder log = new GilRecorder();
        gil.addListener(log);
        String me = Thread.currentThread().getName();
        String url = "/page/" + random.nextInt(1000);
        List<List<Kind>> atFetch = new ArrayList<>();
        List<Boolean> heldAtFetch = new ArrayList<>();
        List<List<Kind>> atParse = new ArrayList<>();
        GilFetcher fetcher = new GilFetcher(gil, asked -> {
            atFetch.add(kinds(log, me));
            heldAtFetch.add(gil.isHeldByCurrentThread());
            return "body";
        }, text -> {
            atParse.add(kinds(log, me));
            return text;
        });

        fetcher.fetchOne(url);

        List<Kind> before = atFetch.isEmpty() ? List.of() : atFetch.get(0);
        if (!before.equals(List.of(Kind.ACQUIRED, Kind.RELEASED_FOR_IO))) {
            fail("When the page was fetched, the GIL's log of this thread read " + before + "; it must read"
                    + " [ACQUIRED, RELEASED_FOR_IO]: the GIL taken first, then let go for the wait. "
                    + (before.isEmpty() ? "The fetch ran before the thread had taken the GIL at all: take it"
                    + " first, and let blockingIo release it for the wait itself."
                    : before.equals(List.of(Kind.ACQUIRED)) ? (heldAtFetch.get(0)
                    ? "The thread held the GIL through the whole wait, so no other thread could run meanwhile. "
                    : "The GIL was free during the fetch, but released with release(), not for I/O. ")
                    + "Run the wait inside gil.blockingIo(() -> page.fetch(url)): it lets the GIL go for the"
                    + " call and takes it back after, even when the call throws."
                    : "") + " The log: " + log.lines());
        }
        List<Kind> parsing = atParse.isEmpty() ? List.of() : atParse.get(0);
        if (!parsing.equals(List.of(Kind.ACQUIRED, Kind.RELEASED_FOR_IO, Kind.REACQUIRED))) {
            fail("When the body was parsed, the GIL's log of this thread read " + parsing + "; it must read"
                    + " [ACQUIRED, RELEASED_FOR_IO, REACQUIRED]: the GIL taken back after the wait, for the"
                    + " Python code. The log: " + log.lines());
        }
    }

    /** What the GIL's log of a thread read when parse ran without the GIL, in words. */
    private static String withoutTheGil(List<Kind> atParse) {
        if (!atParse.contains(Kind.ACQUIRED)) {
            return "The thread had not taken it at all: take it with gil.acquire() first.";
        }
        if (atParse.get(atParse.size() - 1) == Kind.RELEASED_FOR_IO) {
            return "parse ran inside blockingIo, while the GIL was let go for the wait (the GIL's log of the thread"
                    + " read " + atParse + "): wrap only the wait, page.fetch(url), and parse once blockingIo has"
                    + " returned the body.";
        }
        return "The thread had taken the GIL (its log read " + atParse + ") but no longer held it when parse ran:"
                + " give it back only after parse.";
    }

    private static List<Kind> kinds(GilRecorder log, String thread) {
        return log.events().stream().filter(e -> e.thread().equals(thread)).map(GilEvent::kind)
                .filter(kind -> kind == Kind.ACQUIRED || kind == Kind.RELEASED_FOR_IO || kind == Kind.REACQUIRED)
                .toList();
    }

    @Test
    @Order(5)
    @Tag("hint:3")
    void letsTheOtherThreadsRunWhileItWaitsAndGetsTheGilBackAfterAFailure(Random random) throws Exception {
        int count = 2 + random.nextInt(4);
        Set<Integer> failing = new HashSet<>();
        failing.add(random.nextInt(count));
        if (count > 2 && random.nextBoolean()) {
            failing.add(random.nextInt(count));
        }
        Gil gil = Gil.create();
        GilRecorder log = new GilRecorder();
        gil.addListener(log);
        Gate gate = new Gate(count, gil, log);
        AtomicInteger parsing = new AtomicInteger();
        AtomicInteger mostParsing = new AtomicInteger();
        GilFetcher fetcher = new GilFetcher(gil, url -> gate.fetch(url, failing), text -> {
            mostParsing.accumulateAndGet(parsing.incrementAndGet(), Math::max);
            Thread.onSpinWait();
            parsing.decrementAndGet();
            return text.toUpperCase(java.util.Locale.ROOT);
        });

        List<Thread> threads = new ArrayList<>();
        Object[] outcomes = new Object[count];
        boolean[] heldAfter = new boolean[count];
        for (int i = 0; i < count; i++) {
            int index = i;
            threads.add(Thread.ofPlatform().name("python-" + (i + 1)).unstarted(() -> {
                try {
                    outcomes[index] = fetcher.fetchOne("/page/" + index);
                } catch (Throwable t) {
                    outcomes[index] = t;
                }
                if (gil.isHeldByCurrentThread()) {
                    heldAfter[index] = true;
                    gil.release(); // so that the other threads can finish and the test can report
                }
            }));
        }
        gate.watch(threads);
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join();
        }

        if (gate.deadlock != null) {
            fail(gate.deadlock + " The GIL's log: " + log.lines());
        }
        if (gate.stuck != null) {
            fail(gate.stuck + " The GIL's log: " + log.lines());
        }
        for (int i = 0; i < count; i++) {
            String thread = "python-" + (i + 1);
            if (heldAfter[i]) {
                fail(thread + "'s fetchOne(\"/page/" + i + "\") " + (outcomes[i] instanceof Throwable t
                        ? "threw " + t : "returned") + " with the GIL still held, so the other threads could not"
                        + " have run again. Give it back on every way out.");
            }
            if (failing.contains(i)) {
                if (!(outcomes[i] instanceof IOException e) || !String.valueOf(e.getMessage()).contains("/page/" + i)) {
                    fail(thread + "'s fetch of /page/" + i + " threw an IOException, and fetchOne "
                            + (outcomes[i] instanceof Throwable t ? "threw " + t : "returned " + outcomes[i])
                            + "; the fetch's own exception must reach the caller.");
                }
            } else if (!("BODY OF /PAGE/" + i).equals(outcomes[i])) {
                fail(thread + "'s fetchOne(\"/page/" + i + "\") gave " + outcomes[i] + " instead of \"BODY OF /PAGE/"
                        + i + "\", the parsed body.");
            }
        }
        if (mostParsing.get() > 1) {
            fail(mostParsing.get() + " threads ran parse at the same moment; with the GIL held for it, only one can."
                    + " The GIL's log: " + log.lines());
        }
        assertSomeoneRanWhileAnotherWaited(log.events());
    }

    /** In the log, some thread took the GIL between another's RELEASED_FOR_IO and its REACQUIRED. */
    private static void assertSomeoneRanWhileAnotherWaited(List<GilEvent> events) {
        for (int i = 0; i < events.size(); i++) {
            GilEvent release = events.get(i);
            if (release.kind() != Kind.RELEASED_FOR_IO) {
                continue;
            }
            for (int j = i + 1; j < events.size(); j++) {
                GilEvent later = events.get(j);
                if (later.thread().equals(release.thread())) {
                    break;
                }
                if (later.kind() == Kind.ACQUIRED || later.kind() == Kind.REACQUIRED) {
                    return;
                }
            }
        }
        fail("Every request reached the server at once, yet the GIL's log shows no thread taking the GIL while"
                + " another waited in its I/O: " + events);
    }

    /**
     * The server of the last test: it answers no request until every thread's request has arrived, then
     * answers them all, some with an IOException. While it waits it looks for a client that can never
     * complete the set: a thread that came to fetch holding the GIL, or threads blocked on a lock held by a
     * thread already waiting here.
     */
    private static final class Gate {
        private final int count;
        private final Gil gil;
        private final GilRecorder log;
        private final ThreadMXBean management = ManagementFactory.getThreadMXBean();
        private final Map<Long, String> arrivedThreads = new LinkedHashMap<>();
        private List<Thread> threads = List.of();
        private boolean open;
        volatile String deadlock;
        volatile String stuck;

        Gate(int count, Gil gil, GilRecorder log) {
            this.count = count;
            this.gil = gil;
            this.log = log;
        }

        void watch(List<Thread> clients) {
            this.threads = List.copyOf(clients);
        }

        String fetch(String url, Set<Integer> failing) throws IOException {
            Thread me = Thread.currentThread();
            if (gil.isHeldByCurrentThread() && count > 1) {
                waitForSomeoneWaitingForTheGil(me);
                throw new IOException("the test broke a deadlock: " + me.getName() + " fetched holding the GIL");
            }
            synchronized (this) {
                arrivedThreads.put(me.threadId(), me.getName());
                if (arrivedThreads.size() == count) {
                    open = true;
                    notifyAll();
                }
                long deadline = System.nanoTime() + GATE_LIMIT.toNanos();
                while (!open && deadlock == null && stuck == null) {
                    String blocked = blockedBehindTheGate();
                    if (blocked != null) {
                        stuck = blocked;
                        notifyAll();
                        break;
                    }
                    if (System.nanoTime() > deadline) {
                        stuck = "Only " + arrivedThreads.values() + " of the " + count + " threads asked for their"
                                + " page within " + GATE_LIMIT.toSeconds() + " s, and the server answers nobody until"
                                + " all have.";
                        notifyAll();
                        break;
                    }
                    try {
                        wait(1);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted", e);
                    }
                }
                if (!open) {
                    throw new IOException("the test gave up waiting for the other requests");
                }
            }
            int index = Integer.parseInt(url.substring("/page/".length()));
            if (failing.contains(index)) {
                throw new IOException("connection reset while fetching " + url);
            }
            return "body of " + url;
        }

        /** The thread holds the GIL at the server: wait for the evidence that another thread wants it. */
        private void waitForSomeoneWaitingForTheGil(Thread me) {
            // Once one deadlock is recorded, later holders need no more evidence; and with no other thread
            // alive, none will ever come.
            long deadline = System.nanoTime() + GATE_LIMIT.toNanos();
            try {
                while (deadlock == null && System.nanoTime() < deadline
                        && threads.stream().anyMatch(thread -> thread != me && thread.isAlive())
                        && !log.await(event -> event.kind() == Kind.WAITING && !event.thread().equals(me.getName()),
                                Duration.ofMillis(10))) {
                    // the others have not asked for the GIL yet
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            List<String> waiting = new ArrayList<>();
            for (Thread thread : threads) {
                for (String line : GilDiagnostics.describe(thread)) {
                    if (line.startsWith("waits")) {
                        waiting.add(thread.getName() + " " + line);
                    }
                }
            }
            if (deadlock == null) {
                deadlock = me.getName() + " called the fetch while holding the GIL, and the server answers no"
                        + " request until all " + count + " have arrived: " + (waiting.isEmpty()
                        ? "the other threads wait for the GIL" : String.join("; ", waiting)) + ". No thread can move on:"
                        + " a deadlock, which the test broke by failing the fetch. A thread that waits for the"
                        + " network must not keep the GIL: run the wait inside gil.blockingIo(...).";
            }
        }

        /** Caller holds this. A description when a thread still to arrive waits for a lock that an arrived thread holds. */
        private String blockedBehindTheGate() {
            for (Thread thread : threads) {
                if (arrivedThreads.containsKey(thread.threadId()) || !thread.isAlive()) {
                    continue;
                }
                ThreadInfo info = management.getThreadInfo(thread.threadId());
                boolean gateItself = info != null && info.getLockInfo() != null
                        && info.getLockInfo().getIdentityHashCode() == System.identityHashCode(this);
                if (info != null && !gateItself && arrivedThreads.containsKey(info.getLockOwnerId())) {
                    return thread.getName() + " waits for " + info.getLockName() + ", held by "
                            + arrivedThreads.get(info.getLockOwnerId()) + ", which is waiting for the server; and"
                            + " the server answers no request until all " + count + " requests have arrived. A lock"
                            + " held across the fetch makes the threads fetch one at a time, like a GIL that is not"
                            + " released for I/O.";
                }
            }
            return null;
        }
    }
}
