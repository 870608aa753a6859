package dev.tutor.app.tui;

/** A run of text in one {@link Style}; the smallest unit a view hands to the painter. */
record Span(String text, Style style) {
    Span {
        text = text == null ? "" : text;
    }

    static Span of(String text) {
        return new Span(text, Style.NORMAL);
    }

    int width() {
        return Text.width(text);
    }
}
