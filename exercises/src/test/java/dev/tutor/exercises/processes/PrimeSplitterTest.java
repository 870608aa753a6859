package dev.tutor.exercises.processes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tutor.exercises.processes.PrimeSplitter.Range;
import dev.tutor.exercises.processes.PrimeSplitter.Result;
import dev.tutor.exercises.processes.PrimeSplitter.WorkerReport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Grades {@link PrimeWorker} and {@link PrimeSplitter}, in the order of the exercise: the worker's
 * answer (hint 1), the split into ranges (hint 2), then the workers started together and their counts
 * merged (hint 3).
 *
 * <p>The workers run as {@link TogetherWorker}, which waits at a barrier until every worker of the run
 * has started and only then hands over to {@link PrimeWorker#main}. Workers that run at the same time
 * pass the barrier at once; a worker whose parent waits for it before starting the next one waits there
 * alone until {@link TogetherWorker#PATIENCE} runs out, and says so. Each worker also leaves a file
 * named after its PID, so the test knows which processes really ran. One run of three workers is shared
 * by the tests that look at it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PrimeSplitterTest {

    /** The test JVM's own class path, which holds the tests and the classes under test. */
    private static final String CHILD_CLASS_PATH = System.getProperty("java.class.path");
    private static final long LIMIT = 200_003;
    private static final int WORKERS = 3;

    private static Path barrier;
    private static Result counted;
    private static Throwable countFailed;

    @Test
    @Order(1)
    @Tag("hint:1")
    void workerAnswersWithItsPidAndCount() {
        long pid = ProcessHandle.current().pid();
        assertWorkerSays(pid + " 6", "10", "30", "the primes 11, 13, 17, 19, 23 and 29");
        assertWorkerSays(pid + " 25", "0", "100", "the 25 primes below 100");
        assertWorkerSays(pid + " 0", "24", "29", "no prime at all");
    }

    @Test
    @Order(2)
    @Tag("hint:2")
    void splitCoversEveryNumberOnce() {
        assertSplit(100, 4);
        assertSplit(100_003, 3);
        assertSplit(10, 3);
        assertSplit(7, 7);
        assertSplit(1_000, 1);
    }

    @Test
    @Order(3)
    @Tag("hint:3")
    void countsAsManyPrimesAsOneProcess() {
        Result r = countTogether();

        long expected = primesBelow(LIMIT);
        assertEquals(WORKERS, r.workers().size(), () -> "countPrimes(" + LIMIT + ", " + WORKERS + ", ...) returned"
                + " " + r.workers().size() + " worker reports. Start one worker per range of split() and add a"
                + " WorkerReport for each.");
        List<Range> ranges = PrimeSplitter.split(LIMIT, WORKERS);
        for (int i = 0; i < WORKERS; i++) {
            WorkerReport w = r.workers().get(i);
            Range range = ranges.get(i);
            int number = i + 1;
            assertEquals(range, w.range(), () -> "Report " + number + " of " + WORKERS + " should be for "
                    + range + ", range " + number + " of split(); keep the reports in the order of the ranges.");
            long inRange = primesBelow(range.to()) - primesBelow(range.from());
            assertEquals(inRange, w.primes(), () -> "There are " + inRange + " primes in " + range + ", but the"
                    + " worker for it reported " + w.primes() + ". Give each worker its range's from and to as"
                    + " its two last arguments, and read the count from its answer line, \"PID COUNT\".");
        }
        assertEquals(expected, r.primes(), () -> "There are " + expected + " primes below " + LIMIT
                + " and the workers found " + r.workers().stream().map(WorkerReport::primes).toList()
                + ", but countPrimes reported " + r.primes() + " in all; add up the workers' counts.");
    }

    @Test
    @Order(4)
    @Tag("hint:3")
    void workersAreSeparateProcesses() {
        Result r = countTogether();

        Set<Long> reported = r.workers().stream().map(WorkerReport::pid).collect(Collectors.toSet());
        Set<Long> ran = TogetherWorker.arrived(barrier);
        assertEquals(WORKERS, reported.size(), () -> "The " + WORKERS + " reports name the PIDs "
                + r.workers().stream().map(WorkerReport::pid).toList() + ". Each worker is a process of its own,"
                + " with a PID of its own: report process.pid(), or the PID the worker printed.");
        assertFalse(reported.contains(ProcessHandle.current().pid()),
                "One report names this JVM's own PID; the counting must happen in child processes.");
        assertEquals(ran, reported, () -> "The worker processes that really ran had the PIDs " + ran
                + ", but the reports name " + reported + ".");
    }

    @Test
    @Order(5)
    @Tag("hint:3")
    void workersRunAtTheSameTime() {
        Result r = countTogether();

        assertTrue(TogetherWorker.waitedAlone(barrier).isEmpty(), () -> "Some workers waited alone: "
                + TogetherWorker.waitedAlone(barrier) + ". Start every worker before you wait for any.");
        assertEquals(WORKERS, TogetherWorker.arrived(barrier).size(), () -> WORKERS + " workers should have run,"
                + " but " + TogetherWorker.arrived(barrier).size() + " did (result " + r + ").");
    }

    @AfterAll
    static void removeBarrier() throws IOException {
        if (barrier != null) {
            try (Stream<Path> files = Files.walk(barrier)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    // ---- the worker the test starts ----

    /**
     * Started as {@code TogetherWorker BARRIER_DIR WORKERS FROM TO}: leaves a file named after its PID in
     * the barrier folder, waits until {@code WORKERS} such files are there, and then runs
     * {@code PrimeWorker FROM TO}. If the others do not come within {@link #PATIENCE_MS}, it leaves an
     * {@code alone-PID} file, says so on standard error and exits with status 3.
     */
    static final class TogetherWorker {
        static final long PATIENCE_MS = 8_000;
        static final String PATIENCE = PATIENCE_MS / 1000 + " s";

        public static void main(String[] args) throws IOException, InterruptedException {
            Path folder = Path.of(args[0]);
            int workers = Integer.parseInt(args[1]);
            long pid = ProcessHandle.current().pid();
            Files.createFile(folder.resolve("arrived-" + pid));
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PATIENCE_MS);
            while (arrived(folder).size() < workers) {
                if (System.nanoTime() > deadline) {
                    Files.createFile(folder.resolve("alone-" + pid));
                    System.err.println("worker " + pid + ": only " + arrived(folder).size() + " of " + workers
                            + " workers had started after " + PATIENCE);
                    System.exit(3);
                }
                Thread.sleep(5);
            }
            PrimeWorker.main(new String[] {args[2], args[3]});
        }

        static Set<Long> arrived(Path folder) {
            return pidsOf(folder, "arrived-");
        }

        static Set<Long> waitedAlone(Path folder) {
            return pidsOf(folder, "alone-");
        }

        private static Set<Long> pidsOf(Path folder, String prefix) {
            try (Stream<Path> files = Files.list(folder)) {
                return files.map(p -> p.getFileName().toString()).filter(name -> name.startsWith(prefix))
                        .map(name -> Long.parseLong(name.substring(prefix.length())))
                        .collect(Collectors.toSet());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    // ---- helpers ----

    /** Runs countPrimes once with workers that must meet at the barrier, and keeps what happened. */
    private static synchronized Result countTogether() {
        if (counted == null && countFailed == null) {
            try {
                barrier = Files.createTempDirectory("tutor-split-work");
                List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp", CHILD_CLASS_PATH, TogetherWorker.class.getName(), barrier.toString(),
                        Integer.toString(WORKERS));
                counted = PrimeSplitter.countPrimes(LIMIT, WORKERS, command);
            } catch (Exception | AssertionError e) {
                countFailed = e;
            } finally {
                ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
            }
        }
        if (countFailed != null) {
            Set<Long> alone = barrier == null ? Set.of() : TogetherWorker.waitedAlone(barrier);
            if (!alone.isEmpty()) {
                fail("The workers did not run at the same time. Each worker waits until all " + WORKERS
                        + " have started; worker " + alone + " waited " + TogetherWorker.PATIENCE + " and no"
                        + " other came, so countPrimes failed with: " + countFailed + ". Waiting for a worker"
                        + " (reading its answer, or waitFor()) before starting the next makes them run one"
                        + " after another. Start every worker first, then read and wait for each.", countFailed);
            }
            fail("countPrimes(" + LIMIT + ", " + WORKERS + ", ...) failed: " + countFailed, countFailed);
        }
        assertNotNull(counted, "countPrimes returned null; return a new Result(total, reports)");
        return counted;
    }

    private static void assertWorkerSays(String expected, String from, String to, String what) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            PrimeWorker.main(new String[] {from, to});
        } finally {
            System.setOut(original);
        }
        String said = captured.toString(StandardCharsets.UTF_8);
        assertEquals(expected, said.strip(), () -> "Started with the range " + from + " " + to + ", which holds "
                + what + ", PrimeWorker should print one line, its PID and the count: \"" + expected + "\"."
                + " It printed " + (said.isEmpty() ? "nothing" : "\"" + said.strip() + "\"") + ". Its own PID"
                + " is ProcessHandle.current().pid(), and countPrimes(from, to) does the counting.");
        assertEquals(1, said.lines().count(), () -> "PrimeWorker should print exactly one line, but printed: "
                + said);
    }

    private static void assertSplit(long limit, int workers) {
        List<Range> ranges = PrimeSplitter.split(limit, workers);
        String call = "split(" + limit + ", " + workers + ") returned " + ranges;
        assertNotNull(ranges, "split returned null; return a list of Range");
        assertEquals(workers, ranges.size(), () -> call + ": one range per worker, " + workers + " in all.");
        assertEquals(0, ranges.get(0).from(), () -> call + ": the first range must start at 0.");
        for (int i = 1; i < workers; i++) {
            Range before = ranges.get(i - 1);
            Range range = ranges.get(i);
            assertEquals(before.to(), range.from(), () -> call + ": " + range + " must start where " + before
                    + " ends, or numbers are counted twice or not at all.");
        }
        long end = ranges.get(workers - 1).to();
        assertEquals(limit, end, () -> call + ": the last range ends at " + end + ", not at " + limit
                + (end < limit ? ", so the numbers from " + end + " on are never counted. limit / workers"
                        + " rounds down; compute each boundary as limit * i / workers, or give the last range"
                        + " what is left." : "."));
        long shortest = ranges.stream().mapToLong(r -> r.to() - r.from()).min().orElseThrow();
        long longest = ranges.stream().mapToLong(r -> r.to() - r.from()).max().orElseThrow();
        assertTrue(longest - shortest <= 1, () -> call + ": the lengths run from " + shortest + " to " + longest
                + "; spread the numbers evenly, so that no worker gets more than one number more than another.");
    }

    /** The number of primes below {@code n}, by a sieve in this JVM: the answer one process gives. */
    private static long primesBelow(long n) {
        boolean[] composite = new boolean[(int) Math.max(n, 2)];
        long count = 0;
        for (int i = 2; i < n; i++) {
            if (!composite[i]) {
                count++;
                for (long j = (long) i * i; j < n; j += i) {
                    composite[(int) j] = true;
                }
            }
        }
        return count;
    }

}
