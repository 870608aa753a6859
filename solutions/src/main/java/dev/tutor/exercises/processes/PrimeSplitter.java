package dev.tutor.exercises.processes;

import java.io.BufferedReader;
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
 */
public final class PrimeSplitter {

    /** The most ranges one worker may be given, which keeps its command line short. */
    public static final int MAX_RANGES_PER_WORKER = 64;

    /** Enough small ranges per worker that dealing them out in turn evens the work out within a few per cent. */
    private static final int RANGES_PER_WORKER = 32;

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
        if (workers < 1 || limit < workers) {
            throw new IllegalArgumentException("cannot deal " + limit + " numbers out to " + workers + " workers:"
                    + " need workers >= 1 and at least one number per worker");
        }
        // Many small ranges dealt out in turn give every worker small and big numbers alike. No more ranges
        // than numbers, so that none is empty.
        long chunks = Math.min((long) RANGES_PER_WORKER * workers, limit);
        List<List<Range>> shares = new ArrayList<>(workers);
        for (int i = 0; i < workers; i++) {
            shares.add(new ArrayList<>());
        }
        for (long k = 0; k < chunks; k++) {
            shares.get((int) (k % workers)).add(new Range(boundary(limit, k, chunks), boundary(limit, k + 1, chunks)));
        }
        return shares;
    }

    /** {@code limit * k / chunks}, rounded down, without the overflow of {@code limit * k}. */
    private static long boundary(long limit, long k, long chunks) {
        return limit / chunks * k + limit % chunks * k / chunks;
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
        List<Process> running = new ArrayList<>(plan.size());
        try {
            // Start them all first: a worker waited for before the next one starts runs alone.
            for (List<Range> share : plan) {
                List<String> command = new ArrayList<>(workerCommand);
                for (Range range : share) {
                    command.add(Long.toString(range.from()));
                    command.add(Long.toString(range.to()));
                }
                running.add(new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start());
            }
            List<WorkerReport> reports = new ArrayList<>(plan.size());
            long total = 0;
            for (int i = 0; i < plan.size(); i++) {
                WorkerReport report = collect(running.get(i), plan.get(i));
                reports.add(report);
                total += report.primes();
            }
            return new Result(total, reports);
        } finally {
            // After a failure the others would run on, counting for nobody. Killing one that has ended does
            // nothing; join() waits without being interruptible, so an interrupt cannot leave one running.
            for (Process worker : running) {
                worker.destroyForcibly();
            }
            for (Process worker : running) {
                worker.onExit().join();
            }
        }
    }

    /** Reads a worker's answer to its end, waits for it to exit, and checks what it said. */
    private static WorkerReport collect(Process worker, List<Range> share) throws IOException, InterruptedException {
        List<String> lines;
        try (BufferedReader out = worker.inputReader()) {
            lines = out.lines().toList();
        }
        int status = worker.waitFor();
        String[] answer = lines.size() == 1 ? lines.get(0).split(" ", -1) : new String[0];
        long primes = answer.length == 2 && answer[0].equals(Long.toString(worker.pid())) ? count(answer[1]) : -1;
        if (status != 0 || primes < 0) {
            throw new IOException("worker " + worker.pid() + " (" + share.size() + " ranges from " + share.get(0).from()
                    + ") ended with status " + status + " and answered " + lines + "; a worker answers with one"
                    + " line, its PID and its count, and ends with status 0");
        }
        return new WorkerReport(worker.pid(), share, primes);
    }

    /** The count a worker answered, or -1 if it is not a number of 0 or more as Long.toString writes it. */
    private static long count(String word) {
        try {
            long count = Long.parseLong(word);
            // parseLong also takes "+5" and "007", which no worker writes.
            return Long.toString(count).equals(word) ? count : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
