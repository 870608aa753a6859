package dev.tutor.exercises.processes;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Counts primes with several processes at once: the parent deals the numbers out to worker processes,
 * starts them all, and adds up what they answer.
 *
 * <p>Counting primes is CPU-bound, so one process keeps one core busy, and the job is done when its last
 * worker is. Equal ranges of numbers are not equal work: trial division tests a big number with more
 * divisions than a small one, so a worker given the top range would still be counting while the others
 * wait. The plan here balances the work instead of the numbers.
 *
 * <p>Exercise: complete {@link #plan} and {@link #countPrimes}, after {@link PrimeWorker#main}. Leave the
 * records and {@link #MAX_RANGES_PER_WORKER} as they are; the tests use them.
 */
public final class PrimeSplitter {

    /** The most ranges one worker may be given, which keeps its command line short. */
    public static final int MAX_RANGES_PER_WORKER = 64;

    private PrimeSplitter() {
    }

    /** The numbers {@code n} with {@code from <= n < to}. */
    public record Range(long from, long to) {
    }

    /** What one worker answered: its process ID, the ranges it was given, and the primes it found in them. */
    public record WorkerReport(long pid, List<Range> ranges, long primes) {
        public WorkerReport {
            ranges = List.copyOf(ranges);
        }
    }

    /** The total, and each worker's part of it in the order of the plan. */
    public record Result(long primes, List<WorkerReport> workers) {
        public Result {
            workers = List.copyOf(workers);
        }
    }

    /**
     * Deals the numbers {@code 0 <= n < limit} out to {@code workers} workers: one list of ranges for each
     * worker, such that
     * <ul>
     *   <li>every number below {@code limit}, which may be as big as {@link Long#MAX_VALUE}, is in exactly one
     *       range of one worker, and no range is empty;</li>
     *   <li>every worker gets at least one range, and at most {@link #MAX_RANGES_PER_WORKER};</li>
     *   <li>the work is balanced: no worker gets more than 10 % more work than the average worker, whenever
     *       {@code limit} is at least 10,000 times {@code workers}. The work of a number {@code n} is the
     *       number of divisions {@link PrimeWorker#isPrime} makes to test it: none for {@code n < 2}; one,
     *       {@code n % 2}, for an even {@code n}; for an odd {@code n}, that one and one more for each odd
     *       {@code d} it tries, from 3 up to the first that divides {@code n} or the last with
     *       {@code d * d <= n}. (Below 10,000 numbers per worker, a few costly primes decide the balance, and
     *       it is not required.)</li>
     * </ul>
     * The plan depends on {@code limit} and {@code workers} alone: it tests no number, which is the workers'
     * job.
     *
     * @throws IllegalArgumentException if {@code workers < 1} or {@code limit < workers}
     */
    public static List<List<Range>> plan(long limit, int workers) {
        List<List<Range>> shares = new ArrayList<>(workers);
        // TODO: refuse workers < 1 and limit < workers with an IllegalArgumentException.
        // TODO: give each worker a list of ranges: together they hold every number below limit once, and
        //       each worker's ranges hold about as much work as the others', not just as many numbers.
        return shares;
    }

    /**
     * Counts the primes below {@code limit} with {@code workers} child processes running at once, one per
     * list of ranges of {@link #plan plan(limit, workers)}. Each worker is started with {@code workerCommand}
     * followed by the {@code from} and {@code to} of each of its ranges, in order, and answers with one line
     * on its standard output, {@code PID COUNT}; what it writes on its standard error, however much, is not
     * part of its answer. Every worker is started before any answer is read.
     *
     * <p>A worker has failed if it ends with a status other than 0, or if its standard output is not exactly
     * one line of two words, separated by one space: its own PID and a count of 0 or more, each written as
     * {@link Long#toString(long)} writes it, digits only, with no sign and no leading zero ({@code +5} and
     * {@code 007} are not counts). An empty line after the answer is a second line. Then this method
     * throws an {@link IOException} whose message names the failed worker's PID, and leaves no worker
     * running: every worker still running is killed, and gone, by the time the exception leaves this method.
     * The same holds if a worker cannot be started.
     *
     * @return the total, and a {@link WorkerReport} per worker, in the order of the plan
     * @throws IOException              if a worker could not be started, or failed
     * @throws IllegalArgumentException if {@link #plan} refuses {@code limit} and {@code workers}
     */
    public static Result countPrimes(long limit, int workers, List<String> workerCommand)
            throws IOException, InterruptedException {
        List<List<Range>> plan = plan(limit, workers);
        List<WorkerReport> reports = new ArrayList<>();
        long total = 0;
        // TODO: start one worker per list of the plan: workerCommand, then from and to of each of its ranges.
        // TODO: once all of them run, read each worker's answer line, "PID COUNT", and wait for it to end;
        //       check its status and its answer.
        // TODO: add a WorkerReport per worker, in the order of the plan, and add up the counts.
        // TODO: if a worker fails, throw an IOException naming its PID, with no worker left running.
        return new Result(total, reports);
    }
}
