package dev.tutor.app.session;

import dev.tutor.app.course.Exercise;
import dev.tutor.app.grading.GradeReport;
import dev.tutor.app.progress.Progress;
import java.util.Optional;

/** The hints of an exercise as the learner meets them: one at a time, and the one a verdict points to. */
public final class Hints {
    private Hints() {
    }

    /**
     * A hint shown to the learner.
     *
     * @param number   which hint, from 1
     * @param of       how many the exercise has
     * @param text     the hint
     * @param progress the learner's progress with it counted as taken
     */
    public record Shown(int number, int of, String text, Progress progress) {
        public boolean last() {
            return number == of;
        }
    }

    /** The hint the report's first failing test names, when the exercise has it. */
    public static Optional<Integer> fitting(Exercise exercise, GradeReport report) {
        return report.suggestedHint().filter(h -> h >= 1 && h <= exercise.hints().size());
    }

    /** The next hint not yet taken, counted as taken; empty when every hint has been taken. */
    public static Optional<Shown> takeNext(Exercise exercise, Progress progress) {
        int taken = progress.exercise(exercise.id()).hintsTaken();
        if (taken >= exercise.hints().size()) {
            return Optional.empty();
        }
        return Optional.of(new Shown(taken + 1, exercise.hints().size(), exercise.hints().get(taken),
                progress.withHintTaken(exercise.id()).withCurrent(exercise.id())));
    }

    /**
     * Every hint up to {@code number}, counted as taken, so that one key shows the hint a verdict points to;
     * empty when they were all taken already.
     */
    public static Optional<Shown> takeUpTo(Exercise exercise, Progress progress, int number) {
        Progress p = progress;
        Optional<Shown> shown = Optional.empty();
        while (p.exercise(exercise.id()).hintsTaken() < Math.min(number, exercise.hints().size())) {
            shown = takeNext(exercise, p);
            p = shown.orElseThrow().progress();
        }
        return shown;
    }
}
