package dev.tutor.app.tui.text;

import java.util.ArrayList;
import java.util.List;

/**
 * Fills styled text into lines of a given width, breaking at spaces, the way a paragraph is set in a terminal.
 *
 * <p>Each line starts with a prefix (the first line's may differ, as with a list bullet); a word longer than a
 * whole line is cut rather than left to run off the screen.
 */
public final class Wrap {
    private Wrap() {
    }

    public static List<Line> wrap(List<Span> spans, int width, Span firstPrefix, Span restPrefix) {
        List<Line> lines = new ArrayList<>();
        List<Span> current = new ArrayList<>(List.of(firstPrefix));
        int used = firstPrefix.width();
        int room = Math.max(8, width);
        boolean lineHasWord = false;
        for (Span span : spans) {
            if (span.text().equals("\n")) { // a hard line break
                lines.add(new Line(current));
                current = new ArrayList<>(List.of(restPrefix));
                used = restPrefix.width();
                lineHasWord = false;
                continue;
            }
            for (String word : words(span.text())) {
                if (word.isBlank()) {
                    if (lineHasWord) {
                        current.add(new Span(" ", span.style()));
                        used += 1;
                    }
                    continue;
                }
                int w = Text.width(word);
                if (used + w > room && lineHasWord) {
                    trimTrailingSpace(current);
                    lines.add(new Line(current));
                    current = new ArrayList<>(List.of(restPrefix));
                    used = restPrefix.width();
                    lineHasWord = false;
                }
                while (used + Text.width(word) > room && Text.width(word) > room - restPrefix.width()) {
                    String cut = Text.cut(word, room - used);
                    current.add(new Span(cut, span.style()));
                    lines.add(new Line(current));
                    current = new ArrayList<>(List.of(restPrefix));
                    used = restPrefix.width();
                    word = word.substring(cut.length());
                }
                current.add(new Span(word, span.style()));
                used += Text.width(word);
                lineHasWord = true;
            }
        }
        trimTrailingSpace(current);
        lines.add(new Line(current));
        return lines;
    }

    /**
     * {@code text} in one style as a paragraph after a margin of two columns, {@code width} columns wide besides
     * the margin: how the screens set a sentence of their own.
     */
    public static List<Line> paragraph(String text, int width, Style style) {
        return wrap(List.of(new Span(text, style)), width + 2, Span.of("  "), Span.of("  "));
    }

    /** Words and the single spaces between them, so that the styles of both are kept. */
    private static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                if (!word.isEmpty()) {
                    out.add(word.toString());
                    word.setLength(0);
                }
                out.add(" ");
            } else {
                word.append(c);
            }
        }
        if (!word.isEmpty()) {
            out.add(word.toString());
        }
        return out;
    }

    private static void trimTrailingSpace(List<Span> spans) {
        while (spans.size() > 1 && spans.getLast().text().equals(" ")) {
            spans.removeLast();
        }
    }
}
