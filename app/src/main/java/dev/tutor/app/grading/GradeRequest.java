package dev.tutor.app.grading;

import dev.tutor.app.course.Exercise;
import java.util.Map;

/**
 * One attempt to grade: an exercise and the text of the learner's files.
 *
 * @param exercise       the exercise, with its tests, limits and repeat count
 * @param learnerSources the learner's files by source path ({@code dev/tutor/exercises/.../Foo.java})
 */
public record GradeRequest(Exercise exercise, Map<String, String> learnerSources) {
    public GradeRequest {
        learnerSources = Map.copyOf(learnerSources);
    }
}
