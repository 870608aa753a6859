package dev.tutor.app.progress;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * Everything the tutor remembers about one learner's workspace: per exercise what they did, and where they stand.
 *
 * <p>Immutable; each {@code with…} method returns a changed copy, so the screen can hold one value while a save of
 * another is under way. Exercise ids are kept as they are, known to the course or not: a course that drops or
 * renames an exercise must not erase what the learner did on it.
 *
 * @param schemaVersion the version of the file format this value was read from or will be written as
 * @param exercises per exercise id, what the learner did; exercises never touched may be absent
 * @param current the id of the exercise where the learner stands, or {@code null} before they start
 */
public record Progress(int schemaVersion, Map<String, ExerciseProgress> exercises, String current) {

    /** The schema version this tutor writes and the only one it reads. */
    public static final int SCHEMA_VERSION = 1;

    private static final Progress EMPTY = new Progress(SCHEMA_VERSION, Map.of(), null);

    /** Copies the map into id order, so that the file is written the same way every time. */
    public Progress {
        if (schemaVersion != SCHEMA_VERSION) {
            throw new IllegalArgumentException("schemaVersion != " + SCHEMA_VERSION + ": " + schemaVersion);
        }
        SortedMap<String, ExerciseProgress> copy = new TreeMap<>();
        for (Map.Entry<String, ExerciseProgress> e : Objects.requireNonNull(exercises, "exercises").entrySet()) {
            copy.put(requireId(e.getKey()), Objects.requireNonNull(e.getValue(), "progress of " + e.getKey()));
        }
        exercises = Collections.unmodifiableSortedMap(copy);
        if (current != null) {
            requireId(current);
        }
    }

    /** Returns the progress of a learner who has done nothing yet. */
    public static Progress empty() {
        return EMPTY;
    }

    /** Returns what the learner did on exercise {@code id}; {@link ExerciseProgress#notStarted()} if nothing. */
    public ExerciseProgress exercise(String id) {
        return exercises.getOrDefault(requireId(id), ExerciseProgress.notStarted());
    }

    /** Returns this progress after one graded attempt at exercise {@code id}. */
    public Progress withAttempt(String id, boolean passed, Instant at) {
        return update(id, p -> p.withAttempt(passed, at));
    }

    /** Returns this progress once exercise {@code id}'s files are back to their stubs: not started again. */
    public Progress withStubsAgain(String id) {
        return exercise(id).status() == ExerciseStatus.NOT_STARTED ? this : update(id, ExerciseProgress::withStubsAgain);
    }

    /** Returns this progress after the learner took a hint on exercise {@code id}. */
    public Progress withHintTaken(String id) {
        return update(id, ExerciseProgress::withHintTaken);
    }

    /** Returns this progress after the learner viewed the solution of exercise {@code id}. */
    public Progress withSolutionViewed(String id) {
        return update(id, ExerciseProgress::withSolutionViewed);
    }

    /** Returns this progress with the learner standing at exercise {@code id} ({@code null}: nowhere yet). */
    public Progress withCurrent(String id) {
        return new Progress(schemaVersion, exercises, id);
    }

    private Progress update(String id, UnaryOperator<ExerciseProgress> change) {
        Map<String, ExerciseProgress> next = new TreeMap<>(exercises);
        next.put(requireId(id), change.apply(exercise(id)));
        return new Progress(schemaVersion, next, current);
    }

    private static String requireId(String id) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("exercise id is blank: '" + id + "'");
        }
        return id;
    }
}
