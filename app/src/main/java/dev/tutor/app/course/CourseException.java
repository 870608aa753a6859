package dev.tutor.app.course;

/**
 * A problem with the course or a request about it, carrying one line that says what is wrong and what
 * to do; the command line prints the message alone, without a stack trace.
 */
public class CourseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CourseException(String message) {
        super(message);
    }

    public CourseException(String message, Throwable cause) {
        super(message, cause);
    }
}
