package dev.tutor.app.tui.text;

import java.util.ArrayList;
import java.util.List;
import org.commonmark.ext.gfm.tables.TableBlock;
import org.commonmark.ext.gfm.tables.TableCell;
import org.commonmark.ext.gfm.tables.TableHead;
import org.commonmark.node.Node;

/**
 * A GFM table set in columns with a rule under the header. Columns share the width; a cell too long for its
 * column wraps within it, so a table never runs off the screen.
 */
final class MarkdownTable {
    private MarkdownTable() {
    }

    static List<Line> render(TableBlock table, int width, Glyphs g) {
        List<List<List<Span>>> rows = new ArrayList<>();
        List<Boolean> header = new ArrayList<>();
        for (Node section = table.getFirstChild(); section != null; section = section.getNext()) {
            for (Node row = section.getFirstChild(); row != null; row = row.getNext()) {
                List<List<Span>> cells = new ArrayList<>();
                for (Node cell = row.getFirstChild(); cell != null; cell = cell.getNext()) {
                    List<Span> spans = new ArrayList<>();
                    MarkdownLines.inlines(cell, section instanceof TableHead ? Style.BOLD : Style.NORMAL, spans);
                    cells.add(spans);
                }
                rows.add(cells);
                header.add(section instanceof TableHead);
            }
        }
        int columns = rows.stream().mapToInt(List::size).max().orElse(0);
        if (columns == 0) {
            return List.of();
        }
        String sep = " " + g.quote() + " ";
        int[] widths = widths(rows, columns, width - (columns - 1) * Text.width(sep));
        List<Line> out = new ArrayList<>();
        for (int r = 0; r < rows.size(); r++) {
            List<List<Line>> wrapped = new ArrayList<>();
            int height = 1;
            for (int c = 0; c < columns; c++) {
                List<Span> cell = c < rows.get(r).size() ? rows.get(r).get(c) : List.of();
                List<Line> lines = Wrap.wrap(cell, widths[c], Span.of(""), Span.of(""));
                wrapped.add(lines);
                height = Math.max(height, lines.size());
            }
            for (int i = 0; i < height; i++) {
                List<Span> spans = new ArrayList<>();
                for (int c = 0; c < columns; c++) {
                    Line part = i < wrapped.get(c).size() ? wrapped.get(c).get(i) : Line.EMPTY;
                    spans.addAll(part.padded(widths[c], Style.NORMAL).spans());
                    if (c < columns - 1) {
                        spans.add(new Span(sep, Style.DIM));
                    }
                }
                out.add(new Line(spans));
            }
            if (header.get(r)) {
                String cross = g.rule().equals("─") ? "─┼─" : "-+-";
                StringBuilder rule = new StringBuilder();
                for (int c = 0; c < columns; c++) {
                    rule.append(Text.repeat(g.rule(), widths[c])).append(c < columns - 1 ? cross : "");
                }
                out.add(Line.of(rule.toString(), Style.DIM));
            }
        }
        return out;
    }

    /** Natural widths, shrunk from the widest column first until they fit. */
    private static int[] widths(List<List<List<Span>>> rows, int columns, int room) {
        int[] w = new int[columns];
        for (List<List<Span>> row : rows) {
            for (int c = 0; c < row.size(); c++) {
                w[c] = Math.max(w[c], new Line(row.get(c)).width());
            }
        }
        while (sum(w) > room) {
            int widest = 0;
            for (int c = 1; c < columns; c++) {
                widest = w[c] > w[widest] ? c : widest;
            }
            if (w[widest] <= 6) {
                break;
            }
            w[widest]--;
        }
        return w;
    }

    private static int sum(int[] w) {
        int s = 0;
        for (int x : w) {
            s += x;
        }
        return s;
    }
}
