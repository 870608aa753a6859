package dev.tutor.app.tui;

/** Which of the tutor's screens has the focus. */
enum Focus {
    /** Lessons and their exercises with their status: where the tutor opens. */
    COURSE_MAP,
    /** One lesson's text, scrolled. */
    LESSON,
    /** One exercise: what to do, the file to open, and the live verdict. */
    EXERCISE,
    /** A lesson's live demo: the GIL timeline or the event-loop trace. */
    DEMO
}
