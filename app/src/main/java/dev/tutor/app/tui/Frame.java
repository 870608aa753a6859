package dev.tutor.app.tui;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A whole screen as text: exactly {@code rows} lines, none wider than {@code cols}. What {@link Views} produce
 * and {@link Painter} draws, and what view tests read without a terminal.
 */
record Frame(int cols, int rows, List<Line> lines) {
    Frame {
        List<Line> fitted = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            fitted.add(i < lines.size() ? lines.get(i).fit(cols) : Line.EMPTY);
        }
        lines = List.copyOf(fitted);
    }

    /** The frame as plain text, one line a row with trailing spaces dropped. */
    String text() {
        return lines.stream().map(l -> l.text().stripTrailing()).collect(Collectors.joining("\n"));
    }
}
