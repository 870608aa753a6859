package dev.tutor.app.grading;

import dev.tutor.app.course.CourseSource;
import dev.tutor.app.course.Exercise;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Verifies the exercises of a course several at a time, each on a grader of its own, for {@code tutor verify
 * --jobs N} and the build's proof of the course.
 *
 * <p>Much of a course's verification is spent waiting rather than computing: for children and deadlines
 * (child-process's, for one), for a test JVM to boot, for sockets. A second
 * exercise's gradings use that time. Isolation is as in a single run: every grading still has a fresh test JVM of
 * its own. The lines each exercise logs come out in the course's order, an exercise's as they come once every
 * exercise before it is done, so the output reads as a single run's does.
 */
public final class VerificationJobs implements AutoCloseable {
    private final List<Grader> ownGraders = new ArrayList<>();
    private final List<CourseVerifier> verifiers = new ArrayList<>();
    private final BlockingQueue<CourseVerifier> free;
    private final ExecutorService jobs;

    /**
     * What verifying one exercise found: its problems, one line each, none when it is sound, and every line it
     * logged.
     */
    public record Outcome(Exercise exercise, List<String> problems, List<String> log) {
    }

    /**
     * @param first     a grader to use for the first job, owned by the caller
     * @param jobs      how many exercises are verified at once, at least 1
     * @param newGrader makes the grader of each job after the first; those are closed with this
     */
    public VerificationJobs(CourseSource source, Grader first, int jobs, Supplier<Grader> newGrader) {
        if (jobs < 1) {
            throw new IllegalArgumentException("jobs must be at least 1: " + jobs);
        }
        free = new ArrayBlockingQueue<>(jobs);
        for (int i = 0; i < jobs; i++) {
            Grader grader = i == 0 ? first : newGrader.get();
            if (i > 0) {
                ownGraders.add(grader);
            }
            CourseVerifier verifier = new CourseVerifier(source, grader);
            verifiers.add(verifier);
            free.add(verifier);
        }
        this.jobs = Executors.newFixedThreadPool(jobs, task -> {
            Thread thread = new Thread(task, "tutor-verify-job");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Starts verifying every exercise, grading each solution {@code solutionRuns} times and each known mistake
     * {@code mistakeRuns} times, and returns at once; {@code log} gets every line, in the order of
     * {@code exercises}. The futures complete in that order's list, each when its exercise is done.
     */
    public List<CompletableFuture<Outcome>> start(List<Exercise> exercises, int solutionRuns, int mistakeRuns,
                                                  Consumer<String> log) {
        InCourseOrder ordered = new InCourseOrder(exercises.size(), log);
        List<CompletableFuture<Outcome>> outcomes = new ArrayList<>();
        for (int i = 0; i < exercises.size(); i++) {
            int place = i;
            Exercise exercise = exercises.get(i);
            outcomes.add(CompletableFuture.supplyAsync(() -> {
                CourseVerifier verifier = free.remove();
                List<String> lines = new ArrayList<>();
                try {
                    List<String> problems = verifier.verify(exercise, solutionRuns, mistakeRuns, line -> {
                        lines.add(line);
                        ordered.line(place, line);
                    });
                    return new Outcome(exercise, problems, List.copyOf(lines));
                } finally {
                    free.add(verifier);
                    ordered.finished(place);
                }
            }, jobs));
        }
        return outcomes;
    }

    /** Every wrong answer's verdict time so far, over every job, for a summary over the course. */
    public List<CourseVerifier.WrongAnswerTime> wrongAnswerTimes() {
        List<CourseVerifier.WrongAnswerTime> times = new ArrayList<>();
        verifiers.forEach(v -> times.addAll(v.wrongAnswerTimes()));
        return times;
    }

    @Override
    public void close() {
        jobs.shutdownNow();
        ownGraders.forEach(Grader::close);
    }

    /**
     * Passes on the lines of the exercise whose turn it is as they come, and holds the others' until their turn:
     * an exercise's turn comes when every one before it has finished.
     */
    private static final class InCourseOrder {
        private final List<List<String>> held = new ArrayList<>();
        private final boolean[] finished;
        private final Consumer<String> log;
        private int turn;

        InCourseOrder(int exercises, Consumer<String> log) {
            for (int i = 0; i < exercises; i++) {
                held.add(new ArrayList<>());
            }
            this.finished = new boolean[exercises];
            this.log = log;
        }

        synchronized void line(int place, String line) {
            if (place == turn) {
                log.accept(line);
            } else {
                held.get(place).add(line);
            }
        }

        synchronized void finished(int place) {
            finished[place] = true;
            while (turn < finished.length && finished[turn]) {
                turn++;
                if (turn < finished.length) {
                    held.get(turn).forEach(log);
                    held.get(turn).clear();
                }
            }
        }
    }
}
