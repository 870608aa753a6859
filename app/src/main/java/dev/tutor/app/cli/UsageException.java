package dev.tutor.app.cli;

/** A command that cannot run as given (exit code 2), with one line that says what to do instead. */
final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
