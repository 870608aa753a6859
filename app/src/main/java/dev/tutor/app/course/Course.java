package dev.tutor.app.course;

import java.util.List;
import java.util.Optional;

/**
 * The whole course as the manifest describes it: topics, lessons in order, and exercises in order.
 *
 * <p>Immutable; loaded once by {@link ManifestLoader} and shared by every part of the tutor.
 */
public record Course(List<Topic> topics, List<Lesson> lessons, List<Exercise> exercises) {
    public Course {
        topics = List.copyOf(topics);
        lessons = List.copyOf(lessons);
        exercises = List.copyOf(exercises);
    }

    public Optional<Exercise> exercise(String id) {
        return exercises.stream().filter(e -> e.id().equals(id)).findFirst();
    }

    public Optional<Lesson> lesson(String id) {
        return lessons.stream().filter(l -> l.id().equals(id)).findFirst();
    }

    /** The lesson a learner names by its id or its number, as 'tutor list' shows both. */
    public Optional<Lesson> lessonNamed(String idOrNumber) {
        return lessons.stream().filter(l -> l.id().equals(idOrNumber) || Integer.toString(l.number()).equals(idOrNumber))
                .findFirst();
    }

    /** The exercises that follow the given lesson, in course order. */
    public List<Exercise> exercisesOf(String lessonId) {
        return exercises.stream().filter(e -> e.lessonId().equals(lessonId)).toList();
    }

    /**
     * Finds an exercise by id, or fails with a message that says how to find the right name.
     *
     * @throws CourseException when no exercise has that id
     */
    public Exercise requireExercise(String id) {
        return exercise(id).orElseThrow(() -> new CourseException(
                "No exercise '" + id + "'. Run 'tutor list' to see their names."));
    }

    /** The exercise that owns the given learner file (a path under a source root), if any. */
    public Optional<Exercise> exerciseOwning(String sourcePath) {
        return exercises.stream().filter(e -> e.files().contains(sourcePath)).findFirst();
    }
}
