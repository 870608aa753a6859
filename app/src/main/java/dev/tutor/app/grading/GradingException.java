package dev.tutor.app.grading;

/**
 * The grader could not grade at all (no compiler, no way to start a test JVM), as opposed to a verdict
 * on the learner's code; the message is one line that says what to do.
 */
public class GradingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public GradingException(String message) {
        super(message);
    }

    public GradingException(String message, Throwable cause) {
        super(message, cause);
    }
}
