package dev.tutor.app.tui;

/**
 * Work that {@link Update} asks for and {@link EffectRunner} does, off the UI thread where it is slow. Names are
 * imperative.
 */
sealed interface Effect {
    /** Grade the learner's files of {@code exerciseId} now, or after the grading under way. */
    record RunGrade(String exerciseId) implements Effect {
    }

    /** Record in the progress file that the learner took a hint of {@code exerciseId}. */
    record SaveHintTaken(String exerciseId) implements Effect {
    }

    /** Record in the progress file that the learner viewed the solution of {@code exerciseId}. */
    record SaveSolutionViewed(String exerciseId) implements Effect {
    }

    /** Leave the tutor, restoring the terminal. */
    record Quit() implements Effect {
    }
}
