package dev.tutor.exercises.multitasking;

/**
 * Thrown out of a step when the scheduler misuses a task; an Error, so that no catch of the learner's eats it.
 * It carries no stack trace: the test that catches it reports what the task saw, in its message.
 */
final class SchedulerMisuse extends Error {
    SchedulerMisuse(String message) {
        super(message, null, false, false);
    }
}
