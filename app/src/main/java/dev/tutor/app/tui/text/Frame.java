package dev.tutor.app.tui.text;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A whole screen as text: exactly {@code rows} lines, none wider than {@code cols}. What the views produce and
 * the painter draws, and what view tests read without a terminal.
 */
public record Frame(int cols, int rows, List<Line> lines) {
    public Frame {
        List<Line> fitted = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            fitted.add(i < lines.size() ? lines.get(i).fit(cols) : Line.EMPTY);
        }
        lines = List.copyOf(fitted);
    }

    /** The frame as plain text, one line a row with trailing spaces dropped. */
    public String text() {
        return lines.stream().map(l -> l.text().stripTrailing()).collect(Collectors.joining("\n"));
    }
}
