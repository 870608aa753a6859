package dev.tutor.app.tui;

/**
 * A key the learner pressed, reduced to what the tutor distinguishes; {@link KeyMapping} makes it from
 * Lanterna's key strokes so that {@link Update} stays free of the terminal library.
 *
 * @param kind what sort of key
 * @param ch   the character, for {@link Kind#CHAR}
 * @param ctrl whether Ctrl was held
 */
record Key(Kind kind, char ch, boolean ctrl) {
    enum Kind { CHAR, ENTER, ESCAPE, BACKSPACE, UP, DOWN, LEFT, RIGHT, PAGE_UP, PAGE_DOWN, HOME, END, TAB, OTHER }

    static Key of(Kind kind) {
        return new Key(kind, '\0', false);
    }

    static Key ch(char c) {
        return new Key(Kind.CHAR, c, false);
    }

    static Key ctrl(char c) {
        return new Key(Kind.CHAR, c, true);
    }

    boolean is(char c) {
        return kind == Kind.CHAR && !ctrl && ch == c;
    }
}
