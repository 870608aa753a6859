package dev.tutor.app.cli;

import dev.tutor.app.course.Course;
import dev.tutor.app.course.Exercise;
import dev.tutor.app.progress.Progress;
import dev.tutor.app.session.Standing;

/** Finds the exercise a command means: the one named, else where the learner stands. */
final class ExerciseLookup {
    private ExerciseLookup() {
    }

    static Exercise named(Course course, String id, Progress progress) {
        if (id != null) {
            return course.requireExercise(id);
        }
        return Standing.resume(course, progress);
    }
}
