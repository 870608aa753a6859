package dev.tutor.exercises.processes;

import static dev.tutor.exercises.processes.ScriptedWorker.SHELL;
import static dev.tutor.exercises.processes.ScriptedWorker.WARNING;
import static dev.tutor.exercises.processes.ScriptedWorker.WARNINGS;
import static dev.tutor.exercises.processes.SplitterCalls.COME_BACK_MS;
import static dev.tutor.exercises.processes.SplitterCalls.call;
import static dev.tutor.exercises.processes.Weights.WEIGHED;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tutor.exercises.processes.PrimeSplitter.Range;
import dev.tutor.exercises.processes.PrimeSplitter.Result;
import dev.tutor.exercises.processes.PrimeSplitter.WorkerReport;
import dev.tutor.exercises.processes.ScriptedWorker.Folder;
import dev.tutor.exercises.processes.SplitterCalls.Run;
import dev.tutor.exercises.support.CompiledNest;
import dev.tutor.exercises.support.ProcessEnds;
import dev.tutor.exercises.support.Seeded;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Grades {@link PrimeWorker} and {@link PrimeSplitter}, in the order of the exercise: the worker's answer
 * (hint 1); the plan, which must hold every number once and balance the work, measured in the divisions
 * each worker's numbers cost, not in seconds (hint 2); the workers started together and their answers added
 * up (hint 3); and a worker that fails (hint 4).
 *
 * <p>The plan is checked over many limits and worker counts from the run's seed, with the edge cases every
 * seed meets, and without a process: it is arithmetic. The workers that the tests start run as
 * {@link ScriptedWorker}, which records what it was given, waits at a barrier until every worker of the run
 * has started, and then does what the test told it: count as {@link PrimeWorker#main} does, fail, answer
 * nonsense, or run on until it is killed. Each is a JVM, so the tests start few of them: one run that
 * counts, and two in which a worker fails, of 2 to 4 workers each.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
@ExtendWith(Seeded.class)
class PrimeSplitterTest {

    /** The worker's methods that count, by name and parameter types, which the parent may not call itself. */
    private static final Set<String> WORKERS_COUNTING = Set.of("countPrimes[long, long]", "isPrime[long]",
            "main[java.lang.String[]]");

    private Set<Long> descendantsBefore;

    @BeforeEach
    void noteTheProcessesAlreadyRunning() {
        descendantsBefore = ProcessHandle.current().descendants().map(ProcessHandle::pid)
                .collect(Collectors.toSet());
    }

    @AfterEach
    void endTheWorkersThisTestLeft() throws InterruptedException {
        for (ProcessHandle left : ProcessHandle.current().descendants()
                .filter(p -> !descendantsBefore.contains(p.pid())).toList()) {
            left.destroyForcibly();
            // One not gone within 5 s is gone when this JVM is: the grader ends every process the tests left.
            ProcessEnds.await(left, Duration.ofSeconds(5));
        }
    }

    // ---- hint 1: the worker ----

    @Test
    @Order(1)
    @Tag("hint:1")
    void workerAnswersWithItsPidAndTheCountOfAllItsRanges(Random random) {
        long pid = ProcessHandle.current().pid();
        List<long[]> cases = new ArrayList<>();
        cases.add(new long[] {0, 100});
        long from = random.nextInt(200_000);
        cases.add(new long[] {from, from + 1 + random.nextInt(50_000)});
        for (int c = 0; c < 3; c++) {
            int ranges = 2 + random.nextInt(5);
            long[] pairs = new long[2 * ranges];
            for (int r = 0; r < ranges; r++) {
                long a = random.nextInt(200_000);
                long b = switch (r == 1 ? 3 : random.nextInt(4)) {
                    case 0 -> a;                                  // an empty range
                    case 1 -> a + 1 + random.nextInt(3);
                    // The second range holds primes whatever the seed (below 200,100 no two primes are 100
                    // apart), so that a worker that counts only its first range never gets the right total.
                    default -> a + (r == 1 ? 100 : 0) + random.nextInt(20_000);
                };
                if (r == 0 && c == 0) {
                    a = 0;
                    b = 3;                                        // 0, 1 and the prime 2
                }
                pairs[2 * r] = a;
                pairs[2 * r + 1] = b;
            }
            cases.add(pairs);
        }
        for (long[] pairs : cases) {
            String[] args = Stream.of(box(pairs)).map(String::valueOf).toArray(String[]::new);
            long expected = 0;
            for (int i = 0; i < pairs.length; i += 2) {
                expected += Weights.primes(pairs[i], pairs[i + 1]);
            }
            String said = run(args);
            String want = pid + " " + expected;
            if (!said.equals(want + System.lineSeparator()) && !said.equals(want + "\n")) {
                fail("Started as PrimeWorker " + String.join(" ", args) + ", " + (pairs.length / 2) + " range"
                        + (pairs.length == 2 ? "" : "s") + " with " + expected + " primes in all, the worker should"
                        + " print one line, its PID and the count: \"" + want + "\". It printed "
                        + (said.isEmpty() ? "nothing" : "\"" + said.strip().replace("\n", "\\n") + "\"") + "."
                        + (said.lines().count() > 1 ? " One line for all the ranges together." : ""));
            }
        }
    }

    // ---- hint 2: the plan ----

    @Test
    @Order(2)
    @Tag("hint:2")
    void planGivesEveryNumberToExactlyOneWorker(Random random) {
        for (long[] c : planCases(random)) {
            long limit = c[0];
            int workers = (int) c[1];
            String call = "plan(" + limit + ", " + workers + ")";
            List<List<Range>> plan;
            try {
                plan = PrimeSplitter.plan(limit, workers);
            } catch (IllegalArgumentException e) {
                throw new AssertionError(call + " threw " + e + ". It refuses only workers < 1 and limit < workers:"
                        + " with " + limit + (limit == 1 ? " number" : " numbers") + " for " + workers
                        + (workers == 1 ? " worker" : " workers") + " every worker can have at least one"
                        + (limit == workers ? ", exactly one each" : "") + ".", e);
            }
            if (plan == null || plan.size() != workers) {
                fail(call + " returned " + (plan == null ? "null" : plan.size() + " lists of ranges") + "; it must"
                        + " return one list per worker, " + workers + " in all.");
            }
            List<Range> all = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                List<Range> share = plan.get(w);
                int number = w + 1;
                if (share == null || share.isEmpty()) {
                    fail(call + ": worker " + number + " of " + workers + " got no range. Every worker gets at"
                            + " least one: there are " + limit + " numbers, at least one per worker.");
                }
                if (share.size() > PrimeSplitter.MAX_RANGES_PER_WORKER) {
                    fail(call + ": worker " + number + " got " + share.size() + " ranges, more than the "
                            + PrimeSplitter.MAX_RANGES_PER_WORKER + " a worker's command line may carry.");
                }
                for (Range r : share) {
                    if (r == null || r.from() >= r.to() || r.from() < 0 || r.to() > limit) {
                        fail(call + ": worker " + number + " got the range " + r + (r != null && r.from() >= r.to()
                                ? ", which holds no number" : ", which is not within [0, " + limit + ")") + "."
                                + wraps(limit));
                    }
                }
                all.addAll(share);
            }
            all.sort(Comparator.comparingLong(Range::from));
            long next = 0;
            for (Range r : all) {
                if (r.from() > next) {
                    fail(call + ": no worker got the numbers from " + next + " to " + (r.from() - 1) + "; every"
                            + " number below the limit belongs to one worker." + wraps(limit));
                }
                if (r.from() < next) {
                    fail(call + ": the number " + r.from() + " is in two ranges, " + r + " and one that ends at "
                            + next + "; every number belongs to one worker only." + wraps(limit));
                }
                next = r.to();
            }
            if (next != limit) {
                fail(call + ": no worker got the numbers from " + next + " to " + (limit - 1) + "; every number"
                        + " below the limit belongs to one worker." + roundingDown(plan, limit) + wraps(limit));
            }
        }
    }

    @Test
    @Order(3)
    @Tag("hint:2")
    void planBalancesTheWorkNotTheNumbers(Random random) {
        for (long[] c : balanceCases(random)) {
            long limit = c[0];
            int workers = (int) c[1];
            List<List<Range>> plan = PrimeSplitter.plan(limit, workers);
            long[] work = new long[workers];
            long total = 0;
            for (int w = 0; w < workers; w++) {
                for (Range r : plan.get(w)) {
                    work[w] += Weights.work(r.from(), r.to());
                }
                total += work[w];
            }
            double average = (double) total / workers;
            int busiest = 0;
            for (int w = 1; w < workers; w++) {
                if (work[w] > work[busiest]) {
                    busiest = w;
                }
            }
            if (work[busiest] > 1.10 * average) {
                List<Range> share = plan.get(busiest);
                boolean oneRangeEach = plan.stream().allMatch(s -> s.size() == 1);
                fail(String.format("plan(%d, %d): worker %d of %d gets %,d divisions of work, %.0f %% more than"
                                + " the average worker's %,.0f (the rule allows 10 %%). Its ranges: %s. Each"
                                + " worker's work: %s.%s", limit, workers, busiest + 1, workers, work[busiest],
                        100 * (work[busiest] / average - 1), average, describe(share), percentages(work, total),
                        oneRangeEach ? " Each worker has one range: testing bigger numbers takes more divisions,"
                                + " so the same count of numbers is more work at the top than at the bottom." : ""));
            }
        }
    }

    @Test
    @Order(4)
    @Tag("hint:2")
    void planRefusesWhatCannotBeShared(Random random) {
        int workers = 2 + random.nextInt(10);
        long[][] refused = {{10, 0}, {10, -1 - random.nextInt(5)}, {workers - 1, workers}, {0, 1}};
        for (long[] c : refused) {
            try {
                List<List<Range>> plan = PrimeSplitter.plan(c[0], (int) c[1]);
                fail("plan(" + c[0] + ", " + c[1] + ") returned " + plan + "; with fewer than one worker, or fewer"
                        + " numbers than workers, it must throw an IllegalArgumentException.");
            } catch (IllegalArgumentException expected) {
                // refused, as it should be
            } catch (RuntimeException e) {
                fail("plan(" + c[0] + ", " + c[1] + ") threw " + e + "; it must throw an IllegalArgumentException.", e);
            }
        }
    }

    @Test
    @Order(5)
    @Tag("hint:2")
    void theParentCountsNothingItself() {
        // A method reference (PrimeWorker::isPrime in a filter) is a call all the same.
        var found = CompiledNest.forbiddenUses(CompiledNest.of(PrimeSplitter.class), use ->
                (use.kind() == CompiledNest.Kind.CALL || use.kind() == CompiledNest.Kind.REFERENCE)
                        && use.owner().equals(PrimeWorker.class.getName())
                        && WORKERS_COUNTING.contains(use.name() + use.parameterTypes())
                        ? "the worker's counting" : null);
        if (!found.isEmpty()) {
            fail("PrimeSplitter tests numbers itself: " + String.join("; ", found)
                    + ". Counting is the workers' job, on their cores; the parent only plans, starts and adds up."
                    + " A plan that tests every number to weigh it has done the whole job before a worker starts.");
        }
    }

    // ---- hint 3: start them all, then add up ----

    /**
     * One run with 2 to 4 workers, every one of them told to count, looked at from every side in turn: at the
     * same time, one report per worker in the order of the plan, the right counts and total, and each worker a
     * process of its own started with its ranges. One test, so that every check sees the run it checks.
     */
    @Test
    @Order(6)
    @Tag("hint:3")
    void workersRunAtTheSameTimeEachOnItsRangesAndTheirCountsAddUp(Random random) throws Exception {
        int workers = 2 + random.nextInt(3);
        long limit = 10_000L * workers + random.nextInt(20_000 * workers);
        Folder folder = Folder.create(Map.of(), workers);
        try {
            Run run = call(limit, workers, folder, folder.command(workers));
            int startedThen = SplitterCalls.startedWhenOneWaited;
            if (run == null && startedThen > 0) {
                fail("countPrimes(" + limit + ", " + workers + ", ...) waited for a worker, reading its output or"
                        + " waiting for its end, when it had started only " + startedThen + " of the " + workers
                        + ". The workers did not run at the same time. Start every worker first, and only then read"
                        + " and wait for each.");
            }
            if (run == null) {
                fail("countPrimes(" + limit + ", " + workers + ", ...) had not come back after " + COME_BACK_MS
                        + " ms; its workers start and count in far less.");
            }
            Set<Long> alone = folder.waitedAlone();
            if (!alone.isEmpty()) {
                fail("Worker " + alone + " waited " + ScriptedWorker.ALONE_MS + " ms as the only worker of " + workers
                        + " that had been started, and gave up. The workers did not run at the same time. Start"
                        + " every worker first, and only then read and wait for each.");
            }
            Result r = run.result();
            List<List<Range>> plan = PrimeSplitter.plan(limit, workers);
            if (r.workers() == null || r.workers().size() != workers) {
                fail(run.call() + " returned " + (r.workers() == null ? "null" : r.workers().size()) + " worker"
                        + " reports; add one WorkerReport per worker, " + workers + " in all.");
            }
            for (int i = 0; i < workers; i++) {
                WorkerReport w = r.workers().get(i);
                List<Range> share = plan.get(i);
                int number = i + 1;
                if (!share.equals(w.ranges())) {
                    fail(run.call() + ": report " + number + " is for " + describe(w.ranges()) + ", but worker "
                            + number + " of the plan has " + describe(share) + "; keep the reports in the order of"
                            + " the plan, each with its worker's ranges.");
                }
                long inShare = share.stream().mapToLong(x -> Weights.primes(x.from(), x.to())).sum();
                if (w.primes() != inShare) {
                    fail(run.call() + ": there are " + inShare + " primes in the ranges of worker " + number + ", "
                            + describe(share) + ", but its report says " + w.primes() + ".");
                }
            }
            long expected = Weights.primes(0, limit);
            if (r.primes() != expected) {
                fail(run.call() + ": there are " + expected + " primes below " + limit + " and the workers found "
                        + r.workers().stream().map(WorkerReport::primes).toList() + ", but countPrimes reported "
                        + r.primes() + " in all; add up the workers' counts.");
            }
            Map<Long, List<String>> given = folder.arrived();
            List<Long> reported = r.workers().stream().map(WorkerReport::pid).toList();
            if (Set.copyOf(reported).size() != workers || !given.keySet().equals(Set.copyOf(reported))) {
                fail(run.call() + ": the worker processes that ran had the PIDs " + given.keySet() + ", but the"
                        + " reports name " + reported + ". Each report carries the PID of its own worker.");
            }
            for (int i = 0; i < workers; i++) {
                List<String> expectedWords = new ArrayList<>();
                plan.get(i).forEach(x -> {
                    expectedWords.add(Long.toString(x.from()));
                    expectedWords.add(Long.toString(x.to()));
                });
                List<String> got = given.get(reported.get(i));
                if (!expectedWords.equals(got)) {
                    fail(run.call() + ": worker " + (i + 1) + " should have been started with the command, then the"
                            + " from and to of each of its ranges: " + expectedWords + ". It was given " + got + ".");
                }
            }
        } finally {
            folder.delete();
        }
    }

    /**
     * The parent adds up what its workers say, and checks only the form: a count of 0 is an answer, and so
     * is one beyond the range of an int. The workers are shell scripts that say counts the test chose, each
     * after more lines on standard error than a pipe holds, which are not part of its answer.
     */
    @Test
    @Order(7)
    @Tag("hint:3")
    void addsUpWhatTheWorkersAnswerZeroAndBigCountsToo(Random random) throws Exception {
        int workers = 2 + random.nextInt(3);
        long limit = 10_000L * workers + random.nextInt(10_000 * workers);
        List<List<Range>> plan = PrimeSplitter.plan(limit, workers);
        List<Long> said = new ArrayList<>();
        Map<String, String> orders = new HashMap<>();
        int zero = random.nextInt(workers);
        int big = (zero + 1 + random.nextInt(workers - 1)) % workers;
        for (int i = 0; i < workers; i++) {
            long count = i == zero ? 0 : i == big ? Integer.MAX_VALUE + 1L + random.nextInt(1_000_000) : random.nextInt(5_000);
            said.add(count);
            orders.put(Long.toString(plan.get(i).get(0).from()), "say " + count);
        }
        Folder folder = Folder.create(orders, workers);
        try {
            boolean shell = Files.isExecutable(SHELL);
            BlockedWriters watch = new BlockedWriters();
            Run run = call(limit, workers, folder, shell ? folder.shellCommand() : folder.command(workers), null, watch);
            String story = "The " + workers + " workers each wrote " + WARNINGS + " lines on standard error, \"worker"
                    + " PID: " + WARNING + "\", and then answered the counts " + said + " on standard output, in the order"
                    + " of the plan.";
            if (run == null) {
                fail(story + " countPrimes(" + limit + ", " + workers + ", ...) had not come back "
                        + watch.found().map(stuck -> "when " + stuck).orElse("after " + COME_BACK_MS + " ms")
                        + ". Those lines are more than a pipe holds: a worker whose standard error goes to a pipe"
                        + " nobody reads waits there for ever and never answers. Send standard error elsewhere, with"
                        + " redirectError(ProcessBuilder.Redirect.INHERIT) (or DISCARD).");
            }
            if (run.thrown() != null) {
                boolean warningInIt = String.valueOf(run.thrown().getMessage()).contains(WARNING);
                fail(story + " countPrimes threw " + run.thrown() + "." + (warningInIt ? " Its message holds what a"
                        + " worker wrote on standard error, which is not part of the answer: keep standard error out"
                        + " of the stream you read." : " A count of 0 is an answer, and a count is a long:"
                        + " Long.parseLong reads it."), run.thrown());
            }
            Result r = run.result();
            List<Long> reported = r.workers() == null ? null : r.workers().stream().map(WorkerReport::primes).toList();
            long total = said.stream().mapToLong(Long::longValue).sum();
            if (!said.equals(reported) || r.primes() != total) {
                fail(story + " countPrimes reported " + reported + " and a total of " + r.primes() + "; it should"
                        + " report each worker's count as it said it, and their sum, " + total + ".");
            }
        } finally {
            folder.delete();
        }
    }

    // ---- hint 4: a worker that fails ----

    @Test
    @Order(8)
    @Tag("hint:4")
    void aWorkerThatEndsWithAnErrorStopsTheCountAndNoWorkerRunsOn(Random random) throws Exception {
        int workers = 2 + random.nextInt(3);
        int failing = random.nextInt(workers - 1);
        int status = 1 + random.nextInt(120);
        assertFailureHandled(random, workers, failing, false, "fail " + status,
                "ended with status " + status + ", after printing a line that looks like an answer",
                "A worker that ends with a status other than 0 has failed, whatever it printed.");
    }

    /**
     * Every kind of nonsense, each in a run of its own. The workers are small shell scripts where there is a
     * shell, since a JVM for each would take seconds; where there is none, one kind from the seed, in JVMs.
     */
    @Test
    @Order(9)
    @Tag("hint:4")
    void aWorkerThatAnswersAnythingButItsPidAndACountStopsTheCount(Random random) throws Exception {
        // One of the spacings from the seed, as each kind costs a run of its own.
        String[] spacing = new String[][] {
            {"spaces", "answered with its PID and a count separated by two spaces"},
            {"leading", "answered with a space and then its PID and a count"},
            {"tab", "answered with its PID and a count separated by a tab"},
        }[random.nextInt(3)];
        String[][] kinds = {
            {"silent", "printed nothing at all", "No line is no answer."},
            {"word", "answered with its PID and the word \"many\"", "\"many\" is not a count."},
            {"stranger", "answered with another process's PID and a count", "The first word is the worker's own pid()."},
            {"extra", "answered with its PID, a count and one word more", "An answer is exactly two words."},
            {"twice", "printed its answer twice, on two lines", "An answer is exactly one line."},
            {"negative", "answered with its PID and a negative count", "A count is 0 or more."},
            {"plus", "answered with its PID and a count with a plus sign, \"+1\"", PARSE_LONG},
            {"zeros", "answered with its PID and a count with a leading zero, \"01\"", PARSE_LONG},
            {"blank", "answered with its PID and a count, and then an empty line", "An empty line after the answer is"
                    + " a second line: read every line, and check there is exactly one."},
            {spacing[0], spacing[1], ONE_SPACE},
        };
        boolean shell = Files.isExecutable(SHELL);
        List<String[]> tried = new ArrayList<>(Arrays.asList(kinds));
        Collections.shuffle(tried, random);
        for (String[] kind : shell ? tried : tried.subList(0, 1)) {
            int workers = 2 + random.nextInt(3);
            int failing = random.nextInt(workers - 1);
            assertFailureHandled(random, workers, failing, shell, "garbage " + kind[0],
                    kind[1] + ", and ended with status 0", kind[2]);
        }
    }

    private static final String PARSE_LONG = "Long.parseLong reads it as 1, but a worker writes a count as"
            + " Long.toString writes it: check that Long.toString(count) gives the word back.";
    private static final String ONE_SPACE = "An answer is two words separated by one space: split it with"
            + " split(\" \", -1) and check for two words; trim() and split(\"\\\\s+\") pass over other spaces and tabs.";

    @Test
    @Order(10)
    @Tag("hint:4")
    void aWorkerThatCannotBeStartedIsAnIOException(Random random) {
        List<String> command = List.of(Path.of("no-such-program-" + random.nextInt(1_000_000)).toAbsolutePath().toString());
        int workers = 1 + random.nextInt(3);
        try {
            Result r = PrimeSplitter.countPrimes(10_000L * workers, workers, command);
            fail("countPrimes(" + 10_000L * workers + ", " + workers + ", " + command + ") returned " + r + ", but"
                    + " that program does not exist; it must throw an IOException.");
        } catch (IOException expected) {
            // ProcessBuilder.start() said so, and countPrimes let it out
        } catch (Exception e) {
            fail("countPrimes with a worker program that does not exist threw " + e + "; it must throw the"
                    + " IOException ProcessBuilder.start() throws.", e);
        }
    }

    /**
     * Runs countPrimes with one worker told to fail (by {@code order}), the workers before it in the plan
     * told to count, and those after it told to run on until they are killed; every worker first waits for
     * all of them. countPrimes must throw an IOException that names the failed worker's PID, and no worker
     * may be alive when it does.
     */
    private static void assertFailureHandled(Random random, int workers, int failing, boolean shell, String order,
            String what, String why) throws Exception {
        long limit = 10_000L * workers + random.nextInt(10_000 * workers);
        List<List<Range>> plan = PrimeSplitter.plan(limit, workers);
        Map<String, String> orders = new HashMap<>();
        for (int i = 0; i < workers; i++) {
            long primes = plan.get(i).stream().mapToLong(r -> Weights.primes(r.from(), r.to())).sum();
            orders.put(Long.toString(plan.get(i).get(0).from()),
                    i < failing ? "say " + primes : i == failing ? order : "stall");
        }
        Folder folder = Folder.create(orders, workers);
        try {
            String failingFrom = Long.toString(plan.get(failing).get(0).from());
            Run run = call(limit, workers, folder, shell ? folder.shellCommand() : folder.command(workers), failingFrom);
            int after = workers - failing - 1;
            String story = "Of " + workers + " workers, worker " + (failing + 1) + " " + what + ";"
                    + (failing == 0 ? "" : " the " + (failing == 1 ? "one" : failing) + " before it answered as"
                    + " they should;") + " the " + (after == 1 ? "one after it runs" : after + " after it run")
                    + " until killed.";
            Long failedPid = folder.pidGiven(failingFrom).orElse(null);
            if (run == null) {
                // Reading a worker's output while the failed one has ended is reading one after it, which is
                // silent until killed: the failed worker's answer was taken for a good one.
                boolean readingOn = failedPid != null && SplitterCalls.readsAPipe(SplitterCalls.stuckAt);
                fail(story + " countPrimes(" + limit + ", " + workers + ", ...) had not come back "
                        + (failedPid == null ? COME_BACK_MS + " ms after it was called. A failed worker ends the"
                        + " count: throw at once, and kill the workers still running rather than wait for them."
                        : SplitterCalls.stuckAfterFailureMs + " ms after the failed worker ended: " + (readingOn
                        ? "it was reading the answer of a worker after it, so it had taken worker " + (failing + 1)
                        + "'s for a good one. " + why + " Such an answer is a failed worker's: throw for it at once."
                        : "it was still waiting for the workers after it. A failed worker ends the count: check each"
                        + " worker's status and answer as you collect it, throw at once, and kill the workers still"
                        + " running rather than wait for them.")));
            }
            if (run.thrown() == null) {
                fail(story + " countPrimes returned " + run.outcome() + " instead of throwing an IOException. Check"
                        + " each worker's exit status and answer: status 0, one line, its own PID and a count.");
            }
            if (!(run.thrown() instanceof IOException)) {
                fail(story + " countPrimes threw " + run.thrown() + "; a failed worker is an IOException.",
                        run.thrown());
            }
            String message = String.valueOf(run.thrown().getMessage());
            if (failedPid != null && !Pattern.compile("\\b" + failedPid + "\\b").matcher(message).find()) {
                fail(story + " countPrimes threw an IOException, but its message does not name the failed worker's"
                        + " PID, " + failedPid + ": \"" + message + "\". Say which worker failed: its pid().");
            }
            if (!run.aliveAtTheEnd().isEmpty()) {
                fail(story + " countPrimes threw its IOException, but at that instant the worker(s) "
                        + run.aliveAtTheEnd() + " were still running" + goneSoonAfter(run.aliveAtTheEnd()) + ".");
            }
        } finally {
            folder.delete();
        }
    }

    private static String goneSoonAfter(List<Long> pids) throws InterruptedException {
        boolean allGone = true;
        for (long pid : pids) {
            Optional<ProcessHandle> p = ProcessHandle.of(pid);
            if (p.isPresent() && !ProcessEnds.await(p.get(), Duration.ofMillis(500))) {
                allGone = false;
            }
        }
        return allGone ? "; they were gone soon after, so they had been killed but not waited for: wait until each"
                + " is gone (onExit().join(), or waitFor()) before the exception leaves countPrimes"
                : ", and still run: kill every worker that has not ended with destroyForcibly(), and wait until it"
                + " is gone, before the exception leaves countPrimes";
    }

    // ---- helpers ----

    /** Runs PrimeWorker.main in this JVM and returns what it printed on standard output. */
    private static String run(String[] args) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            PrimeWorker.main(args);
        } finally {
            System.setOut(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    /**
     * Limits and worker counts for the plan's cover: every seed meets the edges (one worker, as many numbers
     * as workers, remainders of 2 and more, a limit of exactly 10,000 per worker, limits near Long.MAX_VALUE),
     * then random ones from tiny to a billion.
     */
    private static List<long[]> planCases(Random random) {
        List<long[]> cases = new ArrayList<>();
        int w = 3 + random.nextInt(10);
        cases.add(new long[] {1, 1});
        cases.add(new long[] {1 + random.nextInt(1_000), 1});
        cases.add(new long[] {w, w});
        cases.add(new long[] {w + 1, w});
        cases.add(new long[] {w + 2, w});
        cases.add(new long[] {2L * w - 1, w});
        cases.add(new long[] {10_000L * w, w});
        cases.add(new long[] {10_000L * w + 2, w});
        cases.add(new long[] {10_000L * w + w - 1, w});
        cases.add(new long[] {64L * w + 2, w});
        cases.add(new long[] {64L * w * 64 + w - 1, w});
        // Limits a hundredfold apart, a million to a quintillion, before the biggest: a plan that cuts ranges of
        // a fixed size makes more of them than a worker may carry at one of these, a clear failure, where the
        // biggest limits would have it fill the heap with ranges for seconds before it ran out.
        long hundredfold = 1_000_000L;
        for (int k = 0; k < 7; k++, hundredfold *= 100) {
            cases.add(new long[] {hundredfold + random.nextInt(1_000), w});
        }
        cases.add(new long[] {Long.MAX_VALUE, w});
        cases.add(new long[] {Long.MAX_VALUE - random.nextInt(1_000), 1 + random.nextInt(12)});
        cases.add(new long[] {Long.MAX_VALUE / 2 + random.nextLong(Long.MAX_VALUE / 2), 1 + random.nextInt(12)});
        for (int i = 0; i < 200; i++) {
            int workers = 1 + random.nextInt(12);
            long limit = switch (random.nextInt(4)) {
                case 0 -> workers + random.nextInt(100);
                case 1 -> workers + random.nextInt(10_000);
                case 2 -> workers + random.nextInt(WEIGHED);
                default -> workers + (long) (random.nextDouble() * 1_000_000_000L);
            };
            cases.add(new long[] {limit, workers});
        }
        return cases;
    }

    /** Limits of at least 10,000 per worker, up to a million, and 2 to 12 workers; the edges first. */
    private static List<long[]> balanceCases(Random random) {
        List<long[]> cases = new ArrayList<>();
        int w = 2 + random.nextInt(11);
        cases.add(new long[] {10_000L * w, w});
        cases.add(new long[] {10_000L * w + w - 1, w});
        cases.add(new long[] {WEIGHED, 2});
        cases.add(new long[] {WEIGHED - 1 - random.nextInt(1_000), 2 + random.nextInt(11)});
        for (int i = 0; i < 100; i++) {
            int workers = 2 + random.nextInt(11);
            cases.add(new long[] {10_000L * workers + random.nextInt(WEIGHED - 10_000 * workers + 1), workers});
        }
        return cases;
    }

    /** When the numbers left out are at the top, and each range is as long as the others: limit / n rounded down. */
    private static String roundingDown(List<List<Range>> plan, long limit) {
        Set<Long> lengths = plan.stream().flatMap(List::stream).map(r -> r.to() - r.from()).collect(Collectors.toSet());
        return lengths.size() == 1 ? " All ranges hold " + lengths.iterator().next() + " numbers: a length of limit"
                + " divided by the number of ranges is rounded down, and what the rounding drops is lost at the top."
                : "";
    }

    /** For a limit so big that limit * k, for some k up to the number of ranges, passes Long.MAX_VALUE. */
    private static String wraps(long limit) {
        return limit > Long.MAX_VALUE / 1_024 ? " With a limit this big, limit * k passes Long.MAX_VALUE and wraps"
                + " around: divide first, limit / chunks * k + limit % chunks * k / chunks, which is the same number."
                : "";
    }

    private static String describe(List<Range> share) {
        if (share.size() <= 4) {
            return share.stream().map(r -> "[" + r.from() + ", " + r.to() + ")").collect(Collectors.joining(" "));
        }
        return share.size() + " ranges, " + describe(share.subList(0, 2)) + " ... " + describe(share.subList(share.size() - 1,
                share.size()));
    }

    private static String percentages(long[] work, long total) {
        List<String> parts = new ArrayList<>();
        for (long w : work) {
            parts.add(String.format("%.1f %%", 100.0 * w / total));
        }
        return String.join(", ", parts);
    }

    private static Long[] box(long[] values) {
        Long[] boxed = new Long[values.length];
        for (int i = 0; i < values.length; i++) {
            boxed[i] = values[i];
        }
        return boxed;
    }

}
