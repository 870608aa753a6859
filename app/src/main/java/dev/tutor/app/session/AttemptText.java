package dev.tutor.app.session;

import dev.tutor.app.course.Course;
import dev.tutor.app.course.Exercise;
import dev.tutor.app.grading.VerdictText;
import dev.tutor.app.workspace.Workspace;
import java.util.ArrayList;
import java.util.List;

/**
 * An attempt as plain lines for the line-by-line faces ({@code check}, {@code watch}, the prompt): the verdict,
 * and then where the learner stands and what to do next, so that every face says the same after a save.
 */
public final class AttemptText {
    private AttemptText() {
    }

    /** Why an attempt whose files are all still the stubs gets no verdict, for an exercise of {@code files} files. */
    public static String nothingToJudge(int files) {
        return (files == 1 ? "your file is still the stub" : "your files are still the stubs")
                + ", so the tests have nothing to judge.";
    }

    public static List<String> lines(Attempt attempt, Course course, Workspace workspace) {
        Exercise exercise = attempt.exercise();
        List<String> lines = new ArrayList<>();
        if (attempt.untouched()) {
            lines.add(exercise.id() + ": not started yet: " + nothingToJudge(exercise.files().size()));
            for (String file : exercise.files()) {
                lines.add("  Open " + workspace.learnerFile(file) + " in your IDE, fill in its TODOs and save.");
            }
            return lines;
        }
        lines.addAll(VerdictText.lines(exercise, attempt.report()));
        if (attempt.passed()) {
            long passed = Standing.passedCount(course, attempt.progress());
            int total = course.exercises().size();
            lines.add("  Well done: " + passed + " of " + total + " exercises pass. 'tutor solution " + exercise.id()
                    + "' shows the reference solution.");
            if (passed < total) {
                Exercise next = Standing.resume(course, attempt.progress());
                lines.add("  Next up: " + next.id() + " (" + next.title() + "); 'tutor next' says where it is.");
            }
        }
        return lines;
    }
}
