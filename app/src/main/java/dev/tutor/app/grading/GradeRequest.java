package dev.tutor.app.grading;

import dev.tutor.app.course.Exercise;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * One attempt to grade: an exercise and the text of the learner's files.
 *
 * @param exercise       the exercise, with its tests, limits and repeat count
 * @param learnerSources the learner's files by source path ({@code dev/tutor/exercises/.../Foo.java})
 * @param seed           the seed for the tests' varied inputs, to replay a failure a verdict reported; empty
 *                       for a fresh seed
 */
public record GradeRequest(Exercise exercise, Map<String, String> learnerSources, OptionalLong seed) {
    public GradeRequest {
        learnerSources = Map.copyOf(learnerSources);
    }

    public GradeRequest(Exercise exercise, Map<String, String> learnerSources) {
        this(exercise, learnerSources, OptionalLong.empty());
    }

    /** An attempt of every file of the exercise as {@code reader} gives it; empty when it lacks any. */
    public static Optional<GradeRequest> ofEveryFile(Exercise exercise, Function<String, Optional<String>> reader) {
        Map<String, String> files = new LinkedHashMap<>();
        for (String path : exercise.files()) {
            Optional<String> text = reader.apply(path);
            if (text.isEmpty()) {
                return Optional.empty();
            }
            files.put(path, text.get());
        }
        return Optional.of(new GradeRequest(exercise, files));
    }
}
