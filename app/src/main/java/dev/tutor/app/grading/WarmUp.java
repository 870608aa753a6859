package dev.tutor.app.grading;

import dev.tutor.app.course.CourseSource;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The grader's work before a save, in the background while the learner reads: the start-up cache, the spare
 * test JVM, and javac made fast.
 *
 * <p>javac gets faster for tens of compiles as the tutor's JIT compiles javac itself: a workload-probe attempt
 * took about 0.8 s to compile in a fresh JVM, 0.15 s at the fifth compile, 0.07 s at the tenth and 0.03 s from
 * about the thirtieth (two cores, bench/RESULTS.md, 2026-12-06 evening). So the likely attempt is compiled
 * again and again, one round a task, pausing while a grading runs so that the warm-up never slows a verdict.
 */
final class WarmUp implements AutoCloseable {
    /** How many times the warm-up compiles the likely attempt at most. */
    private static final int ROUNDS = 40;
    /** The longest the warm-up goes on compiling: on a slow machine it stops before its count. */
    private static final long BUDGET_NANOS = 12_000_000_000L;
    private static final Map<String, String> ANY_CLASS = Map.of("Warm.java",
            "class Warm { int twice(int x) { return 2 * x; } }");

    private final TestJvmPool pool;
    private final SourceCompiler compiler;
    private final CourseSource course;
    /** Compiles an attempt into a scratch folder, keeping its exercise's compiled tests, as a grading does. */
    private final BiConsumer<GradeRequest, Path> compileAttempt;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(task -> {
        Thread t = new Thread(task, "tutor-grader-warm-up");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        return t;
    });
    /** The attempt the learner is likely to save next; null until one is known. */
    private volatile GradeRequest likely;
    /** Guards {@link #gradingsUnderway}, and wakes the rounds when the last grading ends. */
    private final Object gradings = new Object();
    private int gradingsUnderway;

    WarmUp(TestJvmPool pool, SourceCompiler compiler, CourseSource course,
           BiConsumer<GradeRequest, Path> compileAttempt) {
        this.pool = pool;
        this.compiler = compiler;
        this.course = course;
        this.compileAttempt = compileAttempt;
    }

    /** Trains the start-up cache if it is missing, starts the spare JVM, then compiles round after round. */
    void start() {
        thread.execute(() -> {
            try {
                pool.trainStartupCache();
                pool.prestart();
                TestJvm.warmChannel();
            } catch (GradingException e) {
                // no spare now (no room in the temporary folder, or the tutor is ending): the first grading
                // starts one and says what went wrong
            }
        });
        startRounds(ROUNDS, BUDGET_NANOS);
    }

    /**
     * Compiles the likely attempt up to {@code rounds} times within {@code budgetNanos}, one round a task; the
     * budget counts from the first round, after a start-up cache's training (some 10 s once per tutor.jar).
     */
    void startRounds(int rounds, long budgetNanos) {
        thread.execute(() -> round(rounds, System.nanoTime() + budgetNanos));
    }

    /** Makes {@code attempt} the one the rounds compile, and compiles it once at the next turn. */
    CompletableFuture<Void> prepareFor(GradeRequest attempt) {
        likely = attempt;
        return CompletableFuture.runAsync(() -> compileOnce(attempt), thread);
    }

    /**
     * One round, then the next as a task of its own, so that a {@link #prepareFor} asked for meanwhile is not
     * held up by the rounds still to come.
     */
    private void round(int roundsLeft, long deadline) {
        if (roundsLeft <= 0 || !awaitNoGrading(deadline)) {
            return;
        }
        GradeRequest attempt = likely;
        if (attempt == null) {
            compileQuietly(scratch -> compiler.compile(ANY_CLASS, Map.of(), scratch));
        } else {
            // Every other round the reference solution: the learner's next save will hold code the stub does not
            // (lambdas, generics, a record), whose paths through javac the stub alone would leave cold.
            compileOnce(roundsLeft % 2 == 0 ? attempt : GradeRequest.ofEveryFile(attempt.exercise(), course::solution).orElse(attempt));
        }
        try {
            thread.execute(() -> round(roundsLeft - 1, deadline));
        } catch (RejectedExecutionException e) {
            // closed during this round: the rounds end here, without a word on the learner's terminal
        }
    }

    /** Compiles an attempt once, now, on the caller's thread, keeping its exercise's compiled tests. */
    void compileOnce(GradeRequest attempt) {
        compileQuietly(scratch -> compileAttempt.accept(attempt, scratch));
    }

    /** Compiles into a scratch folder of its own, deleted after. */
    private static void compileQuietly(Consumer<Path> compile) {
        Path scratch = null;
        try {
            scratch = ScratchFolders.create("tutor-warm");
            compile.accept(scratch);
        } catch (RuntimeException e) {
            // A warm-up that fails (a file the learner broke mid-edit, a full disk, the tutor ending) only leaves
            // javac colder.
        } finally {
            ScratchFolders.delete(scratch);
        }
    }

    /** Waits until no grading is under way; false when the deadline passed first. */
    private boolean awaitNoGrading(long deadline) {
        synchronized (gradings) {
            try {
                long left;
                while (gradingsUnderway > 0 && (left = deadline - System.nanoTime()) > 0) {
                    gradings.wait(Math.max(1, left / 1_000_000));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            return System.nanoTime() < deadline;
        }
    }

    /** Runs {@code javacWork} (a grading, or a compile one waits for) with the rounds held off meanwhile. */
    <T> T holdingOff(Supplier<T> javacWork) {
        gradingStarts();
        try {
            return javacWork.get();
        } finally {
            gradingEnds();
        }
    }

    void gradingStarts() {
        synchronized (gradings) {
            gradingsUnderway++;
        }
    }

    void gradingEnds() {
        synchronized (gradings) {
            gradingsUnderway--;
            gradings.notifyAll();
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
