package dev.tutor.app.tui.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.commonmark.ext.gfm.tables.TableBlock;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.BlockQuote;
import org.commonmark.node.BulletList;
import org.commonmark.node.Code;
import org.commonmark.node.Emphasis;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.HardLineBreak;
import org.commonmark.node.Heading;
import org.commonmark.node.HtmlBlock;
import org.commonmark.node.HtmlInline;
import org.commonmark.node.IndentedCodeBlock;
import org.commonmark.node.ListItem;
import org.commonmark.node.Node;
import org.commonmark.node.OrderedList;
import org.commonmark.node.Paragraph;
import org.commonmark.node.SoftLineBreak;
import org.commonmark.node.StrongEmphasis;
import org.commonmark.node.ThematicBreak;
import org.commonmark.parser.Parser;

/**
 * A lesson's Markdown set as terminal lines of a given width: headings, emphasis, lists, block quotes, GFM tables
 * and fenced code with Java and Python colouring, a Python listing and its Java pair side by side where they fit.
 * HTML comments (the lessons' source notes) are hidden.
 *
 * <p>Pure and cached by text and width, since the reader asks again on every key.
 */
public final class MarkdownLines {
    private static final Parser PARSER = Parser.builder().extensions(List.of(TablesExtension.create())).build();
    private static final Map<String, List<Line>> CACHE = new ConcurrentHashMap<>();

    private MarkdownLines() {
    }

    static List<Line> render(String markdown, int width, Glyphs glyphs) {
        return render(markdown, width, width, glyphs);
    }

    /**
     * Like {@link #render(String, int, Glyphs)}, but listings set side by side may use {@code wideWidth}: the
     * prose column is kept narrow for reading, while two listings in columns may spread across the terminal.
     */
    public static List<Line> render(String markdown, int width, int wideWidth, Glyphs glyphs) {
        String key = width + ":" + wideWidth + ":" + glyphs.bullet() + ":" + markdown.hashCode() + ":" + markdown.length();
        if (CACHE.size() > 32) {
            CACHE.clear(); // a handful of lessons at a handful of widths; no need for a real LRU
        }
        return CACHE.computeIfAbsent(key, k -> {
            List<Line> out = new ArrayList<>();
            blocks(PARSER.parse(markdown), width, Math.max(width, wideWidth), glyphs, out);
            while (!out.isEmpty() && out.getLast().text().isBlank()) {
                out.removeLast();
            }
            return List.copyOf(out);
        });
    }

    private static void blocks(Node parent, int width, Glyphs g, List<Line> out) {
        blocks(parent, width, width, g, out);
    }

    private static void blocks(Node parent, int width, int wideWidth, Glyphs g, List<Line> out) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNext()) {
            var pair = SideBySide.startingAt(n);
            var columns = pair.flatMap(p -> SideBySide.render(p, wideWidth));
            if (columns.isPresent()) {
                out.addAll(columns.get());
                if (pair.get().bridge() != null) {
                    block(pair.get().bridge(), width, wideWidth, g, out);
                }
                n = pair.get().last();
                continue;
            }
            block(n, width, wideWidth, g, out);
        }
    }

    /** A block's text without styles, to judge its length. */
    static String plainText(Node block) {
        List<Span> spans = new ArrayList<>();
        inlines(block, Style.NORMAL, spans);
        return new Line(spans).text();
    }

    /** One block; prose is wrapped to {@code width}, code to {@code codeWidth} (the screen's, often wider). */
    private static void block(Node n, int width, int codeWidth, Glyphs g, List<Line> out) {
        switch (n) {
            case Heading h -> {
                List<Span> spans = new ArrayList<>();
                inlines(h, Style.HEADING, spans);
                String text = new Line(spans).text();
                if (h.getLevel() == 1) {
                    out.add(Line.of(text.toUpperCase(java.util.Locale.ROOT), Style.HEADING));
                    out.add(Line.of(Text.repeat(g.rule().equals("─") ? "═" : "=", Math.min(width, Text.width(text))),
                            Style.HEADING));
                } else {
                    out.addAll(Wrap.wrap(spans, width, Span.of(""), Span.of("")));
                    out.add(Line.of(Text.repeat(g.rule(), Math.min(width, Text.width(text))), Style.DIM));
                }
                out.add(Line.EMPTY);
            }
            case Paragraph p -> {
                List<Span> spans = new ArrayList<>();
                inlines(p, Style.NORMAL, spans);
                if (!new Line(spans).text().isBlank()) { // a paragraph of only a comment disappears entirely
                    out.addAll(Wrap.wrap(spans, width, Span.of(""), Span.of("")));
                    if (!(p.getParent() instanceof ListItem li && isTight(li))) {
                        out.add(Line.EMPTY);
                    }
                }
            }
            case BulletList list -> items(list, width, g, out, false, 0);
            case OrderedList list -> items(list, width, g, out, true,
                    list.getMarkerStartNumber() == null ? 1 : list.getMarkerStartNumber());
            case BlockQuote q -> {
                List<Line> inner = new ArrayList<>();
                blocks(q, width - 2, g, inner);
                while (!inner.isEmpty() && inner.getLast().text().isBlank()) {
                    inner.removeLast();
                }
                inner.forEach(l -> out.add(Line.of(new Span(g.quote() + " ", Style.DIM)).plus(
                        l.spans().stream().map(s -> new Span(s.text(), s.style() == Style.NORMAL ? Style.ITALIC
                                : s.style())).toArray(Span[]::new))));
                out.add(Line.EMPTY);
            }
            case FencedCodeBlock code -> code(code.getLiteral(), code.getInfo(), codeWidth, g, out);
            case IndentedCodeBlock code -> code(code.getLiteral(), "", codeWidth, g, out);
            case HtmlBlock html -> {
                if (!html.getLiteral().strip().startsWith("<!--")) {
                    code(html.getLiteral(), "", codeWidth, g, out);
                }
            }
            case ThematicBreak t -> {
                out.add(Line.of(Text.repeat(g.rule(), width), Style.DIM));
                out.add(Line.EMPTY);
            }
            case TableBlock table -> {
                out.addAll(MarkdownTable.render(table, width, g));
                out.add(Line.EMPTY);
            }
            default -> blocks(n, width, g, out);
        }
    }

    private static void items(Node list, int width, Glyphs g, List<Line> out, boolean ordered, int start) {
        int number = start;
        for (Node item = list.getFirstChild(); item != null; item = item.getNext()) {
            String marker = ordered ? (number++) + ". " : g.bullet() + " ";
            String indent = Text.repeat(" ", Text.width(marker));
            List<Line> inner = new ArrayList<>();
            blocks(item, width - Text.width(marker), g, inner);
            for (int i = 0; i < inner.size(); i++) {
                Span prefix = i == 0 ? new Span(marker, Style.BOLD) : Span.of(indent);
                out.add(Line.of(prefix).plus(inner.get(i).spans().toArray(Span[]::new)));
            }
        }
        if (!(list.getParent() instanceof ListItem)) {
            out.add(Line.EMPTY);
        }
    }

    private static boolean isTight(ListItem item) {
        return item.getParent() instanceof org.commonmark.node.ListBlock lb && lb.isTight();
    }

    private static void code(String literal, String info, int width, Glyphs g, List<Line> out) {
        String lang = info == null ? "" : info.split("\\s+")[0];
        for (String line : literal.stripTrailing().split("\n", -1)) {
            out.addAll(CodeLines.wrap("  ", CodeColours.line(line.replace("\t", "    "), lang), width, g));
        }
        out.add(Line.EMPTY);
    }

    /** The inline content of {@code parent} as spans; text inherits {@code style} from its enclosing emphasis. */
    static void inlines(Node parent, Style style, List<Span> out) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNext()) {
            switch (n) {
                case org.commonmark.node.Text t -> out.add(new Span(t.getLiteral(), style));
                case Code c -> out.add(new Span(c.getLiteral(), Style.CODE));
                case Emphasis e -> inlines(e, style == Style.NORMAL ? Style.ITALIC : style, out);
                case StrongEmphasis e -> inlines(e, style == Style.HEADING ? style : Style.BOLD, out);
                case SoftLineBreak b -> out.add(new Span(" ", style));
                case HardLineBreak b -> out.add(new Span("\n", style));
                case HtmlInline h -> {
                    if (!h.getLiteral().startsWith("<!--")) {
                        out.add(new Span(h.getLiteral(), style));
                    }
                }
                default -> inlines(n, style, out); // links and images: their text
            }
        }
    }
}
