package dev.tutor.app.progress;

/** Where the learner's latest attempt at one exercise left it. */
public enum ExerciseStatus {
    /** No attempt graded yet. */
    NOT_STARTED,
    /** The latest graded attempt did not pass (it failed, did not compile, timed out or crashed). */
    FAILING,
    /** The latest graded attempt passed. */
    PASSED
}
