package dev.tutor.app.tui.text;

/**
 * Column arithmetic for terminal text: how wide a string is and how to cut it, counting East Asian wide
 * characters as two columns, as terminals do.
 */
public final class Text {
    private Text() {
    }

    public static int width(String s) {
        int w = 0;
        for (int i = 0; i < s.length(); i++) {
            w += columns(s.charAt(i));
        }
        return w;
    }

    /** The longest prefix of {@code s} that fits in {@code cols} columns. */
    public static String cut(String s, int cols) {
        int w = 0;
        for (int i = 0; i < s.length(); i++) {
            w += columns(s.charAt(i));
            if (w > cols) {
                return s.substring(0, i);
            }
        }
        return s;
    }

    public static String repeat(String s, int times) {
        return times <= 0 ? "" : s.repeat(times);
    }

    /** {@code s} padded with spaces on the right to {@code cols} columns. */
    public static String pad(String s, int cols) {
        return s + repeat(" ", cols - width(s));
    }

    private static int columns(char c) {
        // The same test Lanterna applies when it places characters, so frames and screens agree.
        return com.googlecode.lanterna.TerminalTextUtils.isCharDoubleWidth(c) ? 2 : 1;
    }
}
