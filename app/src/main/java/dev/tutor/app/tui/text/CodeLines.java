package dev.tutor.app.tui.text;

import java.util.ArrayList;
import java.util.List;

/**
 * Lines of code fitted to the screen without losing a character: a line too long is broken, at a space where
 * one is near the edge, and goes on below under a continuation mark at its own indentation, so that what the
 * learner reads can still be typed in.
 */
public final class CodeLines {
    /** How far back from the edge a break may move to land on a space. */
    private static final int LOOK_BACK = 16;

    private CodeLines() {
    }

    /**
     * {@code code} (one line's coloured spans) after {@code lead}, as one line or several, none wider than
     * {@code width}.
     */
    public static List<Line> wrap(String lead, List<Span> code, int width, Glyphs glyphs) {
        Line whole = Line.of(Span.of(lead)).plus(code.toArray(Span[]::new));
        if (whole.width() <= width || width < Text.width(lead) + 12) {
            return List.of(whole);
        }
        String text = new Line(code).text();
        String indent = " ".repeat(text.length() - text.stripLeading().length());
        String mark = glyphs.rule().equals("─") ? "↪ " : "> ";
        String nextLead = lead + indent + mark;
        List<Line> out = new ArrayList<>();
        List<Span> rest = code;
        String prefix = lead;
        while (true) {
            int room = width - Text.width(prefix);
            String restText = new Line(rest).text();
            if (Text.width(restText) <= room) {
                out.add(Line.of(Span.of(prefix)).plus(rest.toArray(Span[]::new)));
                return evenWidth(out);
            }
            int cut = breakAt(restText, room);
            out.add(Line.of(Span.of(prefix)).plus(take(rest, 0, cut).toArray(Span[]::new)));
            rest = trimLeading(take(rest, cut, restText.length()));
            prefix = nextLead;
        }
    }

    /**
     * The pieces padded to one width: a reader that centres lines wider than its prose column then moves them
     * all alike, and the continuation stays under the line it continues.
     */
    private static List<Line> evenWidth(List<Line> pieces) {
        int widest = pieces.stream().mapToInt(Line::width).max().orElse(0);
        return pieces.stream().map(l -> l.width() < widest ? l.plus(Span.of(" ".repeat(widest - l.width()))) : l)
                .toList();
    }

    /** Where to break {@code text} to fit {@code room} columns: after the last space near the edge, else at it. */
    private static int breakAt(String text, int room) {
        int limit = Text.cut(text, room).length();
        for (int i = limit; i > Math.max(0, limit - LOOK_BACK); i--) {
            if (text.charAt(i - 1) == ' ') {
                return i;
            }
        }
        return Math.max(1, limit);
    }

    /** The characters {@code from} to {@code to} of the spans' text, each keeping its span's style. */
    private static List<Span> take(List<Span> spans, int from, int to) {
        List<Span> out = new ArrayList<>();
        int at = 0;
        for (Span s : spans) {
            int start = Math.max(from, at);
            int end = Math.min(to, at + s.text().length());
            if (start < end) {
                out.add(new Span(s.text().substring(start - at, end - at), s.style()));
            }
            at += s.text().length();
        }
        return out;
    }

    private static List<Span> trimLeading(List<Span> spans) {
        List<Span> out = new ArrayList<>(spans);
        while (!out.isEmpty() && out.getFirst().text().isBlank()) {
            out.removeFirst();
        }
        if (!out.isEmpty()) {
            out.set(0, new Span(out.getFirst().text().stripLeading(), out.getFirst().style()));
        }
        return out;
    }
}
