package dev.tutor.exercises.javaanswers;

import static org.junit.jupiter.api.Assertions.fail;

import dev.tutor.exercises.javaanswers.PagePipeline.Failed;
import dev.tutor.exercises.javaanswers.PagePipeline.Outcome;
import dev.tutor.exercises.javaanswers.PagePipeline.Summary;
import dev.tutor.exercises.javaanswers.PagePipeline.TimedOut;
import dev.tutor.exercises.javaanswers.PipelineBench.Plan;
import dev.tutor.exercises.javaanswers.ReleaseBench.Ending;
import dev.tutor.exercises.support.CompiledNest;
import dev.tutor.exercises.support.Seeded;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CompletionException;
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
 * Grades {@link PagePipeline}: one chain per page with parse and summarise as tasks of the executor given, and
 * nothing that waits (hint 1); every failure reported as its page's outcome with the stage's own exception,
 * and null taken as a value (hint 2); the time-out from the timer given and never from the JDK's clock, and
 * every page released once, before the returned future completes (hint 3).
 *
 * <p>Every test drives the pipeline by hand through a {@link PipelineBench}: it completes the fetches, runs
 * the executor's tasks and fires the timers itself, one at a time and in an order drawn from the run's seed,
 * on one thread that it watches. So which thread ran a stage is seen, not guessed; a pipeline that waits is
 * caught the moment it waits; and time-outs cost no time. The pages, their number, which stage fails with
 * which exception, and the limit all come from the seed. The last test ends each page on a thread of its own
 * and holds its release there ({@link ReleaseBench}), to see whether the returned future waits for it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 10, unit = TimeUnit.SECONDS)
@ExtendWith(Seeded.class)
class PagePipelineTest {

    private final List<AutoCloseable> benches = new ArrayList<>();

    @AfterEach
    void closeBenches() throws Exception {
        for (AutoCloseable bench : benches) {
            bench.close();
        }
    }

    private PipelineBench bench(List<Plan> plans, Random random) {
        PipelineBench bench = new PipelineBench(plans, random);
        benches.add(bench);
        return bench;
    }

    // ---- one chain per page, CPU steps on cpu: hint 1 ----

    @Test
    @Order(1)
    @Tag("hint:1")
    void summarisesEveryPageWithParseAndSummariseAsTasksOfCpu(Random random) {
        PipelineBench empty = bench(List.of(), random);
        empty.call();
        if (empty.result == null || !empty.result.isDone() || empty.result.isCompletedExceptionally()
                || !Objects.equals(empty.result.getNow(null), List.of())) {
            fail("summariseAll of no pages returned " + describe(empty.result) + "; it must return a future that is"
                    + " already complete with an empty list.");
        }

        int n = 2 + random.nextInt(7);
        List<Plan> plans = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            plans.add(random.nextInt(3) == 0 ? Plan.OK_DONE : Plan.OK_HELD);
        }
        // every seed meets a fetch already complete when it returns and one still pending
        int done = random.nextInt(n);
        plans.set(done, Plan.OK_DONE);
        plans.set((done + 1 + random.nextInt(n - 1)) % n, Plan.OK_HELD);
        PipelineBench bench = bench(plans, random);
        bench.call();
        checkEveryFetchStartedByTheCall(bench);
        // Every task queued so far runs while the held fetches are still pending: a task that waits for one of
        // them is caught here, on every seed.
        bench.runAllTasks(random);
        driveToTheEnd(bench, random);
        checkStagesOnCpu(bench);
        for (int i = 0; i < n; i++) {
            if (bench.parseCalls(i) != 1 || bench.summariseCalls(i) != 1) {
                fail("For page " + i + ", parse was called " + bench.parseCalls(i) + " time(s) and summarise "
                        + bench.summariseCalls(i) + " time(s); each runs once per page.");
            }
        }
        for (int i = 0; i < n; i++) {
            if (bench.parseTask(i) == bench.summariseTask(i)) {
                fail("For " + bench.planText(i) + ", parse and summarise both ran in the same task of cpu (the "
                        + ordinal(bench.parseTask(i)) + " the test ran). Each is a task of cpu of its own: a step"
                        + " attached with thenApply runs inside the task that completed the step before it, and one"
                        + " function that calls both is one task.");
            }
        }
        checkNoOtherTasks(bench, n);
        checkOutcomes(bench, i -> new Summary(bench.pages.get(i), bench.summary(i)), "");
    }

    /**
     * Fails if cpu was given tasks in which no stage ran: parse and summarise are the CPU work, two tasks per
     * page, and a step handed to cpu besides them makes the page's outcome wait in cpu's queue after it is known.
     * (A release handed to cpu with whenCompleteAsync is left to the release test, whose message and hint name it.)
     */
    private static void checkNoOtherTasks(PipelineBench bench, int n) {
        List<String> others = bench.tasksWithoutAStage();
        if (others.isEmpty()) {
            return;
        }
        Map<String, Integer> steps = new LinkedHashMap<>();
        others.forEach(step -> steps.merge(step, 1, Integer::sum));
        List<String> seen = new ArrayList<>();
        steps.forEach((step, times) -> seen.add(step + (times > 1 ? " (" + times + " tasks)" : "")));
        fail("cpu was given " + bench.tasksRun() + " tasks for " + n + " pages whose bodies all came, and "
                + others.size() + " of them ran neither parse nor summarise: " + String.join(", ", seen) + ". parse"
                + " and summarise are the CPU work, each a task of cpu of its own: two tasks per page, no more. Attach"
                + " the other steps (handle, applyToEither, whenComplete, allOf's thenApply) without an executor: they"
                + " run at once on the thread that completed the step before them, while one handed to cpu waits in"
                + " its queue behind other pages' parsing, so the page's outcome comes later than it is known, and a"
                + " timer that fires meanwhile turns a page already summarised into TimedOut.");
    }

    @Test
    @Order(2)
    @Tag("hint:1")
    void usesTheExecutorItIsGivenAndNoThreadsOfItsOwn() {
        var found = CompiledNest.forbiddenUses(CompiledNest.of(PagePipeline.class), PagePipelineTest::forbidden);
        if (!found.isEmpty()) {
            fail("PagePipeline uses " + String.join("; ", found) + ". CPU work runs on the executor given,"
                    + " as thenApplyAsync(fn, cpu); every other step is attached to a future, not run on a thread"
                    + " or a pool of your own.");
        }
    }

    /** Why the pipeline may not use the member {@code use} reaches, or null when it may. */
    private static String forbidden(CompiledNest.Use use) {
        if (!use.isMember()) {
            return null;
        }
        String owner = use.owner();
        String name = use.name();
        if (owner.equals(java.util.concurrent.CompletableFuture.class.getName()) && name.endsWith("Async")
                && use.parameterTypes().stream().noneMatch(type -> type.equals("java.util.concurrent.Executor"))) {
            return "without an executor it runs in ForkJoinPool.commonPool()";
        }
        if (owner.equals("java.util.concurrent.ForkJoinPool") || owner.equals("java.util.concurrent.Executors")
                || owner.endsWith("ThreadPoolExecutor")) {
            return "a pool other than the executor given";
        }
        if (owner.equals("java.lang.Thread") && List.of("<init>", "start", "sleep", "startVirtualThread",
                "ofVirtual", "ofPlatform", "join").contains(name)) {
            return "a thread of its own, or a wait";
        }
        return null;
    }

    // ---- failures and nulls: hint 2 ----

    @Test
    @Order(3)
    @Tag("hint:2")
    void aFailureAtAnyStageBecomesThatPagesFailedOutcomeWithItsOwnException(Random random) {
        List<Plan> plans = new ArrayList<>(List.of(Plan.FETCH_THROWS, Plan.FETCH_FAILED, Plan.FETCH_FAILS_LATER,
                Plan.FETCH_FAILS_BARE, Plan.FETCH_NULL, Plan.PARSE_THROWS, Plan.SUMMARISE_THROWS));
        for (int extra = 1 + random.nextInt(3); extra > 0; extra--) {
            plans.add(random.nextBoolean() ? Plan.OK_HELD : Plan.OK_DONE);
        }
        Collections.shuffle(plans, random);
        PipelineBench bench = bench(plans, random);
        bench.call();
        checkEveryFetchStartedByTheCall(bench);
        driveToTheEnd(bench, random);
        checkStagesOnCpu(bench);
        checkOutcomes(bench, i -> expected(bench, i), "");
    }

    @Test
    @Order(4)
    @Tag("hint:2")
    void nullIsAValueNotAFailure(Random random) {
        List<Plan> plans = new ArrayList<>(List.of(Plan.BODY_NULL, Plan.PARSE_NULL, Plan.SUMMARY_NULL));
        for (int extra = 1 + random.nextInt(3); extra > 0; extra--) {
            plans.add(random.nextInt(3) == 0 ? Plan.PARSE_THROWS : Plan.OK_HELD);
        }
        Collections.shuffle(plans, random);
        PipelineBench bench = bench(plans, random);
        bench.call();
        checkEveryFetchStartedByTheCall(bench);
        driveToTheEnd(bench, random);
        checkStagesOnCpu(bench);
        // The bench's parse turns null into a text of its own, so a parse skipped for a null body shows here and
        // in the outcome, not only in a count.
        int nullBodies = (int) plans.stream().filter(plan -> plan == Plan.BODY_NULL).count();
        if (bench.nullParses() != nullBodies) {
            int bodyNull = plans.indexOf(Plan.BODY_NULL);
            fail("For " + bench.planText(bodyNull) + ". parse was given that body of null " + bench.nullParses()
                    + " time(s)" + (nullBodies > 1 ? " (" + nullBodies + " pages had one)" : "") + ". A body of null"
                    + " is a body like any other: parse gets it, as a task of cpu of its own, and summarise gets what"
                    + " parse returned. Null is a value, not a reason to skip a step.");
        }
        checkOutcomes(bench, i -> expected(bench, i), " A future completed with null has succeeded: in handle((value,"
                + " failure) -> ...), tell success from failure by failure == null, never by value == null.");
    }

    // ---- time-outs and release: hint 3 ----

    /** What the test does with a page's timer in the time-out scenario. */
    private enum Role {
        /** The fetch completes, then the timer fires before parse and summarise run: TimedOut. */
        OUT_WITH_CPU_QUEUED("its body came, then its timer fired before parse and summarise had run"),
        /** The timer fires while the fetch is pending; the fetch completes later: TimedOut. */
        OUT_THEN_FETCHED("its timer fired while its fetch was pending; the fetch completed later"),
        /** The timer fires while the fetch is pending; the fetch completes only after everything else. */
        OUT_FETCHED_LAST("its timer fired while its fetch was pending; the fetch completed only at the very end"),
        /** The page fails, then its timer fires: Failed. */
        FAILED_THEN_TIMER("it failed, then its timer fired"),
        /** The page is done, then its timer fires: its own outcome. */
        DONE_THEN_TIMER("it had its outcome, then its timer fired"),
        /** The timer never fires: its own outcome. */
        NO_TIMER("its timer never fired");

        private final String text;

        Role(String text) {
            this.text = text;
        }

        boolean timesOut() {
            return this == OUT_WITH_CPU_QUEUED || this == OUT_THEN_FETCHED || this == OUT_FETCHED_LAST;
        }
    }

    private record Scenario(PipelineBench bench, List<Role> roles) {
        String describe(int i) {
            return bench.planText(i) + "; " + roles.get(i).text;
        }
    }

    /** The pages of the time-out scenario, each with its plan and its role, every role on every seed. */
    private Scenario timeOutScenario(Random random) {
        List<Role> roles = new ArrayList<>(List.of(Role.OUT_WITH_CPU_QUEUED, Role.OUT_THEN_FETCHED,
                Role.OUT_FETCHED_LAST, Role.FAILED_THEN_TIMER, Role.DONE_THEN_TIMER));
        for (int extra = random.nextInt(4); extra > 0; extra--) {
            roles.add(Role.values()[random.nextInt(Role.values().length)]);
        }
        Collections.shuffle(roles, random);
        List<Plan> plans = new ArrayList<>();
        for (Role role : roles) {
            plans.add(switch (role) {
                case OUT_WITH_CPU_QUEUED -> pick(random, Plan.OK_HELD, Plan.OK_DONE, Plan.PARSE_THROWS,
                        Plan.SUMMARISE_THROWS);
                case OUT_THEN_FETCHED -> pick(random, Plan.OK_HELD, Plan.FETCH_FAILS_LATER, Plan.PARSE_THROWS);
                case OUT_FETCHED_LAST -> Plan.OK_HELD;
                case FAILED_THEN_TIMER -> pick(random, Plan.FETCH_FAILED, Plan.FETCH_FAILS_LATER, Plan.FETCH_THROWS);
                case DONE_THEN_TIMER, NO_TIMER -> pick(random, Plan.OK_HELD, Plan.OK_DONE, Plan.FETCH_FAILS_LATER,
                        Plan.PARSE_THROWS, Plan.SUMMARISE_THROWS);
            });
        }
        return new Scenario(bench(plans, random), roles);
    }

    /**
     * Runs the time-out scenario in phases: the call; the bodies and failures of the pages whose outcome comes
     * before their timer, and of those timed out with CPU work queued; the time-outs; every other fetch but the
     * last ones and every task; the late timers; then the very last fetches and their tasks.
     */
    private void runTimeOutScenario(Scenario scenario, Random random) {
        scenario.bench.call();
        finishScenarioFromTheCall(scenario, random);
    }

    private void finishLateFetches(Scenario scenario, Random random) {
        for (int i = 0; i < scenario.roles.size(); i++) {
            scenario.bench.completeFetch(i);
        }
        scenario.bench.runAllTasks(random);
    }

    @Test
    @Order(5)
    @Tag("hint:3")
    void timesOutOnTheTimerGivenNeverOnTheJdksClock() {
        var found = CompiledNest.forbiddenUses(CompiledNest.of(PagePipeline.class), PagePipelineTest::realClock);
        if (!found.isEmpty()) {
            fail("PagePipeline uses " + String.join("; ", found) + ". summariseAll's Javadoc says of the timer:"
                    + " \"where time-outs come from (never the JDK's own clock: no orTimeout here)\". A page's"
                    + " time-out is its race against timer.after(limit) and nothing else, not even a backup: the"
                    + " caller's timer decides when a page has run out of time, and the JDK's clock is one the caller"
                    + " never set and cannot move.");
        }
    }

    /** Why the pipeline may not use {@code use} because it waits or times out on the JDK's clock, or null. */
    private static String realClock(CompiledNest.Use use) {
        String owner = use.owner();
        String name = use.name();
        if (!use.isMember()) {
            return owner.equals("java.util.Timer") || owner.equals("java.util.TimerTask")
                    || owner.equals("java.util.concurrent.ScheduledExecutorService")
                    ? "runs work later on the JDK's own clock" : null;
        }
        if (owner.equals("java.util.concurrent.CompletableFuture")
                && List.of("orTimeout", "completeOnTimeout").contains(name)) {
            return "a time-out on the JDK's own clock";
        }
        if (owner.equals("java.util.concurrent.CompletableFuture") && name.equals("delayedExecutor")) {
            return "runs work later on the JDK's own clock";
        }
        if (owner.equals("java.lang.System") && List.of("nanoTime", "currentTimeMillis").contains(name)
                || owner.startsWith("java.time.") && name.equals("now") || owner.equals("java.time.Clock")
                || owner.equals("java.time.InstantSource")) {
            return "reads the JDK's own clock";
        }
        if (owner.equals("java.util.concurrent.locks.LockSupport") && name.startsWith("park")
                && !name.equals("park")
                || owner.equals("java.util.concurrent.TimeUnit") && List.of("sleep", "timedJoin", "timedWait")
                        .contains(name)
                || owner.equals("java.lang.Object") && name.equals("wait") && !use.parameterTypes().isEmpty()) {
            return "a wait on the JDK's own clock";
        }
        // get(long, TimeUnit), await, poll, tryAcquire, schedule, sleep(Duration), join(Duration) ...: every JDK
        // method that takes a time to wait takes it as a TimeUnit or a Duration
        List<String> parameters = use.parameterTypes();
        boolean takesATime = parameters.contains("java.util.concurrent.TimeUnit")
                || parameters.contains("java.time.Duration");
        if (takesATime && owner.startsWith("java.") && !owner.startsWith("java.time.")
                && !owner.equals("java.util.concurrent.TimeUnit")) {
            return "a wait or time-out on the JDK's own clock";
        }
        return null;
    }

    @Test
    @Order(6)
    @Tag("hint:3")
    void aPageWithoutAnOutcomeWhenItsTimerFiresIsTimedOut(Random random) {
        Scenario scenario = timeOutScenario(random);
        PipelineBench bench = scenario.bench;
        int n = scenario.roles.size();
        bench.call();
        List<java.time.Duration> delays = bench.timerDelays();
        if (delays.size() != n || delays.stream().anyMatch(d -> !d.equals(bench.limit))) {
            fail("summariseAll(" + n + " pages, limit " + bench.limit + ") called timer.after(...) " + delays.size()
                    + " time(s), with " + delays + ", before it returned; each page's time-out starts with its fetch:"
                    + " one timer.after(limit) per page, in page order.");
        }
        finishScenarioFromTheCall(scenario, random);
        checkStagesOnCpu(bench);
        checkOutcomes(bench, i -> scenario.roles.get(i).timesOut() ? new TimedOut(bench.pages.get(i))
                : expected(bench, i), i -> scenario.describe(i), " The limit covers the whole page, its fetch, parse"
                + " and summarise: the first of the page's outcome and its timer decides.");
        finishLateFetches(scenario, random);
    }

    /** Everything in runTimeOutScenario after the call, for a test that has made the call itself. */
    private void finishScenarioFromTheCall(Scenario scenario, Random random) {
        PipelineBench bench = scenario.bench;
        List<Role> roles = scenario.roles;
        int n = roles.size();
        for (int i : shuffled(n, random)) {
            Role role = roles.get(i);
            if (role == Role.OUT_WITH_CPU_QUEUED || role == Role.FAILED_THEN_TIMER) {
                bench.completeFetch(i);
            }
        }
        for (int i : shuffled(n, random)) {
            if (roles.get(i).timesOut() || roles.get(i) == Role.FAILED_THEN_TIMER) {
                bench.fireTimer(i);
            }
        }
        for (int i : shuffled(n, random)) {
            if (roles.get(i) != Role.OUT_FETCHED_LAST) {
                bench.completeFetch(i);
            }
            if (random.nextBoolean()) {
                bench.runAllTasks(random);
            }
        }
        bench.runAllTasks(random);
        for (int i : shuffled(n, random)) {
            if (roles.get(i) == Role.DONE_THEN_TIMER) {
                bench.fireTimer(i);
            }
        }
    }

    @Test
    @Order(7)
    @Tag("hint:3")
    void releasesEveryPageOnceBeforeTheFutureCompletes(Random random) {
        Scenario scenario = timeOutScenario(random);
        PipelineBench bench = scenario.bench;
        runTimeOutScenario(scenario, random);
        Map<URI, Integer> wanted = bench.pagesPerAddress();
        if (bench.result == null || !bench.result.isDone()) {
            fail("Every page had its outcome, and the future summariseAll returned was " + describe(bench.result)
                    + ".");
        }
        Map<URI, Integer> atCompletion = bench.releasesAtCompletion();
        if (!wanted.equals(atCompletion)) {
            fail("When the future summariseAll returned completed, release(page) had been called " + atCompletion
                    + " times per address, where the pages were " + wanted + " per address. The pages: "
                    + describeAll(scenario) + ". Release each page exactly once as soon as its outcome is known,"
                    + " whichever it is, TimedOut included, in a step that the returned future waits for.");
        }
        finishLateFetches(scenario, random);
        Map<URI, Integer> atEnd = bench.releases();
        if (!wanted.equals(atEnd)) {
            fail("Once the fetches of the timed-out pages had completed too, release(page) had been called " + atEnd
                    + " times per address, where the pages were " + wanted + " per address. The pages: "
                    + describeAll(scenario) + ". A page is released once, when its outcome is known: what its"
                    + " stages do after its time-out must not release it again.");
        }
        checkReleasedAtOnce(scenario);
    }

    /**
     * Fails if a page was still unreleased when the step of the test that gave it its outcome had ended: the
     * steps attached after the race run within that step, so a release that comes later waits for something
     * else, such as a task of cpu.
     */
    private static void checkReleasedAtOnce(Scenario scenario) {
        PipelineBench bench = scenario.bench;
        List<PipelineBench.LateRelease> late = bench.lateReleases();
        if (late.isEmpty()) {
            return;
        }
        PipelineBench.LateRelease first = late.get(0);
        String later = first.releasedLater;
        boolean inCpu = later != null && later.startsWith("in a task of cpu");
        fail("For " + scenario.describe(first.page) + ": its outcome was known once the test had finished "
                + first.job + ", and release(page) had not been called by then; " + (later == null
                ? "it was not called before the test's next step" : "it was called later, " + later)
                + (late.size() > 1 ? "; " + (late.size() - 1) + " more page(s) like it" : "") + ". A page is"
                + " released as soon as its outcome is known: whenComplete((outcome, failure) ->"
                + " stages.release(page)) on the raced future runs at once, in the step that decided the page."
                + (inCpu ? " Release is no CPU work: it gives back what the fetch holds, and as a task of cpu"
                + " (whenCompleteAsync(..., cpu)) it waits in cpu's queue, behind other pages' parsing, while the"
                + " page holds its connection." : ""));
    }

    @Test
    @Order(8)
    @Tag("hint:3")
    void theReturnedFutureWaitsUntilEveryReleaseHasReturned(Random random) {
        List<Ending> endings = new ArrayList<>(List.of(Ending.BODY, Ending.FAILS, Ending.TIMER));
        for (int extra = random.nextInt(3); extra > 0; extra--) {
            endings.add(pick(random, Ending.values()));
        }
        Collections.shuffle(endings, random);
        ReleaseBench bench = new ReleaseBench(endings, random);
        benches.add(bench);
        int n = endings.size();
        bench.call();
        // Each page ends on a thread of its own, whose release the test holds; the returned future may complete
        // only once the test has let every release return.
        for (int i : shuffled(n, random)) {
            bench.end(i);
            checkNotCompleteWhileReleasing(bench, "the test had ended " + bench.planText(i) + ", on a thread of its"
                    + " own, and held every release called");
        }
        // A page's timer after its outcome, or its fetch after its time-out, changes nothing: not its outcome, and
        // not whether the returned future waits for its release.
        for (int i : shuffled(n, random)) {
            bench.endTheOtherSide(i);
            checkNotCompleteWhileReleasing(bench, "every page had ended, and then the test had "
                    + (endings.get(i) == Ending.TIMER ? "completed the fetch of page " + i + " after its time-out"
                    : "fired the timer of page " + i + " after its outcome") + ", and held every release called");
        }
        int threads = bench.threads();
        List<Integer> order = shuffled(threads, random);
        for (int k = 0; k < threads; k++) {
            bench.openGate(order.get(k));
            checkNotCompleteWhileReleasing(bench, "every page had ended, and the test had let " + (k + 1) + " of the"
                    + " " + threads + " threads it had started out of release");
        }
        String pages = describeAll(bench);
        if (bench.result == null || !bench.result.isDone()) {
            fail("Every page had ended and every release(page) had returned, and the future summariseAll returned"
                    + " was " + describe(bench.result) + ". The pages: " + pages + ".");
        }
        if (!bench.releases().equals(bench.pagesPerAddress())) {
            fail("Once every page had ended, release(page) had been called " + bench.releases() + " times per"
                    + " address, where the pages were " + bench.pagesPerAddress() + " per address. The pages: "
                    + pages + ". Release each page exactly once, as soon as its outcome is known.");
        }
        List<Outcome> outcomes = bench.result.isCompletedExceptionally() ? null : bench.result.resultNow();
        for (int i = 0; i < n; i++) {
            URI page = bench.pages.get(i);
            Outcome want = switch (endings.get(i)) {
                case BODY -> new Summary(page, bench.summary(i));
                case FAILS -> new Failed(page, bench.error(i));
                case TIMER -> new TimedOut(page);
            };
            if (outcomes == null || outcomes.size() != n || !same(want, outcomes.get(i))) {
                fail("The future summariseAll returned completed " + describe(bench.result) + ", where outcome " + i
                        + " must be " + want + ". The pages: " + pages + ".");
            }
        }
    }

    /** Fails if the returned future has completed while a release the test holds has not returned. */
    private static void checkNotCompleteWhileReleasing(ReleaseBench bench, String when) {
        List<String> running = bench.running();
        if (running.isEmpty() || bench.result == null || !bench.result.isDone()) {
            return;
        }
        fail("When " + when + ", release(page) was still running (the test held it) for " + running.get(0)
                + (running.size() > 1 ? ", and for " + (running.size() - 1) + " more" : "") + "; and the future"
                + " summariseAll returned was already " + describe(bench.result) + ". The pages: "
                + describeAll(bench) + ". Every page has been released by the time the returned future completes,"
                + " so that future must wait for each page's release to return: release in whenComplete on the"
                + " raced future, and put the future that whenComplete returns in the list allOf collects. A release"
                + " attached beside that future (to the race, the chain or the timer) may still be running when the"
                + " returned future completes.");
    }

    private static String describeAll(ReleaseBench bench) {
        List<String> all = new ArrayList<>();
        for (int i = 0; i < bench.pages.size(); i++) {
            all.add(bench.planText(i));
        }
        return String.join("; ", all);
    }

    // ---- checks shared by the tests ----

    private static String describeAll(Scenario scenario) {
        List<String> all = new ArrayList<>();
        for (int i = 0; i < scenario.roles.size(); i++) {
            all.add(scenario.describe(i));
        }
        return String.join("; ", all);
    }

    /** The outcome page i's plan leads to when no timer interferes. */
    private static Outcome expected(PipelineBench bench, int i) {
        URI page = bench.pages.get(i);
        Plan plan = bench.plans.get(i);
        if (plan.failsAtAll()) {
            return new Failed(page, bench.error(i));
        }
        return new Summary(page, switch (plan) {
            case BODY_NULL -> bench.summaryOfNothing();
            case PARSE_NULL, SUMMARY_NULL -> null;
            default -> bench.summary(i);
        });
    }

    private static void checkEveryFetchStartedByTheCall(PipelineBench bench) {
        List<URI> calls = bench.fetchCalls();
        if (!calls.equals(bench.pages)) {
            fail("While summariseAll(" + bench.pages.size() + " pages) ran, fetch was called for " + calls
                    + ", where the pages were " + bench.pages + ". Start every page's fetch, in page order, before"
                    + " summariseAll returns: the pages are fetched at once, not one after another.");
        }
    }

    /** Completes every held fetch and runs every task, interleaved in a random order. */
    private static void driveToTheEnd(PipelineBench bench, Random random) {
        while (true) {
            List<Integer> held = bench.heldFetches();
            int tasks = bench.queuedTasks();
            if (held.isEmpty() && tasks == 0) {
                return;
            }
            if (tasks == 0 || (!held.isEmpty() && random.nextBoolean())) {
                bench.completeFetch(held.get(random.nextInt(held.size())));
            } else {
                bench.runTask(random.nextInt(tasks));
            }
        }
    }

    private static void checkStagesOnCpu(PipelineBench bench) {
        List<String> off = bench.offCpu();
        if (!off.isEmpty()) {
            fail(off.get(0) + (off.size() > 1 ? " (and " + (off.size() - 1) + " more like it)" : "") + ". parse and"
                    + " summarise are CPU work, and run only as tasks of the executor cpu: a step without an"
                    + " executor runs on whichever thread completes the future before it (the fetch's thread, or the"
                    + " caller's if it is already complete), and an ...Async step without one runs in"
                    + " ForkJoinPool.commonPool().");
        }
        List<String> outside = bench.fetchesOutsideTheCall();
        if (!outside.isEmpty()) {
            fail(outside.get(0) + ". Every page's fetch starts while summariseAll runs.");
        }
    }

    private void checkOutcomes(PipelineBench bench, java.util.function.IntFunction<Outcome> expected, String advice) {
        checkOutcomes(bench, expected, bench::planText, advice);
    }

    private void checkOutcomes(PipelineBench bench, java.util.function.IntFunction<Outcome> expected,
            java.util.function.IntFunction<String> describe, String advice) {
        int n = bench.pages.size();
        String call = "summariseAll(" + n + " pages)";
        if (bench.result == null) {
            fail(call + " returned null instead of a future.");
        }
        if (!bench.result.isDone()) {
            fail("Every fetch had completed, every task of cpu had run and every timer due had fired, and the future "
                    + call + " returned had still not completed." + advice);
        }
        if (bench.result.isCompletedExceptionally()) {
            Throwable failure = bench.result.exceptionNow();
            fail("The future " + call + " returned failed with " + failure + ". A page that fails is reported as its"
                    + " own Failed outcome; the other pages go on and the returned future does not fail.");
        }
        List<Outcome> outcomes = bench.result.resultNow();
        if (outcomes == null || outcomes.size() != n) {
            fail(call + " completed with " + outcomes + ": one outcome per page, in page order.");
        }
        for (int i = 0; i < n; i++) {
            Outcome want = expected.apply(i);
            Outcome got = outcomes.get(i);
            if (!same(want, got)) {
                fail("Outcome " + i + " was " + got + ", where " + describe.apply(i) + ", so it must be " + want
                        + "." + why(want, got) + advice);
            }
        }
    }

    /** Equal, with the very same exception for a Failed outcome. */
    private static boolean same(Outcome want, Outcome got) {
        if (want instanceof Failed wanted && got instanceof Failed failed) {
            if (wanted.cause() instanceof NullPointerException) {
                return wanted.page().equals(failed.page()) && failed.cause() instanceof NullPointerException;
            }
            return wanted.page().equals(failed.page()) && wanted.cause() == failed.cause();
        }
        return Objects.equals(want, got);
    }

    private static String why(Outcome want, Outcome got) {
        if (want instanceof Failed && got instanceof Failed failed && failed.cause() == null) {
            return " A CompletionException without a cause is the stage's own exception: unwrap only one that has a"
                    + " cause.";
        }
        if (want instanceof Failed wanted && got instanceof Failed failed) {
            if (failed.cause() instanceof CompletionException && failed.cause().getCause() == wanted.cause()) {
                return " The exception arrived wrapped in a CompletionException by a step it passed through: report"
                        + " the stage's own exception, its cause.";
            }
            if (wanted.cause() != null && failed.cause() == wanted.cause().getCause()) {
                return " That is the cause of the stage's own exception: unwrap a CompletionException, and nothing"
                        + " else.";
            }
        }
        if (want instanceof Summary && got instanceof Failed failed && failed.cause() == null) {
            return " A value of null is not a failure.";
        }
        if (got != null && !want.page().equals(got.page())) {
            return " The outcomes go in page order, one per page, the same address twice included.";
        }
        return "";
    }

    private static String describe(java.util.concurrent.CompletableFuture<?> future) {
        if (future == null) {
            return "null";
        }
        if (!future.isDone()) {
            return "not complete";
        }
        if (future.isCompletedExceptionally()) {
            return "failed with " + future.exceptionNow();
        }
        return "complete with " + future.resultNow();
    }

    private static String ordinal(int k) {
        return PipelineBench.ordinal(k);
    }

    private static List<Integer> shuffled(int n, Random random) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        Collections.shuffle(order, random);
        return order;
    }

    @SafeVarargs
    private static <T> T pick(Random random, T... choices) {
        return choices[random.nextInt(choices.length)];
    }
}
