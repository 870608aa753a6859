package dev.tutor.app.progress;

/** Where the learner's latest attempt at one exercise left it. */
public enum ExerciseStatus {
    /** No attempt graded yet, or the exercise's files are back to their stubs (reset, or put back by hand). */
    NOT_STARTED,
    /** The latest graded attempt did not pass (it failed, did not compile, timed out or crashed). */
    FAILING,
    /** The latest graded attempt passed. */
    PASSED
}
