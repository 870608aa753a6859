package dev.tutor.app.tui.text;

/** The heading that opens a section inside a screen's body: {@code ── Name ─────}, ruled to the body's width. */
public final class Section {
    private Section() {
    }

    /** The heading of section {@code name}, {@code width} columns wide. */
    public static Line heading(String name, int width, Glyphs g) {
        String head = g.rule() + g.rule() + " " + name + " ";
        return Line.of(new Span(head, Style.BOLD), new Span(Text.repeat(g.rule(), width - Text.width(head)), Style.DIM));
    }
}
