package dev.tutor.app.tui;

import dev.tutor.app.tui.text.Glyphs;

/**
 * The terminal the tutor draws on, as far as the screens care: its size and the symbols it can show.
 *
 * @param cols   the terminal's width
 * @param rows   the terminal's height
 * @param glyphs the symbols to draw with (Unicode or ASCII) and whether colour is allowed
 */
record Display(int cols, int rows, Glyphs glyphs) {
    /** The smallest terminal the screens are laid out for. */
    static final int MIN_COLS = 80;
    static final int MIN_ROWS = 24;

    boolean tooSmall() {
        return cols < MIN_COLS || rows < MIN_ROWS;
    }

    /** Rows between the title bar and the key bar. */
    int bodyRows() {
        return Math.max(1, rows - 2);
    }

    Display withSize(int c, int r) {
        return new Display(c, r, glyphs);
    }
}
