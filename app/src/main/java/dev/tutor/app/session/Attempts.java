package dev.tutor.app.session;

import dev.tutor.app.course.Course;
import dev.tutor.app.course.Exercise;
import dev.tutor.app.grading.GradeReport;
import dev.tutor.app.grading.GradeRequest;
import dev.tutor.app.grading.Grader;
import dev.tutor.app.progress.Progress;
import dev.tutor.app.progress.ProgressStore;
import dev.tutor.app.workspace.Workspace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One learner's attempts: grades the files in their workspace and records each attempt in their progress.
 *
 * <p>Every face of the tutor (check, watch, the plain prompt, the full screen) grades through here, so a
 * verdict means the same and is counted the same wherever it was asked for.
 */
public final class Attempts {
    private final Course course;
    private final Workspace workspace;
    private final Grader grader;
    private final ProgressStore progress;
    private final Clock clock;

    public Attempts(Course course, Workspace workspace, Grader grader, ProgressStore progress, Clock clock) {
        this.course = course;
        this.workspace = workspace;
        this.grader = grader;
        this.progress = progress;
        this.clock = clock;
    }

    /** Grades the learner's current files for the exercise and records the attempt. */
    public GradeReport check(Exercise exercise) {
        return check(exercise, OptionalLong.empty());
    }

    /**
     * Grades the learner's current files for the exercise and records the attempt; with a seed, the tests'
     * varied inputs are those of the run that reported it.
     */
    public GradeReport check(Exercise exercise, OptionalLong seed) {
        Map<String, String> files = new LinkedHashMap<>();
        for (String file : exercise.files()) {
            files.put(file, workspace.read(file).orElseThrow(() -> new MissingFileException(
                    "The file " + workspace.learnerFile(file) + " is missing: restore it with 'tutor reset "
                            + exercise.id() + "'.")));
        }
        GradeReport report = grader.grade(new GradeRequest(exercise, files, seed));
        record(exercise, report);
        return report;
    }

    /** The exercise a saved file belongs to, if any. */
    public Optional<Exercise> exerciseOf(java.nio.file.Path savedFile) {
        return workspace.sourcePathOf(savedFile).flatMap(course::exerciseOwning);
    }

    private synchronized void record(Exercise exercise, GradeReport report) {
        Progress updated = progress.load()
                .withAttempt(exercise.id(), report.verdict().passed(), clock.instant())
                .withCurrent(exercise.id());
        try {
            progress.save(updated);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not save progress: " + e.getMessage(), e);
        }
    }

    /** A learner file the exercise needs is gone from the workspace. */
    public static final class MissingFileException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MissingFileException(String message) {
            super(message);
        }
    }
}
