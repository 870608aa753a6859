package dev.tutor.app.tui;

/**
 * The lesson reader's part of the state: which lesson, and how far down it.
 *
 * @param lessonId the lesson the reader shows (or last showed); null in a course without lessons
 * @param scroll   the first lesson line on screen
 */
record Reader(String lessonId, int scroll) {
    /** The reader on {@code lessonId}, at its top. */
    static Reader at(String lessonId) {
        return new Reader(lessonId, 0);
    }

    Reader withScroll(int line) {
        return new Reader(lessonId, line);
    }
}
