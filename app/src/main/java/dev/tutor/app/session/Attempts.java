package dev.tutor.app.session;

import dev.tutor.app.course.Course;
import dev.tutor.app.course.CourseSource;
import dev.tutor.app.course.Exercise;
import dev.tutor.app.grading.GradeReport;
import dev.tutor.app.grading.GradeRequest;
import dev.tutor.app.grading.Grader;
import dev.tutor.app.grading.Verdict;
import dev.tutor.app.progress.Progress;
import dev.tutor.app.progress.ProgressStore;
import dev.tutor.app.workspace.Workspace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
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
    private final CourseSource source;
    private final Workspace workspace;
    private final Grading grader;
    private final ProgressStore progress;
    private final Clock clock;

    /**
     * What attempts need of a grader: a test JVM started ahead of the grading, and the grading itself; the seam
     * through which a test sees whether an attempt was graded at all.
     */
    interface Grading {
        void startTestJvmFor(Exercise exercise);

        void prepareFor(GradeRequest likely);

        void warmUp();

        void compileAhead(GradeRequest attempt);

        GradeReport grade(GradeRequest request);
    }

    public Attempts(Course course, CourseSource source, Workspace workspace, Grader grader, ProgressStore progress,
                    Clock clock) {
        this(course, source, workspace, new Grading() {
            @Override
            public void startTestJvmFor(Exercise exercise) {
                grader.startTestJvmFor(exercise);
            }

            @Override
            public void prepareFor(GradeRequest likely) {
                grader.prepareFor(likely);
            }

            @Override
            public void warmUp() {
                grader.warmUp();
            }

            @Override
            public void compileAhead(GradeRequest attempt) {
                grader.compileAhead(attempt);
            }

            @Override
            public GradeReport grade(GradeRequest request) {
                return grader.grade(request);
            }
        }, progress, clock);
    }

    Attempts(Course course, CourseSource source, Workspace workspace, Grading grader, ProgressStore progress,
             Clock clock) {
        this.course = course;
        this.source = source;
        this.workspace = workspace;
        this.grader = grader;
        this.progress = progress;
        this.clock = clock;
    }

    /**
     * Grades the learner's current files for the exercise and records the attempt; an untouched stub is told
     * at once that it is not started, without compiling or grading.
     */
    public Attempt check(Exercise exercise) {
        return check(exercise, OptionalLong.empty());
    }

    /**
     * Grades the learner's current files for the exercise and records the attempt; with a seed, the tests'
     * varied inputs are those of the run that reported it.
     *
     * <p>Files that are all still the stub (an IDE that saves on open, say) are not compiled or graded: the
     * stub fails its tests by design ({@code tutor verify} proves it, grading stubs through the grader itself),
     * so its verdict is known, and the learner hears "not started yet" at once instead of seconds later.
     */
    public Attempt check(Exercise exercise, OptionalLong seed) {
        Attempt attempt = assess(exercise, seed);
        keep(attempt);
        return attempt;
    }

    /**
     * Grades like {@link #check(Exercise, OptionalLong)} and works out the progress the attempt makes, without
     * saving it: for a face that shows the verdict first and then saves with {@link #keep}, since writing the
     * progress file waits for the disk.
     */
    public Attempt assess(Exercise exercise, OptionalLong seed) {
        Map<String, String> files = new LinkedHashMap<>();
        for (String file : exercise.files()) {
            files.put(file, workspace.read(file).orElseThrow(() -> new MissingFileException(
                    "The file " + workspace.learnerFile(file) + " is missing: restore it with 'tutor reset "
                            + exercise.id() + "'.")));
        }
        if (stubs(files)) {
            GradeReport notRun = new GradeReport(exercise.id(), new Verdict.TestsFailed(List.of(), 0, 0), "", 0,
                    Duration.ZERO, GradeReport.Phases.NONE);
            return new Attempt(exercise, files, notRun, progressAfter(exercise, notRun, true), true);
        }
        grader.startTestJvmFor(exercise); // boots while the files are compiled; no-op if one waits
        GradeReport report = grader.grade(new GradeRequest(exercise, files, seed));
        return new Attempt(exercise, files, report, progressAfter(exercise, report, false), false);
    }

    /** Saves the progress an attempt made; the exception's message says which file could not be written. */
    public void keep(Attempt attempt) {
        try {
            progress.save(attempt.progress());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not save progress: " + e.getMessage(), e);
        }
    }

    /**
     * Warms the grader up in the background for the learner's first save: a spare test JVM, and the compiler on
     * the exercise they will resume.
     */
    public void warmUp() {
        grader.warmUp();
        prepare(Standing.resume(course, progress.load()));
    }

    /**
     * Readies the grader for a save of this exercise, in the background: the learner has it open or is about to
     * (the exercise they stopped at). Its files as they stand now are the likely attempt; an exercise with a
     * file missing is left alone, since its save will only say which file to restore.
     */
    public void prepare(Exercise exercise) {
        GradeRequest.ofEveryFile(exercise, workspace::read).ifPresent(grader::prepareFor);
    }

    /**
     * Starts compiling the exercise's files as they stand, for the save the learner is making, so that its grading
     * finds them compiled; an untouched stub, which is never graded, and an exercise with a file missing are left
     * alone.
     */
    public void compileAhead(Exercise exercise) {
        GradeRequest.ofEveryFile(exercise, workspace::read)
                .filter(attempt -> !stubs(attempt.learnerSources()))
                .ifPresent(grader::compileAhead);
    }

    /** Whether every file of the exercise in the workspace is still the stub: nothing attempted yet. */
    public boolean untouched(Exercise exercise) {
        Map<String, String> files = filesAsTheyStand(exercise);
        return files.size() == exercise.files().size() && stubs(files);
    }

    /** The exercise's files in the workspace now, by source path; a missing one is left out. */
    private Map<String, String> filesAsTheyStand(Exercise exercise) {
        Map<String, String> files = new LinkedHashMap<>();
        for (String file : exercise.files()) {
            workspace.read(file).ifPresent(text -> files.put(file, text));
        }
        return files;
    }

    /** Whether each of these learner files says what its stub says. */
    private boolean stubs(Map<String, String> files) {
        return files.entrySet().stream().allMatch(f -> source.stub(f.getKey())
                .map(stub -> sameText(stub, f.getValue())).orElse(false));
    }

    /** Whether two versions of a file say the same, whichever line endings an editor saved them with. */
    private static boolean sameText(String a, String b) {
        return a.replace("\r\n", "\n").strip().equals(b.replace("\r\n", "\n").strip());
    }

    /** The exercise a saved file belongs to, if any. */
    public Optional<Exercise> exerciseOf(java.nio.file.Path savedFile) {
        return workspace.sourcePathOf(savedFile).flatMap(course::exerciseOwning);
    }

    /**
     * The progress with the attempt counted; files that are all still the stubs are no attempt, and leave the
     * exercise not started (again, after a reset or a stub put back by hand).
     */
    private Progress progressAfter(Exercise exercise, GradeReport report, boolean untouched) {
        Progress before = progress.load();
        return (untouched ? before.withStubsAgain(exercise.id())
                : before.withAttempt(exercise.id(), report.verdict().passed(), clock.instant())).withCurrent(exercise.id());
    }

    /** A learner file the exercise needs is gone from the workspace. */
    public static final class MissingFileException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MissingFileException(String message) {
            super(message);
        }
    }
}
