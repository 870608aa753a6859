package dev.tutor.exercises.processes;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Counts primes with several processes at once: the parent splits the numbers into ranges, starts one
 * worker process per range, and adds up what the workers answer.
 *
 * <p>Counting primes is CPU-bound, so one process keeps one core busy. Separate processes can run on
 * separate cores at the same instant; because they share no memory, each one gets its range on its
 * command line and gives back its count on its standard output.
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
        if (limit < 0 || workers < 1) {
            throw new IllegalArgumentException("limit " + limit + " and workers " + workers + ": need limit >= 0"
                    + " and workers >= 1");
        }
        List<Range> ranges = new ArrayList<>(workers);
        for (int i = 0; i < workers; i++) {
            ranges.add(new Range(limit * i / workers, limit * (i + 1) / workers));
        }
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
        Objects.requireNonNull(workerCommand, "workerCommand");
        List<Range> ranges = split(limit, workers);
        List<Process> running = new ArrayList<>(workers);
        try {
            // Known mistake: starts a worker and waits for its answer before starting the next, so the
            // workers run one after another, never at the same time.
            List<WorkerReport> reports = new ArrayList<>(workers);
            long total = 0;
            for (Range range : ranges) {
                List<String> command = new ArrayList<>(workerCommand);
                command.add(Long.toString(range.from()));
                command.add(Long.toString(range.to()));
                Process worker = new ProcessBuilder(command).redirectErrorStream(true).start();
                running.add(worker);
                WorkerReport report = collect(worker, range);
                reports.add(report);
                total += report.primes();
            }
            return new Result(total, reports);
        } finally {
            for (Process worker : running) {
                if (worker.isAlive()) {
                    worker.destroyForcibly();
                }
            }
        }
    }

    /** Reads a worker's answer to its end, waits for it to exit, and checks what it said. */
    private static WorkerReport collect(Process worker, Range range) throws IOException, InterruptedException {
        List<String> lines;
        try (BufferedReader out = worker.inputReader()) {
            lines = out.lines().toList();
        }
        int status = worker.waitFor();
        String[] answer = lines.isEmpty() ? new String[0] : lines.get(lines.size() - 1).trim().split(" ");
        if (status != 0 || answer.length != 2 || !answer[0].equals(Long.toString(worker.pid()))) {
            throw new IOException("worker " + worker.pid() + " for " + range + " ended with status " + status
                    + " and said " + lines + "; expected one line: its PID and its count");
        }
        try {
            return new WorkerReport(worker.pid(), range, Long.parseLong(answer[1]));
        } catch (NumberFormatException e) {
            throw new IOException("worker " + worker.pid() + " answered '" + answer[1] + "' for its count", e);
        }
    }
}
