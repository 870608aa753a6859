package dev.tutor.app.tui;

import dev.tutor.app.course.Exercise;
import dev.tutor.app.grading.CompileError;
import dev.tutor.app.grading.GradeReport;
import dev.tutor.app.grading.TestFailure;
import dev.tutor.app.grading.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Draws an exercise's panel with a compile error, a failed test and a pass into frames nobody sees, so that the
 * learner's first verdict meets the verdict panel's code loaded and run before. In a fresh JVM a session's first
 * verdict panel took 20 to 30 ms to draw, later ones 8 to 12 (bench/RESULTS.md).
 *
 * <p>It only runs {@link Update} and {@link Views}, which are pure, on a state of its own: nothing reaches the
 * screen or the disk.
 */
final class VerdictRehearsal {
    private VerdictRehearsal() {
    }

    /** Draws the panels; returns their text, for a test to see that each verdict was drawn. */
    static List<String> run(TutorState start) {
        List<String> drawn = new ArrayList<>();
        if (start.course().exercises().isEmpty()) {
            return drawn;
        }
        Exercise exercise = start.course().exercises().get(0);
        String file = exercise.files().get(0);
        String name = file.substring(file.lastIndexOf('/') + 1);
        TutorState open = start.openExercise(exercise.id());
        drawn.add(Views.render(open).text());
        List<Verdict> verdicts = List.of(
                new Verdict.CompileFailed(List.of(new CompileError(name, 3, 9, "';' expected", "int x = 1", false))),
                new Verdict.TestsFailed(List.of(new TestFailure("rehearsal", "expected 2 but was 1",
                        "java.lang.AssertionError", name + ":3", List.of("hint:1"))), 1, 1),
                new Verdict.Passed(1));
        for (Verdict verdict : verdicts) {
            TutorState grading = Update.update(open, new Msg.GradingStarted(exercise.id(), 0)).state();
            drawn.add(Views.render(grading).text());
            GradeReport report = new GradeReport(exercise.id(), verdict, "", 0, Duration.ofMillis(200),
                    GradeReport.Phases.NONE);
            drawn.add(Views.render(Update.update(grading, new Msg.GradeFinished(exercise.id(), report,
                    start.learner().progress(), "int x = 1", false, Map.of(file, "class A {\n}\n"))).state()).text());
        }
        return drawn;
    }
}
