package dev.tutor.app.tui.demo;

import dev.tutor.app.tui.text.Glyphs;
import dev.tutor.app.tui.text.Line;
import dev.tutor.app.tui.text.Span;
import dev.tutor.app.tui.text.Style;
import dev.tutor.app.tui.text.Text;
import dev.tutor.runtime.gil.GilEvent;
import dev.tutor.runtime.gil.GilStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Draws a {@link GilTrace} as lanes, one a thread, time running left to right and ending at the demo clock: the
 * terminal's take on David Beazley's GIL pictures, but live.
 *
 * <p>Each column is {@link #NANOS_PER_COLUMN} of the demo clock and shows what the thread was doing at the
 * column's end, unless something worth marking happened inside it: a failed wake-up, a drop request, a release
 * for I/O. Glyph and style both carry the meaning, so the lanes read without colour. Pure.
 */
final class GilTimelineView {
    /** Half a millisecond a column: CPython's 5 ms switch interval is ten columns. */
    static final long NANOS_PER_COLUMN = 500_000;
    /** Width of the thread-name column, with its rule. */
    static final int NAME_WIDTH = 10;

    /** What a cell shows; the order is the marks' priority, highest last. */
    enum Cell {
        IDLE(" ", " ", Style.NORMAL, ""),
        RUN("█", "#", Style.GIL_RUN, "runs, holding the GIL"),
        WAIT("░", ".", Style.GIL_WAIT, "waits for the GIL"),
        IO("~", "~", Style.GIL_IO, "in I/O, GIL released"),
        RELEASE("^", "^", Style.GIL_IO, "released for I/O"),
        DROP("↓", "v", Style.GIL_MARK, "drop request"),
        FAILED("!", "!", Style.GIL_FAIL, "failed wake-up");

        final String unicode;
        final String ascii;
        final Style style;
        final String meaning;

        Cell(String unicode, String ascii, Style style, String meaning) {
            this.unicode = unicode;
            this.ascii = ascii;
            this.style = style;
            this.meaning = meaning;
        }

        String glyph(Glyphs g) {
            return unicode(g) ? unicode : ascii;
        }
    }

    private GilTimelineView() {
    }

    static boolean unicode(Glyphs g) {
        return g.rule().equals("─");
    }

    /** The legend, two lines: what the lanes' states mean, then the marks. */
    static List<Line> legend(Glyphs g) {
        return List.of(legendLine(g, Cell.RUN, Cell.WAIT, Cell.IO), legendLine(g, Cell.FAILED, Cell.DROP, Cell.RELEASE));
    }

    private static Line legendLine(Glyphs g, Cell... cells) {
        List<Span> spans = new ArrayList<>();
        spans.add(Span.of(" "));
        for (Cell c : cells) {
            spans.add(new Span(c.glyph(g), c.style));
            spans.add(new Span(" " + c.meaning + "  ", Style.DIM));
        }
        return new Line(spans);
    }

    /**
     * The lanes of {@code trace} for {@code threads}, {@code width} columns wide in all (names included), the
     * right edge at the trace's clock.
     */
    static List<Line> lanes(GilTrace trace, List<String> threads, int width, Glyphs g) {
        int columns = Math.max(1, width - NAME_WIDTH);
        long end = trace.clockNanos();
        long start = end - columns * NANOS_PER_COLUMN;
        List<Line> out = new ArrayList<>();
        for (String thread : threads) {
            Cell[] cells = cells(trace.events(), thread, start, columns);
            List<Span> spans = new ArrayList<>();
            spans.add(new Span(Text.pad(" " + Text.cut(thread, NAME_WIDTH - 3), NAME_WIDTH - 1), Style.BOLD));
            spans.add(new Span(g.quote(), Style.DIM));
            StringBuilder run = new StringBuilder();
            Cell runCell = null;
            for (Cell c : cells) {
                if (c != runCell && runCell != null) {
                    spans.add(new Span(run.toString(), runCell.style));
                    run.setLength(0);
                }
                runCell = c;
                run.append(c.glyph(g));
            }
            if (runCell != null) {
                spans.add(new Span(run.toString(), runCell.style));
            }
            out.add(new Line(spans));
        }
        return out;
    }

    /** The time axis under the lanes: how much is shown and the clock at the right edge. */
    static Line axis(GilTrace trace, int width, Glyphs g) {
        int columns = Math.max(1, width - NAME_WIDTH);
        String text = String.format(Locale.ROOT, "%s %.0f ms shown, %.1f ms a column; clock %.1f ms",
                unicode(g) ? "└" : "`", columns * NANOS_PER_COLUMN / 1e6, NANOS_PER_COLUMN / 1e6,
                trace.clockNanos() / 1e6);
        return Line.of(new Span(Text.repeat(" ", NAME_WIDTH - 1) + text, Style.DIM));
    }

    /** Badness and switches per second, Beazley's figures, as one line. */
    static String stats(GilStats s) {
        if (s == null) {
            return "no figures yet";
        }
        return String.format(Locale.ROOT, "badness %.2f · %.0f switches/s", s.badness(), s.switchesPerSecond());
    }

    static Cell[] cells(List<GilEvent> events, String thread, long start, int columns) {
        Cell[] cells = new Cell[columns];
        Cell state = Cell.IDLE;
        Cell carried = null; // a mark that lost its column to a stronger one shows in the next
        int i = 0;
        List<GilEvent> mine = events.stream().filter(e -> e.thread().equals(thread)).toList();
        for (int col = 0; col < columns; col++) {
            long colEnd = start + (col + 1) * NANOS_PER_COLUMN;
            Cell mark = carried;
            carried = null;
            while (i < mine.size() && mine.get(i).timeNanos() < colEnd) {
                GilEvent e = mine.get(i++);
                state = stateAfter(e.kind(), state);
                Cell m = markOf(e.kind());
                boolean inColumn = e.timeNanos() >= colEnd - NANOS_PER_COLUMN;
                if (m != null && inColumn) {
                    if (mark == null) {
                        mark = m;
                    } else if (m != mark) {
                        carried = m.ordinal() > mark.ordinal() ? mark : m;
                        mark = m.ordinal() > mark.ordinal() ? m : mark;
                    }
                }
            }
            cells[col] = mark != null ? mark : state;
        }
        return cells;
    }

    private static Cell stateAfter(GilEvent.Kind kind, Cell before) {
        return switch (kind) {
            case ACQUIRED, RUNNING, REACQUIRED -> Cell.RUN;
            case WAITING, WAIT_TIMED_OUT, DROP_REQUESTED, FORCED_SWITCH -> Cell.WAIT;
            case RELEASED_FOR_IO -> Cell.IO;
        };
    }

    private static Cell markOf(GilEvent.Kind kind) {
        return switch (kind) {
            case WAIT_TIMED_OUT -> Cell.FAILED;
            case DROP_REQUESTED -> Cell.DROP;
            case RELEASED_FOR_IO -> Cell.RELEASE;
            default -> null;
        };
    }
}
