package dev.tutor.app.grading;

import java.util.List;

/**
 * One line of the private channel between the tutor and a test JVM, as JSON.
 *
 * <p>The worker writes these on the process's original standard output, which the learner's code cannot
 * reach through {@code System.out} (that is redirected to a capped buffer). One message a line, flushed at
 * once, so that whatever happened before a crash or a {@code System.exit} has already reached the tutor.
 * Fields that do not apply to a kind stay null.
 *
 * @param kind      what happened, see {@link Kind}
 * @param run       the run this belongs to, counted from 1
 * @param test      a test's display name
 * @param status    for {@link Kind#FINISHED}: SUCCESSFUL, FAILED or ABORTED
 * @param message   a failure's message
 * @param exception the class name of a failure's exception
 * @param where     the learner's line where a failure or an exit happened, as {@code File.java:42}
 * @param tags      the test's JUnit tags, for the hint it points to
 * @param dump      where each of the learner's threads stood, for a time-out
 * @param output    what the learner's code printed (capped)
 * @param dropped   how many bytes of output were dropped over the cap
 */
public record WorkerMessage(Kind kind, Integer run, String test, String status, String message, String exception,
                            String where, List<String> tags, String dump, String output, Long dropped) {

    /** The kinds of message, in the order a grading run sends them. */
    public enum Kind {
        /** The worker has warmed up and waits for its one request. */
        READY,
        /** A run of the whole test set begins. */
        RUN,
        /** A test began. */
        STARTED,
        /** A test ended. */
        FINISHED,
        /** A test ran past its time limit; {@code dump} says where the threads stood. */
        TIMEOUT,
        /** Someone called {@code System.exit}; the JVM is going down. */
        EXIT,
        /** Every run ended; the worker is about to stop itself. */
        DONE,
        /** The worker itself failed before or around the tests (a class not found, for example). */
        ERROR
    }

    public static WorkerMessage of(Kind kind) {
        return new WorkerMessage(kind, null, null, null, null, null, null, null, null, null, null);
    }
}
