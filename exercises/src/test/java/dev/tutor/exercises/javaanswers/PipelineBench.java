package dev.tutor.exercises.javaanswers;

import dev.tutor.exercises.javaanswers.PagePipeline.Outcome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Test support for {@link PagePipeline}: stages, an executor and a timer that the test drives by hand, so that
 * every fetch completes, every CPU task runs and every timer fires when the test says, in an order it picks,
 * and no test ever sleeps or waits out a clock.
 *
 * <p>Everything the pipeline is given to run, runs on one thread of the bench's own, the "pipeline thread":
 * the call of {@code summariseAll}, each completion of a fetch, each task handed to the executor, each timer.
 * The test hands it one job at a time and watches it: a job that parks the thread (a {@code join()} or
 * {@code get()} on a future that only a later job would complete) can never finish, and is reported at once,
 * with where it waits. The executor marks the tasks it runs, so {@code parse} and {@code summarise} know
 * whether they were called inside one of its tasks or somewhere else (on the thread that completed a fetch,
 * on the calling thread, in the common pool).
 */
final class PipelineBench implements AutoCloseable {

    /** What one page's stages do. */
    enum Plan {
        /** The body comes later, when the test completes the fetch's future. */
        OK_HELD("its fetch's future completed later with the body"),
        /** fetch returns a future that is already complete. */
        OK_DONE("its fetch returned a future that was already complete"),
        FETCH_THROWS("its fetch threw %s instead of returning a future"),
        FETCH_FAILED("its fetch returned a future that had already failed with %s"),
        FETCH_FAILS_LATER("its fetch's future failed later with %s"),
        /** A CompletionException of the fetch's own, without a cause: get() reports it as it is. */
        FETCH_FAILS_BARE("its fetch's future failed later with %s, a CompletionException of its own without a cause"),
        FETCH_NULL("its fetch returned null instead of a future"),
        PARSE_THROWS("its parse threw %s"),
        SUMMARISE_THROWS("its summarise threw %s"),
        BODY_NULL("its fetch's future completed with a body of null"),
        PARSE_NULL("its parse returned null"),
        SUMMARY_NULL("its summarise returned null");

        private final String text;

        Plan(String text) {
            this.text = text;
        }

        boolean failsFetch() {
            return this == FETCH_THROWS || this == FETCH_FAILED || this == FETCH_FAILS_LATER || this == FETCH_NULL;
        }

        boolean failsAtAll() {
            return failsFetch() || this == FETCH_FAILS_BARE || this == PARSE_THROWS || this == SUMMARISE_THROWS;
        }

        boolean heldFetch() {
            return !(this == OK_DONE || this == FETCH_THROWS || this == FETCH_FAILED || this == FETCH_NULL);
        }
    }

    private final String token;
    final List<URI> pages = new ArrayList<>();
    final List<Plan> plans = new ArrayList<>();
    private final List<Throwable> errors = new ArrayList<>();
    private final Map<String, Integer> pageOfBody = new HashMap<>();
    private final Map<String, Integer> pageOfParsed = new HashMap<>();
    final Duration limit;

    // written by the stages, from whatever thread calls them
    private final List<URI> fetchCalls = new ArrayList<>();
    private final Map<Integer, CompletableFuture<String>> heldFetches = new LinkedHashMap<>();
    private final List<Duration> timerDelays = new ArrayList<>();
    private final List<CompletableFuture<Void>> timers = new ArrayList<>();
    private final List<Runnable> cpuQueue = new ArrayList<>();
    private final int[] parseCalls;
    /** parse(null) calls: a body of null is parsed like any other, and what it gives is a page's own. */
    private int nullParses;
    private final int[] summariseCalls;
    private final boolean[] decided;
    private final int[] parseTask;
    private final int[] summariseTask;
    private final Map<URI, Integer> releases = new LinkedHashMap<>();
    private final boolean[] timerFired;
    /** Pages still unreleased when the job that gave them their outcome ended, in the order seen. */
    private final List<LateRelease> lateReleases = new ArrayList<>();
    private final List<String> offCpu = new ArrayList<>();
    private final List<String> fetchesOutsideTheCall = new ArrayList<>();

    // the pipeline thread and what it is doing
    private final Thread worker;
    private final LinkedBlockingQueue<FutureTask<?>> jobs = new LinkedBlockingQueue<>();
    private volatile String doing = "";
    private volatile boolean inJob;
    private volatile boolean inCpuTask;
    /** Which task of cpu is running (1 for the first the test ran), 0 outside them. */
    private volatile int cpuTask;
    private int cpuTasksRun;
    /** Whether parse or summarise has run inside the task of cpu that is running. */
    private boolean stageInTask;
    /** Whether release has run inside the task of cpu that is running. */
    private boolean releaseInTask;
    /**
     * The tasks of cpu in which neither parse nor summarise ran, each as the step that handed it to cpu, in the
     * order run; but not a whenCompleteAsync step that released a page, which the release test reports.
     */
    private final List<String> tasksWithoutAStage = new ArrayList<>();
    private volatile boolean inCall;

    CompletableFuture<List<Outcome>> result;
    private Map<URI, Integer> releasesAtCompletion;

    PipelineBench(List<Plan> plans, Random random) {
        this.token = "run " + random.nextInt(1_000_000);
        this.limit = Duration.ofMillis(1 + random.nextInt(600_000));
        int n = plans.size();
        for (int i = 0; i < n; i++) {
            URI page = URI.create("http://127.0.0.1:" + (1024 + random.nextInt(60_000)) + "/page/" + i);
            if (i > 0 && random.nextInt(4) == 0) {
                page = pages.get(random.nextInt(i)); // the same address twice is two pages
            }
            pages.add(page);
            this.plans.add(plans.get(i));
            errors.add(errorFor(plans.get(i), i, random));
            pageOfBody.put(body(i), i);
            pageOfParsed.put(parsed(i), i);
        }
        giveOneFailureACause(random);
        parseCalls = new int[n];
        summariseCalls = new int[n];
        decided = new boolean[n];
        parseTask = new int[n];
        summariseTask = new int[n];
        timerFired = new boolean[n];
        worker = new Thread(this::work, "pipeline thread");
        worker.setDaemon(true);
        worker.start();
    }

    String body(int i) {
        return "body of page " + i + " (" + token + ")";
    }

    String parsed(int i) {
        return "parsed " + body(i);
    }

    String summary(int i) {
        return "summary of " + parsed(i);
    }

    /** What parse(null) returns: not null, so that a page whose parse was skipped shows in its outcome. */
    String parsedNothing() {
        return "parsed nothing (" + token + ")";
    }

    /** What summarise returns for {@link #parsedNothing()}. */
    String summaryOfNothing() {
        return "summary of " + parsedNothing();
    }

    Throwable error(int i) {
        return errors.get(i);
    }

    /** What page i's stages do, for messages. */
    String planText(int i) {
        Plan plan = plans.get(i);
        return "page " + i + " (" + pages.get(i) + "): " + String.format(plan.text, errors.get(i));
    }

    private String allPlans() {
        List<String> all = new ArrayList<>();
        for (int i = 0; i < plans.size(); i++) {
            all.add(planText(i));
        }
        return String.join("; ", all);
    }

    /**
     * Where pages fail and none of their exceptions has a cause of its own, gives one of them, drawn from the
     * seed, the kind that has one: the exception a page fails with is that exception, not its cause, and an
     * answer that unwraps too far is seen only where there is a cause to unwrap to. Left to chance, one run in
     * ten of the failure test had none.
     */
    private void giveOneFailureACause(Random random) {
        if (errors.stream().anyMatch(error -> error != null && error.getCause() != null)) {
            return;
        }
        List<Integer> couldHaveOne = new ArrayList<>();
        for (int i = 0; i < plans.size(); i++) {
            if (causedErrorFor(plans.get(i), i) != null) {
                couldHaveOne.add(i);
            }
        }
        if (!couldHaveOne.isEmpty()) {
            int i = couldHaveOne.get(random.nextInt(couldHaveOne.size()));
            errors.set(i, causedErrorFor(plans.get(i), i));
        }
    }

    private Throwable errorFor(Plan plan, int i, Random random) {
        String what = "page " + i + " (" + token + ")";
        return switch (plan) {
            case FETCH_THROWS -> random.nextBoolean() ? new IllegalArgumentException("no route to " + what)
                    : causedErrorFor(plan, i);
            case FETCH_FAILED, FETCH_FAILS_LATER -> switch (random.nextInt(3)) {
                case 0 -> new IOException("connection reset by " + what);
                case 1 -> causedErrorFor(plan, i);
                default -> new IllegalStateException("500 Internal Server Error from " + what);
            };
            case PARSE_THROWS, SUMMARISE_THROWS -> switch (random.nextInt(3)) {
                case 0 -> new IllegalStateException(what + " is not HTML");
                case 1 -> causedErrorFor(plan, i);
                default -> new ArithmeticException("/ by zero while reading " + what);
            };
            case FETCH_FAILS_BARE -> new CompletionException("the connection pool for " + what + " was shut down", null);
            case FETCH_NULL -> new NullPointerException();
            default -> null;
        };
    }

    /** The failure of {@code plan} whose exception has a cause of its own; null for a plan without one. */
    private Throwable causedErrorFor(Plan plan, int i) {
        String what = "page " + i + " (" + token + ")";
        return switch (plan) {
            case FETCH_THROWS -> new UncheckedIOException("cannot connect to " + what,
                    new IOException("connection refused"));
            case FETCH_FAILED, FETCH_FAILS_LATER -> new UncheckedIOException("read failed for " + what,
                    new IOException("broken pipe"));
            case PARSE_THROWS, SUMMARISE_THROWS -> new UncheckedIOException("bad encoding in " + what,
                    new IOException("malformed input"));
            default -> null;
        };
    }

    // ---- what the pipeline is given ----

    final PagePipeline.Stages stages = new PagePipeline.Stages() {
        @Override
        public CompletableFuture<String> fetch(URI page) {
            int i;
            synchronized (PipelineBench.this) {
                i = fetchCalls.size();
                fetchCalls.add(page);
                if (!(inCall && Thread.currentThread() == worker)) {
                    fetchesOutsideTheCall.add("fetch(" + page + ") was called " + where() + ", not by summariseAll"
                            + " itself");
                }
                if (i >= plans.size()) {
                    return new CompletableFuture<>(); // more fetches than pages: reported from fetchCalls
                }
            }
            Plan plan = plans.get(i);
            switch (plan) {
                case FETCH_THROWS:
                    decide(i);
                    throw (RuntimeException) errors.get(i);
                case FETCH_NULL:
                    decide(i);
                    return null;
                case FETCH_FAILED:
                    decide(i);
                    return CompletableFuture.failedFuture(errors.get(i));
                case OK_DONE:
                    return CompletableFuture.completedFuture(body(i));
                default:
                    CompletableFuture<String> held = new CompletableFuture<>();
                    synchronized (PipelineBench.this) {
                        heldFetches.put(i, held);
                    }
                    return held;
            }
        }

        @Override
        public String parse(String body) {
            Integer i = body == null ? null : pageOfBody.get(body);
            checkOnCpu("parse(" + (i == null ? String.valueOf(body) : "page " + i + "'s body") + ")");
            if (body == null) {
                synchronized (PipelineBench.this) {
                    nullParses++;
                }
                return parsedNothing();
            }
            if (i == null) {
                return "parsed " + body;
            }
            synchronized (PipelineBench.this) {
                parseCalls[i]++;
                parseTask[i] = inCpuTask && Thread.currentThread() == worker ? cpuTask : 0;
            }
            switch (plans.get(i)) {
                case PARSE_THROWS:
                    decide(i);
                    throw (RuntimeException) errors.get(i);
                case PARSE_NULL:
                    return null;
                default:
                    return parsed(i);
            }
        }

        @Override
        public String summarise(String parsed) {
            Integer i = parsed == null ? null : pageOfParsed.get(parsed);
            checkOnCpu("summarise(" + (i == null ? String.valueOf(parsed) : "page " + i + "'s parsed body") + ")");
            if (i == null) {
                return parsed == null ? null : "summary of " + parsed;
            }
            synchronized (PipelineBench.this) {
                summariseCalls[i]++;
                summariseTask[i] = inCpuTask && Thread.currentThread() == worker ? cpuTask : 0;
            }
            decide(i);
            switch (plans.get(i)) {
                case SUMMARISE_THROWS:
                    throw (RuntimeException) errors.get(i);
                case SUMMARY_NULL:
                    return null;
                default:
                    return summary(i);
            }
        }

        @Override
        public void release(URI page) {
            synchronized (PipelineBench.this) {
                releases.merge(page, 1, Integer::sum);
                boolean inTask = inCpuTask && Thread.currentThread() == worker;
                releaseInTask |= inTask;
                String how = inTask ? "in a task of cpu (the " + ordinal(cpuTask) + " the test ran)" : where();
                for (LateRelease late : lateReleases) {
                    if (late.releasedLater == null && pages.get(late.page).equals(page)) {
                        late.releasedLater = how;
                        break;
                    }
                }
            }
        }
    };

    final Executor cpu = task -> {
        synchronized (PipelineBench.this) {
            cpuQueue.add(task);
        }
    };

    final PagePipeline.Timer timer = delay -> {
        CompletableFuture<Void> due = new CompletableFuture<>();
        synchronized (PipelineBench.this) {
            timerDelays.add(delay);
            timers.add(due);
        }
        return due;
    };

    private synchronized void decide(int i) {
        decided[i] = true;
    }

    synchronized boolean decided(int i) {
        return decided[i];
    }

    private void checkOnCpu(String call) {
        if (Thread.currentThread() == worker && inCpuTask) {
            synchronized (this) {
                stageInTask = true;
            }
            return;
        }
        synchronized (this) {
            offCpu.add(call + " ran " + where());
        }
    }

    private String where() {
        Thread thread = Thread.currentThread();
        if (thread == worker) {
            return "on the thread that was " + doing;
        }
        return "on thread \"" + thread.getName() + "\"" + (thread.getName().contains("commonPool")
                ? " of ForkJoinPool.commonPool(), where the ...Async methods without an executor run" : "");
    }

    // ---- what the test does, each as a job on the pipeline thread ----

    /** Calls summariseAll; attaches a watch that counts the releases at the moment its future completes. */
    void call() {
        run("calling summariseAll", () -> {
            inCall = true;
            try {
                result = PagePipeline.summariseAll(List.copyOf(pages), stages, cpu, timer, limit);
            } catch (RuntimeException e) {
                throw new AssertionError("summariseAll(" + pages.size() + " pages) threw " + e + ". The pages: "
                        + allPlans() + ". A stage's failure, a fetch that throws or returns null included, is its"
                        + " page's Failed outcome; summariseAll itself returns a future, whatever the stages do.", e);
            } finally {
                inCall = false;
            }
            if (result != null) {
                result.whenComplete((outcomes, failure) -> {
                    synchronized (PipelineBench.this) {
                        releasesAtCompletion = new LinkedHashMap<>(releases);
                    }
                });
            }
            return null;
        });
    }

    /** Completes page i's held fetch as its plan says. */
    void completeFetch(int i) {
        CompletableFuture<String> held;
        synchronized (this) {
            held = heldFetches.remove(i);
        }
        if (held == null) {
            return;
        }
        Plan plan = plans.get(i);
        run("completing the fetch of page " + i, () -> {
            if (plan == Plan.FETCH_FAILS_LATER || plan == Plan.FETCH_FAILS_BARE) {
                decide(i);
                held.completeExceptionally(errors.get(i));
            } else {
                held.complete(plan == Plan.BODY_NULL ? null : body(i));
            }
            return null;
        });
    }

    synchronized boolean fetchHeld(int i) {
        return heldFetches.containsKey(i);
    }

    synchronized List<Integer> heldFetches() {
        return List.copyOf(heldFetches.keySet());
    }

    synchronized int queuedTasks() {
        return cpuQueue.size();
    }

    /** Runs the queued CPU task at {@code index} as a task of the executor. */
    void runTask(int index) {
        Runnable task;
        synchronized (this) {
            task = cpuQueue.remove(index);
        }
        run("running a task of cpu", () -> {
            synchronized (PipelineBench.this) {
                cpuTask = ++cpuTasksRun;
                stageInTask = false;
                releaseInTask = false;
            }
            inCpuTask = true;
            try {
                task.run();
            } finally {
                inCpuTask = false;
                synchronized (PipelineBench.this) {
                    String step = stepOf(task);
                    if (!stageInTask && !(releaseInTask && step.contains("whenCompleteAsync"))) {
                        tasksWithoutAStage.add(step);
                    }
                }
                cpuTask = 0;
            }
            return null;
        });
    }

    /**
     * The step that handed {@code task} to cpu, as the learner wrote it: a {@code CompletableFuture} hands the
     * executor the step itself, whose class names it ({@code UniHandle} for {@code handleAsync}).
     */
    private static String stepOf(Runnable task) {
        String name = task.getClass().getName();
        if (!name.startsWith(CompletableFuture.class.getName() + "$")) {
            return "a task of the pipeline's own (" + name.substring(name.lastIndexOf('.') + 1) + ")";
        }
        String step = switch (name.substring(name.indexOf('$') + 1)) {
            case "UniApply" -> "thenApplyAsync";
            case "UniAccept" -> "thenAcceptAsync";
            case "UniRun" -> "thenRunAsync";
            case "UniHandle" -> "handleAsync";
            case "UniWhenComplete" -> "whenCompleteAsync";
            case "UniCompose" -> "thenComposeAsync";
            case "UniExceptionally" -> "exceptionallyAsync";
            case "UniComposeExceptionally" -> "exceptionallyComposeAsync";
            case "OrApply" -> "applyToEitherAsync";
            case "OrAccept" -> "acceptEitherAsync";
            case "OrRun" -> "runAfterEitherAsync";
            case "BiApply" -> "thenCombineAsync";
            case "BiAccept" -> "thenAcceptBothAsync";
            case "BiRun" -> "runAfterBothAsync";
            case "AsyncSupply" -> "supplyAsync";
            case "AsyncRun" -> "runAsync";
            default -> null;
        };
        return step == null ? "a step of a CompletableFuture"
                : (step.startsWith("a") || step.startsWith("e") ? "an " : "a ") + step + "(..., cpu) step";
    }

    /** The tasks of cpu run so far in which neither parse nor summarise ran, each as its step (see the field). */
    synchronized List<String> tasksWithoutAStage() {
        return List.copyOf(tasksWithoutAStage);
    }

    /** How many tasks of cpu the test has run. */
    synchronized int tasksRun() {
        return cpuTasksRun;
    }

    /** Runs queued tasks, in random order, until none is left. */
    void runAllTasks(Random random) {
        while (queuedTasks() > 0) {
            runTask(random.nextInt(queuedTasks()));
        }
    }

    /** Completes the timer of page i (the i-th call of timer.after), if it was started. */
    void fireTimer(int i) {
        CompletableFuture<Void> due;
        synchronized (this) {
            due = i < timers.size() ? timers.get(i) : null;
        }
        if (due != null) {
            run("firing the timer of page " + i, () -> {
                synchronized (PipelineBench.this) {
                    timerFired[i] = true;
                }
                return due.complete(null);
            });
        }
    }

    synchronized List<URI> fetchCalls() {
        return List.copyOf(fetchCalls);
    }

    synchronized List<Duration> timerDelays() {
        return List.copyOf(timerDelays);
    }

    synchronized List<String> offCpu() {
        return List.copyOf(offCpu);
    }

    synchronized List<String> fetchesOutsideTheCall() {
        return List.copyOf(fetchesOutsideTheCall);
    }

    synchronized int parseCalls(int i) {
        return parseCalls[i];
    }

    /** How many times parse was given a body of null. */
    synchronized int nullParses() {
        return nullParses;
    }

    /**
     * The number of the task of cpu in which page i's parse last ran, and the one in which its summarise last
     * ran (0 when it ran outside the tasks, or not at all).
     */
    synchronized int parseTask(int i) {
        return parseTask[i];
    }

    synchronized int summariseTask(int i) {
        return summariseTask[i];
    }

    synchronized int summariseCalls(int i) {
        return summariseCalls[i];
    }

    synchronized Map<URI, Integer> releases() {
        return new LinkedHashMap<>(releases);
    }

    synchronized Map<URI, Integer> releasesAtCompletion() {
        return releasesAtCompletion == null ? null : new LinkedHashMap<>(releasesAtCompletion);
    }

    /**
     * A page whose outcome was known when a job of the test ended, but which had not been released by then:
     * {@code job} is what the test was doing, {@code releasedLater} where release was called afterwards
     * (null while it has not been).
     */
    static final class LateRelease {
        final int page;
        final String job;
        volatile String releasedLater;

        LateRelease(int page, String job) {
            this.page = page;
            this.job = job;
        }
    }

    /**
     * Notes, once a job has ended, each page whose outcome is known (its stages decided it, or its timer
     * fired) and that has not been released yet. Every step that decides a page (a fetch completing, a task
     * of cpu, a timer firing) is one job, and the steps a right answer attaches after it (handle,
     * applyToEither, whenComplete) run inside that same job; so a page known and unreleased at the end of a
     * job is one whose release waits for something else, such as a task of cpu of its own.
     */
    private synchronized void noteLateReleases(String job) {
        Map<URI, Integer> known = new LinkedHashMap<>();
        Map<URI, List<Integer>> knownPages = new LinkedHashMap<>();
        for (int i = 0; i < pages.size(); i++) {
            if (decided[i] || timerFired[i]) {
                known.merge(pages.get(i), 1, Integer::sum);
                knownPages.computeIfAbsent(pages.get(i), page -> new ArrayList<>()).add(i);
            }
        }
        for (Map.Entry<URI, Integer> entry : known.entrySet()) {
            int missing = entry.getValue() - releases.getOrDefault(entry.getKey(), 0);
            // pages of one address are told apart by when they became known: the first ones count as the late ones
            for (int i : knownPages.get(entry.getKey())) {
                if (missing-- <= 0) {
                    break;
                }
                int page = i;
                if (lateReleases.stream().noneMatch(late -> late.page == page)) {
                    lateReleases.add(new LateRelease(i, job));
                }
            }
        }
    }

    synchronized List<LateRelease> lateReleases() {
        return List.copyOf(lateReleases);
    }

    static String ordinal(int k) {
        int lastTwo = k % 100;
        String suffix = lastTwo >= 11 && lastTwo <= 13 ? "th" : switch (k % 10) {
            case 1 -> "st";
            case 2 -> "nd";
            case 3 -> "rd";
            default -> "th";
        };
        return k + suffix;
    }

    /** How many times each address is in the list of pages. */
    Map<URI, Integer> pagesPerAddress() {
        Map<URI, Integer> count = new LinkedHashMap<>();
        pages.forEach(page -> count.merge(page, 1, Integer::sum));
        return count;
    }

    // ---- the pipeline thread ----

    private void work() {
        try {
            while (true) {
                jobs.take().run();
            }
        } catch (InterruptedException e) {
            // the bench is closed
        }
    }

    /**
     * Runs {@code body} on the pipeline thread and returns once it has finished. Fails at once if the thread
     * parks inside the job: nothing but a later job could wake it, and the test gives none while it waits.
     */
    private <T> T run(String what, Callable<T> body) {
        FutureTask<T> job = new FutureTask<>(() -> {
            inJob = true;
            try {
                return body.call();
            } finally {
                inJob = false;
            }
        });
        doing = what;
        jobs.add(job);
        long start = System.nanoTime();
        int parkedLooks = 0;
        while (true) {
            try {
                T value = job.get(200, TimeUnit.MICROSECONDS);
                noteLateReleases(what);
                return value;
            } catch (ExecutionException e) {
                Throwable thrown = e.getCause();
                if (thrown instanceof RuntimeException runtime) {
                    throw runtime;
                }
                if (thrown instanceof Error error) {
                    throw error;
                }
                throw new IllegalStateException(thrown);
            } catch (TimeoutException e) {
                Thread.State state = worker.getState();
                boolean parked = state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING
                        || state == Thread.State.BLOCKED;
                parkedLooks = inJob && parked ? parkedLooks + 1 : 0;
                if (parkedLooks >= 5) {
                    throw new AssertionError("While " + what + ", the thread doing it stopped and waited in "
                            + waitsIn(worker.getStackTrace()) + ". Nothing in the pipeline may wait for a future:"
                            + " the test completes fetches, runs cpu's tasks and fires timers one at a time, on"
                            + " that one thread, so a join() or get() there waits for something that can only"
                            + " happen after it returns. Attach the next step to the future instead (thenApplyAsync,"
                            + " handle, allOf), and let summariseAll return at once.");
                }
                if (System.nanoTime() - start > TimeUnit.SECONDS.toNanos(4)) {
                    throw new AssertionError("While " + what + ", the thread doing it was still busy after 4 s, at "
                            + waitsIn(worker.getStackTrace()) + ".");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
        }
    }

    private static String waitsIn(StackTraceElement[] stack) {
        String waits = "";
        for (StackTraceElement frame : stack) {
            String name = frame.getClassName();
            if (name.startsWith(PagePipeline.class.getName())) {
                return (waits.isEmpty() ? "" : waits + ", called from ") + name.substring(name.lastIndexOf('.') + 1)
                        + "." + frame.getMethodName() + "() at line " + frame.getLineNumber();
            }
            if (name.startsWith("java.util.concurrent.") && !name.contains(".locks.") && !name.contains("$")
                    && !name.contains("ForkJoinPool")) {
                waits = name.substring(name.lastIndexOf('.') + 1) + "." + frame.getMethodName() + "()";
            }
        }
        return waits.isEmpty() && stack.length > 0 ? String.valueOf(stack[0]) : waits;
    }

    /** Lets a pipeline stuck in a wait go, and stops the pipeline thread. */
    @Override
    public void close() {
        List<CompletableFuture<String>> held;
        List<CompletableFuture<Void>> due;
        synchronized (this) {
            held = new ArrayList<>(heldFetches.values());
            due = new ArrayList<>(timers);
            heldFetches.clear();
        }
        held.forEach(f -> f.complete(null));
        due.forEach(f -> f.complete(null));
        worker.interrupt();
    }
}
