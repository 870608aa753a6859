package dev.tutor.app.tui.text;

import java.util.ArrayList;
import java.util.List;

/** One row of a frame: styled spans left to right, possibly shorter or longer than the screen. */
public record Line(List<Span> spans) {
    public static final Line EMPTY = new Line(List.of());

    public Line {
        spans = List.copyOf(spans);
    }

    public static Line of(String text) {
        return new Line(List.of(Span.of(text)));
    }

    public static Line of(String text, Style style) {
        return new Line(List.of(new Span(text, style)));
    }

    public static Line of(Span... spans) {
        return new Line(List.of(spans));
    }

    /** This line followed by more spans. */
    public Line plus(Span... more) {
        List<Span> all = new ArrayList<>(spans);
        all.addAll(List.of(more));
        return new Line(all);
    }

    /** The characters only, without styles: what tests compare. */
    public String text() {
        StringBuilder out = new StringBuilder();
        spans.forEach(s -> out.append(s.text()));
        return out.toString();
    }

    public int width() {
        return spans.stream().mapToInt(Span::width).sum();
    }

    /** This line after {@code cols} spaces, set in from the edge of the body. */
    public Line indented(int cols) {
        return Line.of(Span.of(" ".repeat(cols))).plus(spans.toArray(Span[]::new));
    }

    /** This line cut to {@code cols} columns, ending in an ellipsis when something was cut. */
    public Line fit(int cols) {
        if (width() <= cols) {
            return this;
        }
        List<Span> kept = new ArrayList<>();
        int left = cols - 1;
        for (Span s : spans) {
            if (left <= 0) {
                break;
            }
            String cut = Text.cut(s.text(), left);
            kept.add(new Span(cut, s.style()));
            left -= Text.width(cut);
        }
        kept.add(new Span("…", Style.DIM));
        return new Line(kept);
    }

    /** This line padded with spaces in {@code style} to exactly {@code cols} columns (cut first if longer). */
    public Line padded(int cols, Style style) {
        Line fitted = fit(cols);
        int gap = cols - fitted.width();
        return gap <= 0 ? fitted : fitted.plus(new Span(" ".repeat(gap), style));
    }
}
