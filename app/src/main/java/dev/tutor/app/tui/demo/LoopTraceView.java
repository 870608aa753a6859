package dev.tutor.app.tui.demo;

import dev.tutor.app.tui.demo.LoopTrace.Callback;
import dev.tutor.app.tui.demo.LoopTrace.Turn;
import dev.tutor.app.tui.text.Glyphs;
import dev.tutor.app.tui.text.Line;
import dev.tutor.app.tui.text.Span;
import dev.tutor.app.tui.text.Style;
import dev.tutor.app.tui.text.Text;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Draws a {@link LoopTrace}: a lane of the loop thread, busy running callbacks or waiting in select, then one
 * row a turn with its phases, the newest at the bottom. Slow callbacks are flagged by word and style. Pure.
 */
final class LoopTraceView {
    /** Ten milliseconds of loop time a lane column; a turn that ran callbacks shows at least one busy column. */
    static final long NANOS_PER_COLUMN = 10_000_000;

    private LoopTraceView() {
    }

    static Line legend(Glyphs g) {
        boolean u = GilTimelineView.unicode(g);
        return Line.of(Span.of(" "), new Span(u ? "█" : "#", Style.GIL_RUN),
                new Span(" callbacks  ", Style.DIM), new Span(u ? "░" : ".", Style.GIL_WAIT),
                new Span(" waiting in select  ", Style.DIM), new Span(g.quote(), Style.DIM),
                new Span(" new turn  ", Style.DIM), new Span(slowMark(g), Style.GIL_FAIL),
                new Span(" callback over 50 ms", Style.DIM));
    }

    static String slowMark(Glyphs g) {
        return GilTimelineView.unicode(g) ? "⚠SLOW" : "!!SLOW";
    }

    /**
     * The loop thread's lane, {@code width} columns: the latest turns back to back, each its wait in select and
     * then its callbacks. The demo's own pauses between turns (slow motion) are left out.
     */
    static Line lane(LoopTrace trace, int width, Glyphs g) {
        boolean u = GilTimelineView.unicode(g);
        String label = " loop    ";
        int columns = Math.max(1, width - label.length());
        List<Span> cells = new ArrayList<>(); // right to left, then reversed
        List<Turn> turns = trace.turns();
        for (int i = turns.size() - 1; i >= 0 && cells.size() < columns; i--) {
            Turn t = turns.get(i);
            int busy = Math.max(t.callbacks().isEmpty() ? 0 : 1,
                    (int) Math.round(t.busyNanos() / (double) NANOS_PER_COLUMN));
            int wait = (int) Math.round(Math.max(0, t.waitedNanos()) / (double) NANOS_PER_COLUMN);
            for (int b = 0; b < busy && cells.size() < columns; b++) {
                cells.add(new Span(u ? "█" : "#", t.slow() ? Style.GIL_FAIL : Style.GIL_RUN));
            }
            for (int w = 0; w < wait && cells.size() < columns; w++) {
                cells.add(new Span(u ? "░" : ".", Style.GIL_WAIT));
            }
            if (cells.size() < columns) {
                cells.add(new Span(g.quote(), Style.DIM));
            }
        }
        List<Span> spans = new ArrayList<>();
        spans.add(new Span(label, Style.BOLD));
        spans.add(Span.of(Text.repeat(" ", columns - cells.size())));
        for (int i = cells.size() - 1; i >= 0; i--) {
            spans.add(cells.get(i));
        }
        return new Line(spans);
    }

    static Line header() {
        return Line.of(String.format(Locale.ROOT, " %-6s %3s %3s  %-20s %8s  %-10s %s", "turn", "rdy", "tmr",
                "select time-out", "waited", "keys", "due · callbacks run"), Style.HEADING);
    }

    /** The latest {@code rows} turns, one line each. */
    static List<Line> rows(LoopTrace trace, int rows, Glyphs g) {
        List<Turn> turns = trace.turns();
        List<Line> out = new ArrayList<>();
        for (int i = Math.max(0, turns.size() - rows); i < turns.size(); i++) {
            out.add(row(turns.get(i), g));
        }
        return out;
    }

    static Line row(Turn t, Glyphs g) {
        String keys = t.waitedNanos() < 0 ? "" : t.keys().isEmpty() ? "-" : String.join(" ", t.keys());
        String head = String.format(Locale.ROOT, " #%-5d %3d %3d  %-20s %8s  %-10s ", t.number(), t.ready(),
                t.timers(), timeout(t), t.waitedNanos() < 0 ? "" : ms(t.waitedNanos()), Text.cut(keys, 10));
        List<Span> spans = new ArrayList<>();
        spans.add(Span.of(head));
        spans.add(new Span(t.due().size() + " · ", Style.DIM));
        boolean first = true;
        for (Callback c : t.callbacks()) {
            spans.add(Span.of(first ? "" : ", "));
            if (c.slow()) {
                spans.add(new Span(slowMark(g) + " ", Style.GIL_FAIL));
            }
            spans.add(Span.of(c.name() + " " + ms(c.nanos())));
            first = false;
        }
        if (t.callbacks().isEmpty() && t.ended()) {
            spans.add(new Span("none", Style.DIM));
        }
        return new Line(spans);
    }

    private static String timeout(Turn t) {
        if (t.reason() == null) {
            return "";
        }
        return switch (t.reason()) {
            case CALLBACKS_READY -> "0 (callbacks ready)";
            case STOPPING -> "0 (stopping)";
            case NEXT_TIMER -> ms(t.timeoutNanos()) + " next timer";
            case NOTHING_SCHEDULED -> "block (nothing due)";
        };
    }

    static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.1fms", nanos / 1e6);
    }
}
