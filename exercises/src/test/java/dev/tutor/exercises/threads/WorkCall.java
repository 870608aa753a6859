package dev.tutor.exercises.threads;

/** One call of the work a test hands to {@link Workers#runAll}: the thread it ran on and its input. */
record WorkCall(Thread thread, int input) {
}
