package dev.tutor.app.tui;

/**
 * The exercise panel's part of the state: which exercise, how far down, and how much help it shows.
 *
 * @param exerciseId the exercise the panel shows (or last showed); null before any
 * @param scroll     the first panel line on screen
 * @param hintsShown how many of the exercise's hints are showing
 * @param solution   whether the panel shows the reference solution, or asks first
 */
record Panel(String exerciseId, int scroll, int hintsShown, SolutionView solution) {
    /** Before the learner opened any exercise. */
    static final Panel NONE = new Panel(null, 0, 0, SolutionView.HIDDEN);

    /** Whether the panel shows the reference solution. */
    enum SolutionView { HIDDEN, ASKING, SHOWN }

    /** The panel on {@code exerciseId} at its top, showing the {@code hintsTaken} hints the learner already took. */
    static Panel on(String exerciseId, int hintsTaken) {
        return new Panel(exerciseId, 0, hintsTaken, SolutionView.HIDDEN);
    }

    Panel withScroll(int line) {
        return new Panel(exerciseId, line, hintsShown, solution);
    }

    Panel withHintsShown(int n) {
        return new Panel(exerciseId, scroll, n, solution);
    }

    Panel withSolution(SolutionView view) {
        return new Panel(exerciseId, scroll, hintsShown, view);
    }
}
