package dev.tutor.app.tui.text;

/**
 * What a piece of text means on screen, decided by the views; the painter alone turns it into colours.
 *
 * <p>Views name meanings rather than colours so that monochrome ({@code NO_COLOR}) and colour terminals draw
 * the same frame, and so that tests compare text without caring how it looks.
 */
public enum Style {
    NORMAL, BOLD, DIM, ITALIC, HEADING, TITLE_BAR, KEY, SELECTED, CODE, KEYWORD, STRING, COMMENT, PASS, FAIL, BUSY,
    WARN,
    /** GIL timeline cells: running with the GIL, waiting for it, in I/O, a drop request, a failed wake-up. */
    GIL_RUN, GIL_WAIT, GIL_IO, GIL_MARK, GIL_FAIL
}
