package dev.tutor.app.progress;

import java.time.Instant;
import java.util.Objects;

/**
 * What the learner has done on one exercise: the latest verdict, how often they tried, and which help they used.
 *
 * <p>Immutable; each {@code with…} method returns a changed copy. {@link #status()} follows the latest attempt,
 * so a learner who passed and then broke the file again is {@link ExerciseStatus#FAILING}, while
 * {@link #everPassed()} remembers that they once got it right (for example to allow the solution to be shown).
 *
 * @param status the latest verdict
 * @param attempts how many saves were graded, at least 0
 * @param hintsTaken how many hints the learner asked for, at least 0
 * @param firstPassedAt when an attempt first passed, or {@code null} if none has
 * @param lastAttemptAt when the latest attempt was graded, or {@code null} if none was
 * @param solutionViewed whether the learner looked at the reference solution
 */
public record ExerciseProgress(
        ExerciseStatus status,
        int attempts,
        int hintsTaken,
        Instant firstPassedAt,
        Instant lastAttemptAt,
        boolean solutionViewed) {

    private static final ExerciseProgress NOT_STARTED =
            new ExerciseProgress(ExerciseStatus.NOT_STARTED, 0, 0, null, null, false);

    /** Checks the counts, so that a bad value is caught where it is made rather than when it is shown. */
    public ExerciseProgress {
        Objects.requireNonNull(status, "status");
        if (attempts < 0) {
            throw new IllegalArgumentException("attempts < 0: " + attempts);
        }
        if (hintsTaken < 0) {
            throw new IllegalArgumentException("hintsTaken < 0: " + hintsTaken);
        }
    }

    /** Returns the progress of an exercise nobody has touched yet. */
    public static ExerciseProgress notStarted() {
        return NOT_STARTED;
    }

    /** Returns whether any attempt has passed, even if a later one failed. */
    public boolean everPassed() {
        return firstPassedAt != null;
    }

    /** Returns this progress after one more graded attempt at {@code at}. */
    public ExerciseProgress withAttempt(boolean passed, Instant at) {
        Objects.requireNonNull(at, "at");
        Instant firstPassed = firstPassedAt == null && passed ? at : firstPassedAt;
        ExerciseStatus next = passed ? ExerciseStatus.PASSED : ExerciseStatus.FAILING;
        return new ExerciseProgress(next, attempts + 1, hintsTaken, firstPassed, at, solutionViewed);
    }

    /**
     * Returns this progress once the exercise's files are back to their stubs: not started again, while the
     * attempts, hints and a pass once made are kept (the solution stays unlocked).
     */
    public ExerciseProgress withStubsAgain() {
        return new ExerciseProgress(ExerciseStatus.NOT_STARTED, attempts, hintsTaken, firstPassedAt, lastAttemptAt,
                solutionViewed);
    }

    /** Returns this progress after the learner took one more hint. */
    public ExerciseProgress withHintTaken() {
        return new ExerciseProgress(status, attempts, hintsTaken + 1, firstPassedAt, lastAttemptAt, solutionViewed);
    }

    /** Returns this progress after the learner viewed the solution. */
    public ExerciseProgress withSolutionViewed() {
        return new ExerciseProgress(status, attempts, hintsTaken, firstPassedAt, lastAttemptAt, true);
    }
}
