package dev.tutor.exercises.processes;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Counts primes with several processes at once: the parent splits the numbers into ranges, starts one
 * worker process per range, and adds up what the workers answer.
 *
 * <p>Counting primes is CPU-bound, so one process keeps one core busy. Separate processes can run on
 * separate cores at the same instant; because they share no memory, each one gets its range on its
 * command line and gives back its count on its standard output.
 *
 * <p>Exercise: complete {@link #split} and {@link #countPrimes}, after {@link PrimeWorker#main}. Leave the
 * records as they are; the tests use them.
 */
public final class PrimeSplitter {

    private PrimeSplitter() {
    }

    /** The numbers {@code n} with {@code from <= n < to}. */
    public record Range(long from, long to) {
    }

    /** What one worker answered: its process ID, the range it was given, and the primes it found there. */
    public record WorkerReport(long pid, Range range, long primes) {
    }

    /** The total, and each worker's part of it in the order of the ranges. */
    public record Result(long primes, List<WorkerReport> workers) {
        public Result {
            workers = List.copyOf(workers);
        }
    }

    /**
     * Splits {@code [0, limit)} into {@code workers} ranges, in order, that together hold every number
     * exactly once and differ in length by at most one.
     */
    public static List<Range> split(long limit, int workers) {
        List<Range> ranges = new ArrayList<>(workers);
        // TODO: add workers ranges: the first starts at 0, each starts where the one before it ends,
        //       the last ends at limit, and their lengths differ by at most one.
        return ranges;
    }

    /**
     * Counts the primes below {@code limit} with {@code workers} child processes running at once, one per
     * range of {@link #split}. Each worker is started with {@code workerCommand} followed by its range's
     * {@code from} and {@code to}, and answers with one line, {@code PID COUNT}.
     *
     * @throws IOException if a worker could not be started, failed, or answered something else
     */
    public static Result countPrimes(long limit, int workers, List<String> workerCommand)
            throws IOException, InterruptedException {
        List<Range> ranges = split(limit, workers);
        List<WorkerReport> reports = new ArrayList<>();
        long total = 0;
        // TODO: start one worker per range: workerCommand, then the range's from and to as two more words.
        // TODO: once all of them run, read each worker's answer line, "PID COUNT", and wait for it to end.
        // TODO: add a WorkerReport per worker, in the order of the ranges, and add up the counts.
        return new Result(total, reports);
    }
}
