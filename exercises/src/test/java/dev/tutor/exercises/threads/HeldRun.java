package dev.tutor.exercises.threads;

import static dev.tutor.exercises.threads.ThreadProbe.PATIENCE_NANOS;
import static dev.tutor.exercises.threads.ThreadProbe.at;
import static dev.tutor.exercises.threads.ThreadProbe.describe;
import static dev.tutor.exercises.threads.ThreadProbe.info;
import static dev.tutor.exercises.threads.ThreadProbe.isBusy;
import static dev.tutor.exercises.threads.ThreadProbe.livePlatformThreads;
import static dev.tutor.exercises.threads.ThreadProbe.names;
import static dev.tutor.exercises.threads.ThreadProbe.pause;
import static dev.tutor.exercises.threads.ThreadProbe.polling;
import static dev.tutor.exercises.threads.ThreadProbe.sameLock;
import static dev.tutor.exercises.threads.ThreadProbe.sameObject;
import static dev.tutor.exercises.threads.ThreadProbe.timedJoin;
import static dev.tutor.exercises.threads.ThreadProbe.waitingFor;
import static dev.tutor.exercises.threads.WorkersRemarks.sorted;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tutor.exercises.threads.Workers.Result;
import java.lang.management.LockInfo;
import java.lang.management.ThreadInfo;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A rig that drives {@link Workers#runAll} for the tests of hint 2: runAll called on a thread of its own, with work
 * that holds every worker until {@link #finish} lets it go. Closing it lets every worker go and waits for runAll to
 * return, so that nothing is left running.
 *
 * <p>Its checks watch the calling thread through {@link ThreadProbe} and fail with a message that says what runAll
 * did wrong.
 */
final class HeldRun implements AutoCloseable {
    /**
     * How long runAll may wait with a time limit other than a join's, all its workers held, before the test
     * stops watching: a wait that gives a worker up shows within it, and a right answer that waits with a time
     * limit it never reaches (awaitTermination on a pool) is let go after it. A timed join fails at once.
     */
    private static final long TIMED_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(2500);

    /** A worker inside the test's work: its thread, input, and the gate that holds it. */
    private record Held(Thread thread, int input, CountDownLatch gate, CountDownLatch left) {
    }

    private final String prefix;
    private final List<Integer> inputs;
    private final int n;
    private final long times;
    private final ConcurrentLinkedQueue<Held> held = new ConcurrentLinkedQueue<>();
    private final Thread caller;
    private volatile boolean closed;
    private volatile List<Result> returned;
    private volatile Throwable thrown;
    private final Set<Integer> finished = new HashSet<>();

    HeldRun(String prefix, List<Integer> inputs) {
        this.prefix = prefix;
        this.inputs = inputs;
        this.n = inputs.size();
        this.times = 3;
        caller = new Thread(() -> {
            try {
                returned = Workers.runAll(prefix, inputs, this::work);
            } catch (Throwable t) {
                thrown = t;
            }
        }, "runAll-caller-" + prefix);
        caller.start();
    }

    private long work(int input) {
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch left = new CountDownLatch(1);
        held.add(new Held(Thread.currentThread(), input, gate, left));
        try {
            if (!closed) {
                gate.await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            left.countDown();
        }
        return input * times;
    }

    String call() {
        return "runAll(\"" + prefix + "\", " + inputs + ", work)";
    }

    /** Waits until all n workers are inside the work at once, or fails with what stopped them. */
    void awaitAllWorking() {
        long deadline = System.nanoTime() + PATIENCE_NANOS;
        while (held.size() < n) {
            if (thrown != null) {
                fail(call() + " threw " + thrown, thrown);
            }
            if (!caller.isAlive()) {
                fail(call() + " returned while " + held.size() + " of its " + n + " workers had started their"
                        + " work, and none had finished it: start() returns at once, while the new thread is"
                        + " still working. Call join() on every thread before returning.");
            }
            Thread.State state = caller.getState();
            if (state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING) {
                List<Thread> alive = livePlatformThreads(prefix);
                if (alive.size() < n && alive.size() == held.size()) {
                    List<String> working = names(alive);
                    fail(call() + " started " + working.size() + " of its " + n + " workers (" + String.join(", ",
                            working) + ") and then waited" + waitingFor(caller, alive) + ", while "
                            + notStarted(working) + " had not been started. The work holds every worker until"
                            + " all " + n + " are working at once, so runAll waited for a worker that cannot"
                            + " finish yet. join() waits until that one thread has finished: started and"
                            + " joined one at a time, workers run one after another. Start all " + n + " first,"
                            + " then join all " + n + ".");
                }
            }
            if (System.nanoTime() > deadline) {
                fail("After " + seconds(PATIENCE_NANOS) + " s, " + held.size() + " of the " + n + " workers of "
                        + call() + " had started their work, and runAll was " + state + at(caller) + ".");
            }
            pause();
        }
        List<String> seen = new ArrayList<>();
        for (Held h : held) {
            seen.add(h.thread().getName());
        }
        Collections.sort(seen);
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            expected.add(prefix + i);
        }
        Collections.sort(expected);
        if (!seen.equals(expected)) {
            fail(call() + " ran its work on " + seen + "; it should be " + expected + ", one thread each.");
        }
    }

    /**
     * Waits until the caller stops to wait, with every worker still held, and fails if it returns instead.
     * A wait with a time limit is watched until it ends: if runAll then gives that worker up, the time
     * limit is the mistake.
     */
    void awaitCallerWaiting() {
        long deadline = System.nanoTime() + PATIENCE_NANOS;
        ThreadInfo first;
        while (true) {
            first = info(caller);
            if (first == null || !caller.isAlive()) {
                failReturnedEarly("");
            }
            Thread.State state = first.getThreadState();
            if (state == Thread.State.WAITING) {
                return;
            }
            String polling = polling(caller);
            if (polling != null) {
                fail("With every worker of " + call() + " still working, runAll was not waiting in join(): it"
                        + " was " + polling + ", polling for its workers to end. A poll sees an end only at its"
                        + " next look, and a count of live threads by name also counts every other thread whose"
                        + " name starts with the prefix, so one that is not a worker of this call keeps runAll"
                        + " waiting as long as it lives. Call join() on each thread runAll started: it returns"
                        + " the moment that thread has ended.");
            }
            String timedJoin = state == Thread.State.TIMED_WAITING ? timedJoin(caller) : null;
            if (timedJoin != null) {
                // join() with no limit waits in WAITING; TIMED_WAITING inside Thread.join is join(millis) or
                // join(Duration), which gives up when the time is up, and the work may take longer than that.
                String on = waitingFor(caller, workers());
                fail("With every worker of " + call() + " still working, runAll was waiting"
                        + (on.isEmpty() ? " in " + timedJoin : on) + " with a time limit: it was TIMED_WAITING,"
                        + " where a join() with no time limit is WAITING. A join with a time"
                        + " limit returns when the time is up, whether or not the worker has finished, and runAll"
                        + " must return only when every worker has finished, however long the work takes. Call"
                        + " join() with no time limit.");
            }
            if (state == Thread.State.TIMED_WAITING && first.getLockInfo() != null) {
                break;
            }
            if (System.nanoTime() > deadline) {
                return;   // still busy after the patience: not waiting, so nothing more to watch here
            }
            pause();
        }
        LockInfo lock = first.getLockInfo();
        long waits = first.getWaitedCount();
        long since = System.nanoTime();
        String on = waitingFor(caller, workers());
        while (System.nanoTime() - since < TIMED_WAIT_NANOS) {
            if (!caller.isAlive()) {
                failReturnedEarly(" It had waited" + on + " with a time limit, and returned "
                        + millis(System.nanoTime() - since) + " ms later.");
            }
            ThreadInfo now = info(caller);
            Thread.State s = now == null ? Thread.State.TERMINATED : now.getThreadState();
            if (now != null && now.getWaitedCount() > waits
                    && (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING)) {
                if (sameLock(now.getLockInfo(), lock)) {
                    return;   // a loop that waits again for the same thing: a time limit that is not given up on
                }
                Thread gaveUp = workerFor(lock);
                if (gaveUp != null) {
                    fail(call() + " waited" + on + " with a time limit, and "
                            + millis(System.nanoTime() - since) + " ms later went on to wait" + waitingFor(caller,
                            workers()) + " while " + gaveUp.getName() + " was still working. A join with a time"
                            + " limit returns when the time is up, finished or not; runAll must wait until every"
                            + " worker has finished, however long the work takes: join() with no time limit.");
                }
                return;
            }
            pause();
        }
    }

    /**
     * Interrupts the caller while it waits with every worker held, and checks that runAll ends by throwing
     * InterruptedException. It may stop its workers first; it may not return as if they had finished, nor go
     * on waiting for workers nobody has stopped.
     */
    void interruptCallerAndAwaitInterruptedException() {
        ThreadInfo before = info(caller);
        long waits = before == null ? 0 : before.getWaitedCount();
        String waitedOn = waitingFor(caller, workers());
        caller.interrupt();
        long deadline = System.nanoTime() + PATIENCE_NANOS;
        while (caller.isAlive()) {
            ThreadInfo now = info(caller);
            if (now != null && now.getWaitedCount() > waits && now.getLockInfo() != null && allStillHeld()) {
                fail(call() + " was interrupted while it waited" + waitedOn + ", and went on to wait"
                        + waitingFor(caller, workers()) + ", with every worker still working and none of them"
                        + " interrupted. An interrupt asks the thread to stop what it is waiting for: join()"
                        + " throws InterruptedException, and runAll, which declares it, should let it out rather"
                        + " than catch it and wait on.");
            }
            if (System.nanoTime() > deadline) {
                fail(call() + " was interrupted while it waited" + waitedOn + ", and " + seconds(PATIENCE_NANOS)
                        + " s later had neither thrown nor returned: it was " + caller.getState() + at(caller)
                        + ". Let the InterruptedException that join() throws out of runAll.");
            }
            pause();
        }
        if (thrown instanceof InterruptedException) {
            return;
        }
        List<String> working = new ArrayList<>();
        for (Held h : held) {
            if (h.left().getCount() > 0) {
                working.add(h.thread().getName());
            }
        }
        Collections.sort(working);
        String still = working.isEmpty() ? "" : ", while " + String.join(", ", working) + " "
                + (working.size() == 1 ? "was" : "were") + " still working";
        if (thrown != null) {
            fail(call() + " was interrupted while it waited" + waitedOn + ", and threw " + thrown + still
                    + ". runAll declares InterruptedException: let the one join() throws out as it is, so that"
                    + " the caller can tell it was interrupted.", thrown);
        }
        List<Result> got = returned == null ? List.of() : List.copyOf(returned);
        fail(call() + " was interrupted while it waited" + waitedOn + ", and returned " + sorted(got) + still
                + ". An interrupt is a request to stop waiting, and join() reports it by throwing"
                + " InterruptedException; caught and only noted with interrupt(), the next join() throws at"
                + " once too, and runAll returns as if the work were done. Let the InterruptedException out of"
                + " runAll, which declares it.");
    }

    /**
     * Whether every worker is still parked in the work, neither interrupted nor about to leave it. The flag is
     * read before the state: a worker whose flag the wait has already cleared is running, not waiting, until
     * it has left the work.
     */
    private boolean allStillHeld() {
        for (Held h : held) {
            boolean interrupted = h.thread().isInterrupted();
            Thread.State state = h.thread().getState();
            if (interrupted || state != Thread.State.WAITING || h.left().getCount() == 0) {
                return false;
            }
        }
        return held.size() == n;
    }

    /** Lets worker {@code k} (named prefix + k) finish, and checks that runAll did not return early. */
    void finish(int k) {
        Held h = heldNamed(prefix + k);
        String waitedOn = waitingFor(caller, workers());
        h.gate().countDown();
        finished.add(k);
        long deadline = System.nanoTime() + PATIENCE_NANOS;
        // The worker is done once it has left the work and either ended or gone back to waiting (in a pool).
        while (h.left().getCount() > 0 || isBusy(h.thread())) {
            if (System.nanoTime() > deadline) {
                break;
            }
            pause();
        }
        // Then the caller either goes on waiting for another worker, or returns.
        while (System.nanoTime() < deadline) {
            if (!caller.isAlive()) {
                if (finished.size() < n) {
                    failReturnedEarly(" It returned when " + h.thread().getName() + " finished"
                            + (waitedOn.isEmpty() ? "" : ", after it had waited" + waitedOn) + ".");
                }
                return;
            }
            // State and lock from one snapshot: a caller that is waking up has no lock any more.
            ThreadInfo now = info(caller);
            if (now != null && now.getLockInfo() != null && workerFor(now.getLockInfo()) != h.thread()) {
                return;
            }
            pause();
        }
    }

    void awaitReturned() throws InterruptedException {
        caller.join(TimeUnit.NANOSECONDS.toMillis(PATIENCE_NANOS));
        if (caller.isAlive()) {
            fail("Every worker of " + call() + " had finished, yet " + seconds(PATIENCE_NANOS) + " s later runAll"
                    + " had not returned: it was " + caller.getState() + at(caller) + ".");
        }
        if (thrown != null) {
            fail(call() + " threw " + thrown, thrown);
        }
    }

    void assertResultsAndNoneLeftAlive() {
        List<Result> expected = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            expected.add(new Result(prefix + (i + 1), inputs.get(i), inputs.get(i) * times));
        }
        List<Result> got = returned == null ? null : List.copyOf(returned);
        if (got == null || !sorted(got).equals(sorted(expected))) {
            fail(call() + " returned " + (got == null ? "null" : sorted(got)) + " after all its workers had"
                    + " finished; it should return, in any order, " + sorted(expected) + ".");
        }
        List<String> leftovers = new ArrayList<>();
        Set<Thread> seen = new HashSet<>();
        for (Held h : held) {
            if (h.thread().isAlive() && seen.add(h.thread())) {
                leftovers.add(describe(h.thread()));
            }
        }
        for (Thread t : livePlatformThreads(prefix)) {
            if (seen.add(t)) {
                leftovers.add(describe(t));
            }
        }
        if (!leftovers.isEmpty()) {
            fail("After " + call() + " returned, these threads of its were still alive: " + String.join("; ",
                    leftovers) + ". runAll is done only when its workers are: a thread started with start()"
                    + " ends when its task returns, and join() waits for that. Threads kept waiting for more"
                    + " work, as a pool's are, stay alive until the pool is shut down.");
        }
    }

    /** Lets every worker go and waits for runAll, so that a failed test leaves nothing running. */
    @Override
    public void close() throws InterruptedException {
        closed = true;
        for (Held h : held) {
            h.gate().countDown();
        }
        caller.join(TimeUnit.NANOSECONDS.toMillis(PATIENCE_NANOS));
    }

    private void failReturnedEarly(String how) {
        List<String> working = new ArrayList<>();
        for (Held h : held) {
            if (h.left().getCount() > 0) {
                working.add(h.thread().getName());
            }
        }
        Collections.sort(working);
        fail(call() + " returned while " + String.join(", ", working) + " " + (working.size() == 1 ? "was" : "were")
                + " still working." + how + " runAll must return only when every worker has finished: call"
                + " join() on every thread, after all of them have been started.");
    }

    private List<Thread> workers() {
        List<Thread> threads = new ArrayList<>();
        for (Held h : held) {
            threads.add(h.thread());
        }
        return threads;
    }

    private Held heldNamed(String name) {
        for (Held h : held) {
            if (h.thread().getName().equals(name)) {
                return h;
            }
        }
        throw new AssertionError("no worker named " + name);
    }

    /** The worker thread a lock is, if the caller waits on one: join() waits on the thread itself. */
    private Thread workerFor(LockInfo lock) {
        if (lock == null) {
            return null;
        }
        for (Held h : held) {
            if (sameObject(lock, h.thread())) {
                return h.thread();
            }
        }
        return null;
    }

    private String notStarted(List<String> working) {
        List<String> missing = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            if (!working.contains(prefix + i)) {
                missing.add(prefix + i);
            }
        }
        return String.join(", ", missing);
    }

    private static long seconds(long nanos) {
        return TimeUnit.NANOSECONDS.toSeconds(nanos);
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
