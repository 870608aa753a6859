package dev.tutor.exercises.multitasking;

/**
 * The fake clock of a {@link BudgetedScheduler} test, in milliseconds. Only the test moves it: a step that
 * "computes for 150 ms" adds 150 to it and returns at once, so nothing sleeps and every time is exact.
 * One clock serves all the runs of a test, one after another.
 */
final class FakeClock {
    /** The time now. Only the test moves it. */
    long now;
}
