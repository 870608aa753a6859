package dev.tutor.app.progress;

/** Says why a progress file's text is not progress this tutor can read; the message is a short phrase. */
final class ProgressFormatException extends Exception {

    ProgressFormatException(String message) {
        super(message);
    }
}
