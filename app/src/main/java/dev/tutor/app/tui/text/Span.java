package dev.tutor.app.tui.text;

/** A run of text in one {@link Style}; the smallest unit a view hands to the painter. */
public record Span(String text, Style style) {
    public Span {
        text = text == null ? "" : text;
    }

    public static Span of(String text) {
        return new Span(text, Style.NORMAL);
    }

    public int width() {
        return Text.width(text);
    }
}
