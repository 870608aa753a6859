package dev.tutor.app.session;

import dev.tutor.app.course.Course;
import dev.tutor.app.course.Exercise;
import dev.tutor.app.progress.ExerciseProgress;
import dev.tutor.app.progress.ExerciseStatus;
import dev.tutor.app.progress.Progress;
import java.util.List;

/**
 * Where a learner stands in the course: the rules every face of the tutor applies to their progress, each
 * written once, so that the full screen, the prompt and the command line never disagree.
 */
public final class Standing {
    private Standing() {
    }

    /** How many exercises the learner's latest attempts pass. */
    public static long passedCount(Course course, Progress progress) {
        return course.exercises().stream().filter(e -> progress.exercise(e.id()).status() == ExerciseStatus.PASSED)
                .count();
    }

    /** Whether the reference solution may be shown without asking: the exercise is passed, or once was. */
    public static boolean solutionUnlocked(Progress progress, String exerciseId) {
        ExerciseProgress p = progress.exercise(exerciseId);
        return p.status() == ExerciseStatus.PASSED || p.everPassed();
    }

    /** The word for an exercise's status, as lists and the course map print it. */
    public static String label(ExerciseStatus status) {
        return switch (status) {
            case PASSED -> "passed";
            case FAILING -> "failing";
            case NOT_STARTED -> "not started";
        };
    }

    /**
     * The exercise to go on with: the one the learner was last on while it is unfinished, else the first
     * unfinished one after it, else the first unfinished one of the course; the last exercise when all pass.
     */
    public static Exercise resume(Course course, Progress progress) {
        List<Exercise> all = course.exercises();
        int from = progress.current() == null ? -1
                : all.stream().map(Exercise::id).toList().indexOf(progress.current());
        for (int i = Math.max(from, 0); i < all.size(); i++) {
            if (progress.exercise(all.get(i).id()).status() != ExerciseStatus.PASSED) {
                return all.get(i);
            }
        }
        return all.stream().filter(e -> progress.exercise(e.id()).status() != ExerciseStatus.PASSED).findFirst()
                .orElse(all.get(all.size() - 1));
    }

    /** Whether the learner has begun: graded something, taken a hint or said where they are. */
    public static boolean begun(Progress progress) {
        return progress.current() != null;
    }
}
