package dev.tutor.exercises.javaanswers;

import dev.tutor.exercises.javaanswers.VirtualFetcher.Result;
import dev.tutor.exercises.support.ExecutorThreads;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Test support for {@link VirtualFetcher}: a fetch that the test holds and answers by hand, and a watch over
 * one call of {@code fetchAll} that tells when the call has settled.
 *
 * <p>The fetch is the test's own, so it sees every call: which thread made it (virtual or not, and whether
 * it made another before), how many are in progress at once, whether it was interrupted. Each fetch waits
 * until the test answers its page, so "all at once" and "never more than the limit" are counts, not
 * timings. The call has <em>settled</em> when nothing can change without the test: the calling thread is
 * parked or done, and every carrier thread of the JDK's virtual-thread scheduler is idle, so that no virtual
 * thread is running or waiting to run; and the counts did not move between two looks. Then fewer fetches in
 * progress than required means the code will send no more until the test answers one.
 */
final class FetchBench implements VirtualFetcher.Fetch {

    /** What a page's fetch does when the test answers it. */
    enum Plan { OK, THROWS }

    private final String token;
    final List<URI> pages = new ArrayList<>();
    private final Map<URI, Integer> indexOf = new LinkedHashMap<>();
    private final List<Plan> plans = new ArrayList<>();
    private final List<Exception> errors = new ArrayList<>();
    private final List<CompletableFuture<Void>> answers = new ArrayList<>();

    // Written by the fetches without a lock: a virtual thread that blocked on a monitor here would wait for
    // the JDK's unblocker thread, unseen by the watch, and the call would look settled too early.
    private final AtomicIntegerArray calls;
    private final AtomicIntegerArray fetching;          // 1 while page i's fetch is in progress
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger most = new AtomicInteger();
    private final AtomicLong changes = new AtomicLong();
    private final ThreadLocal<Integer> fetchedBefore = new ThreadLocal<>();
    private final Queue<String> notVirtual = new ConcurrentLinkedQueue<>();
    private final Queue<String> reused = new ConcurrentLinkedQueue<>();
    private final Queue<Integer> interrupted = new ConcurrentLinkedQueue<>();
    private final Queue<Integer> startedAfterInterrupt = new ConcurrentLinkedQueue<>();
    private volatile boolean callerInterrupted;

    private final Queue<Thread> fetchThreads = new ConcurrentLinkedQueue<>();

    private final CompletableFuture<Void> stops = new CompletableFuture<>();
    private volatile CompletableFuture<Void> stopGate = stops;
    private final Thread caller;
    private volatile List<Integer> inProgressAtReturn = List.of();
    private volatile List<Result> result;
    private volatile Throwable thrown;
    private volatile boolean done;

    /** Pages with distinct addresses and the given plans; {@code fetchAll} is given {@code limit}. */
    FetchBench(List<Plan> plans, int limit, Random random) {
        this(plans, limit, random, false);
    }

    /**
     * The same, with {@code fetchAll} called from a virtual thread when {@code virtualCaller}: a fetch made on
     * that thread is virtual, yet still on the calling thread, which no fetch may use.
     */
    FetchBench(List<Plan> plans, int limit, Random random, boolean virtualCaller) {
        this.token = "run " + random.nextInt(1_000_000);
        int port = 1024 + random.nextInt(60_000);
        for (int i = 0; i < plans.size(); i++) {
            URI page = URI.create("http://127.0.0.1:" + port + "/page/" + i);
            pages.add(page);
            indexOf.put(page, i);
            this.plans.add(plans.get(i));
            errors.add(plans.get(i) == Plan.THROWS ? errorFor(i, random) : null);
            answers.add(new CompletableFuture<>());
        }
        calls = new AtomicIntegerArray(plans.size());
        fetching = new AtomicIntegerArray(plans.size());
        stops.complete(null);
        List<URI> given = List.copyOf(pages);
        Runnable call = () -> {
            try {
                result = VirtualFetcher.fetchAll(given, limit, this);
            } catch (Throwable t) {
                thrown = t;
            } finally {
                inProgressAtReturn = inProgress();
                done = true;
            }
        };
        caller = virtualCaller ? Thread.ofVirtual().name("fetchAll caller").unstarted(call)
                : Thread.ofPlatform().name("fetchAll caller").daemon(true).unstarted(call);
    }

    private Exception errorFor(int i, Random random) {
        String what = "page " + i + " (" + token + ")";
        return switch (random.nextInt(3)) {
            case 0 -> new IOException("connection reset by " + what);
            case 1 -> new UncheckedIOException("cannot read " + what, new IOException("broken pipe"));
            default -> new IllegalStateException("500 Internal Server Error from " + what);
        };
    }

    String body(int i) {
        return "body of page " + i + " (" + token + ")";
    }

    Exception error(int i) {
        return errors.get(i);
    }

    Plan plan(int i) {
        return plans.get(i);
    }

    void start() {
        caller.start();
    }

    // ---- the fetch ----

    @Override
    public String fetch(URI page) throws IOException {
        Integer index = indexOf.get(page);
        if (index == null) {
            throw new IOException("no such page: " + page);
        }
        int i = index;
        Thread thread = Thread.currentThread();
        calls.incrementAndGet(i);
        if (!thread.isVirtual() || thread == caller) {
            notVirtual.add("page " + i + " was fetched on " + describe(thread));
        }
        Integer before = fetchedBefore.get();
        if (before != null) {
            reused.add("page " + i + " was fetched on the thread that had fetched page " + before + " before");
        }
        fetchedBefore.set(i);
        fetchThreads.add(thread);
        if (callerInterrupted) {
            startedAfterInterrupt.add(i);
        }
        fetching.set(i, 1);
        most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        changes.incrementAndGet();
        try {
            answers.get(i).get();
        } catch (InterruptedException e) {
            interrupted.add(i);
            stopGate.join();   // a fetch takes a moment to stop, as long as the test likes
            throw new InterruptedIOException("the fetch of page " + i + " was interrupted");
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        } finally {
            fetching.set(i, 0);
            inFlight.decrementAndGet();
            changes.incrementAndGet();
        }
        if (plans.get(i) == Plan.THROWS) {
            Exception error = errors.get(i);
            if (error instanceof IOException io) {
                throw io;
            }
            throw (RuntimeException) error;
        }
        return body(i);
    }

    private String describe(Thread thread) {
        if (thread != caller) {
            return "\"" + thread.getName() + "\", a platform thread";
        }
        String kind = thread.isVirtual() ? "itself a virtual thread" : "a platform thread";
        return "the thread that called fetchAll, " + kind + (pages.size() == 1 ? ": a single page is no"
                + " exception, it too is fetched on a new virtual thread, never on the caller's"
                : ": the pages were fetched one after another");
    }

    // ---- what the test does ----

    /** Lets page i's fetch return (or throw, as its plan says), now or as soon as it is called. */
    void answer(int i) {
        answers.get(i).complete(null);
    }

    void answerAll() {
        answers.forEach(answer -> answer.complete(null));
    }

    /** From now on an interrupted fetch stops only when the test says so ({@link #letStop}). */
    void holdStops() {
        stopGate = new CompletableFuture<>();
    }

    void letStop() {
        stopGate.complete(null);
    }

    /**
     * The live threads of fetchAll's executor that have never called fetch: in a call that has settled with
     * the limit's fetches in progress, the threads still waiting for their turn. Empty when there are none
     * (the permits are taken on the calling thread, before each submit), or when the executor's threads cannot
     * be listed ({@link ExecutorThreads#unavailable()}).
     */
    List<Thread> threadsThatNeverFetched() {
        Thread fetcher = fetchThreads.peek();
        if (fetcher == null) {
            return List.of();
        }
        Set<Thread> fetched = new HashSet<>(fetchThreads);
        return ExecutorThreads.startedAlongside(fetcher).stream().filter(t -> !fetched.contains(t)).toList();
    }

    /**
     * The pages whose fetch was still in progress at the moment fetchAll returned or threw. (Whether their
     * threads were alive says less: close() returns once every task has ended, while a virtual thread may
     * take a few more microseconds to die.)
     */
    List<Integer> inProgressAtReturn() {
        return inProgressAtReturn;
    }

    void interruptCaller() {
        callerInterrupted = true;
        caller.interrupt();
    }

    /** The pages whose fetch is in progress, in page order. */
    List<Integer> inProgress() {
        List<Integer> pages = new ArrayList<>();
        for (int i = 0; i < fetching.length(); i++) {
            if (fetching.get(i) == 1) {
                pages.add(i);
            }
        }
        return pages;
    }

    int most() {
        return most.get();
    }

    int[] calls() {
        int[] copy = new int[calls.length()];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = calls.get(i);
        }
        return copy;
    }

    List<String> notVirtual() {
        return List.copyOf(notVirtual);
    }

    List<String> reused() {
        return List.copyOf(reused);
    }

    List<Integer> interrupted() {
        return interrupted.stream().sorted().toList();
    }

    List<Integer> startedAfterInterrupt() {
        return List.copyOf(startedAfterInterrupt);
    }

    private long changes() {
        return changes.get();
    }

    boolean isDone() {
        return done && !caller.isAlive();
    }

    List<Result> result() {
        return result;
    }

    Throwable thrown() {
        return thrown;
    }

    // ---- settling ----

    /** What was seen when the call settled. */
    record Settled(List<Integer> inProgress, boolean callerDone, String callerWaitsIn) {
    }

    /**
     * Waits until the call has settled (see the class comment). Fails when it never does: something keeps
     * running without the test.
     */
    Settled awaitSettled() {
        long start = System.nanoTime();
        long lastChanges = -1;
        int quietLooks = 0;
        while (true) {
            long before = changes();
            boolean quiet = callerQuiet() && carriersIdle();
            long after = changes();
            quietLooks = quiet && before == after && after == lastChanges ? quietLooks + 1 : 0;
            lastChanges = after;
            if (quietLooks >= 2) {
                boolean callerDone = isDone();
                return new Settled(inProgress(), callerDone, callerDone ? "" : waitsIn(caller.getStackTrace()));
            }
            if (System.nanoTime() - start > TimeUnit.SECONDS.toNanos(4)) {
                throw new AssertionError("The call of fetchAll never settled: after 4 s, with fetches of pages "
                        + inProgress() + " in progress, the calling thread was " + caller.getState() + " at "
                        + waitsIn(caller.getStackTrace()) + " and the virtual threads were still busy.");
            }
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(300));
        }
    }

    /**
     * Waits up to half a second for more than {@code count} fetches to be in progress: a virtual thread that
     * has just been unparked may not have been seen running yet. Only code that keeps fewer in progress
     * pays the wait.
     */
    boolean moreThanArrive(int count) {
        return within(TimeUnit.MILLISECONDS.toNanos(500), () -> inProgress().size() > count);
    }

    /**
     * Waits up to 2 s for the fetches of {@code pages} to have seen an interrupt. The settled look cannot see a
     * virtual thread that an interrupt has woken but no carrier has picked up yet (on a crowded machine that
     * takes a while); only code that never interrupts them pays the wait.
     */
    boolean interruptsArrive(List<Integer> pages) {
        return within(TimeUnit.SECONDS.toNanos(2), () -> interrupted.containsAll(pages));
    }

    /** Waits up to 2 s for a caller that looked settled with nothing in progress to return. */
    boolean comesBack() {
        return within(TimeUnit.SECONDS.toNanos(2), this::isDone);
    }

    /** Looks at {@code seen} every 0.2 ms until it holds or {@code nanos} have passed; says whether it holds. */
    private static boolean within(long nanos, java.util.function.BooleanSupplier seen) {
        long deadline = System.nanoTime() + nanos;
        while (!seen.getAsBoolean() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
        }
        return seen.getAsBoolean();
    }

    private boolean callerQuiet() {
        if (isDone()) {
            return true;
        }
        Thread.State state = caller.getState();
        return state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING
                || state == Thread.State.TERMINATED;
    }

    /**
     * True if no carrier thread of the virtual-thread scheduler is running anything, and nothing waits in the
     * scheduler's queues: a virtual thread that has been unparked (by an interrupt, or by a permit given back)
     * waits there until a carrier picks it up, and on a busy machine the carrier that was woken for it may
     * still look idle for a while.
     */
    private static boolean carriersIdle() {
        for (Map.Entry<Thread, StackTraceElement[]> entry : Thread.getAllStackTraces().entrySet()) {
            Thread thread = entry.getKey();
            ThreadGroup group = thread.getThreadGroup();
            boolean carrier = thread.getClass().getName().equals("jdk.internal.misc.CarrierThread")
                    || (group != null && group.getName().equals("CarrierThreads"));
            if (!carrier) {
                continue;
            }
            Thread.State state = thread.getState();
            if (state != Thread.State.WAITING && state != Thread.State.TIMED_WAITING) {
                return false;
            }
            if (thread instanceof ForkJoinWorkerThread worker && (worker.getPool().getQueuedTaskCount() > 0
                    || worker.getPool().getQueuedSubmissionCount() > 0)) {
                return false;
            }
        }
        return true;
    }

    /** The first frame of the caller's stack outside the JDK's locks, for messages. */
    static String waitsIn(StackTraceElement[] stack) {
        String waits = "";
        for (StackTraceElement frame : stack) {
            String name = frame.getClassName();
            if (name.equals(VirtualFetcher.class.getName())) {
                return (waits.isEmpty() ? "" : waits + ", called from ") + "VirtualFetcher." + frame.getMethodName()
                        + "() at line " + frame.getLineNumber();
            }
            if ((name.startsWith("java.util.concurrent.") && !name.contains(".locks.") && !name.contains("$"))
                    || name.equals("java.lang.Thread")) {
                waits = name.substring(name.lastIndexOf('.') + 1) + "." + frame.getMethodName() + "()";
            }
        }
        return waits.isEmpty() && stack.length > 0 ? String.valueOf(stack[0]) : waits;
    }

    /**
     * Answers everything, so that no thread waits for a test that is over, and interrupts a caller still
     * waiting: a wrong answer may wait for ever (a permit never given back), and a right one stops at once.
     */
    void close() {
        answerAll();
        letStop();
        caller.interrupt();
        try {
            caller.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
