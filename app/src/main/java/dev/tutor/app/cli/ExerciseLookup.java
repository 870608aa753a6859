package dev.tutor.app.cli;

import dev.tutor.app.course.Course;
import dev.tutor.app.course.Exercise;
import dev.tutor.app.progress.ExerciseStatus;
import dev.tutor.app.progress.Progress;

/** Finds the exercise a command means: the one named, else where the learner stands. */
final class ExerciseLookup {
    private ExerciseLookup() {
    }

    static Exercise named(Course course, String id, Progress progress) {
        if (id != null) {
            return course.requireExercise(id);
        }
        return current(course, progress);
    }

    /** The exercise the learner was last on if not yet passed, else the first one not passed. */
    static Exercise current(Course course, Progress progress) {
        String current = progress.current();
        if (current != null && course.exercise(current).isPresent()
                && progress.exercise(current).status() != ExerciseStatus.PASSED) {
            return course.exercise(current).get();
        }
        return course.exercises().stream()
                .filter(e -> progress.exercise(e.id()).status() != ExerciseStatus.PASSED)
                .findFirst()
                .orElse(course.exercises().get(course.exercises().size() - 1));
    }
}
