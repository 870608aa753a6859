package dev.tutor.app.tui.demo;

import dev.tutor.app.tui.demo.DemoState.Kind;
import dev.tutor.app.tui.demo.DemoState.Phase;
import dev.tutor.app.tui.text.Glyphs;
import dev.tutor.app.tui.text.Line;
import dev.tutor.app.tui.text.Section;
import dev.tutor.app.tui.text.Span;
import dev.tutor.app.tui.text.Style;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The demo screen's body: the prediction, the GIL timeline panels, the event-loop trace, or the echo servers'
 * meters. Pure.
 *
 * <p>Drawn for a body {@code cols} wide and {@code rows} high, at {@code now} (System.nanoTime, for the spinner
 * while the measurement runs).
 */
public final class DemoView {
    private DemoView() {
    }

    /** The body's lines for demo {@code d}; none when no demo was opened. */
    public static List<Line> body(DemoState d, int cols, int rows, Glyphs glyphs, long now) {
        if (d == null) {
            return new ArrayList<>();
        }
        Body s = new Body(cols, rows, glyphs, now);
        return switch (d.kind()) {
            case GIL -> gil(s, d);
            case LOOP -> loop(s, d);
            case METERS -> MetersView.body(d, cols, rows, glyphs);
        };
    }

    /** What the body is drawn on: its size, the glyphs and the time. */
    private record Body(int cols, int bodyRows, Glyphs glyphs, long now) {
    }

    /** The demo's name for the title bar. */
    public static String title(DemoState d) {
        return switch (d.kind()) {
            case GIL -> "GIL timeline";
            case LOOP -> "Event loop, turn by turn";
            case METERS -> "Echo servers, live meters";
        };
    }

    private static List<Line> gil(Body s, DemoState d) {
        List<Line> out = new ArrayList<>();
        Glyphs g = s.glyphs();
        out.add(Section.heading("GIL: " + d.scenario().title, s.cols(), g));
        out.addAll(prediction(d, s));
        if (d.phase() != Phase.RUNNING) {
            return out;
        }
        out.add(Line.EMPTY);
        out.add(Line.of(new Span(String.format(Locale.ROOT, " With the GIL · interval %s ms",
                intervalText(d.settings())), Style.BOLD), new Span("   " + GilTimelineView.stats(d.gil().stats()),
                Style.NORMAL)));
        out.addAll(GilTimelineView.lanes(d.gil(), d.scenario().threads, s.cols(), g));
        out.add(GilTimelineView.axis(d.gil(), s.cols(), g));
        if (d.showFree()) {
            out.add(Line.of(new Span(" Free-threaded (no GIL)", Style.BOLD),
                    new Span("   the same threads, truly at once", Style.NORMAL)));
            out.addAll(GilTimelineView.lanes(d.free(), d.scenario().threads, s.cols(), g));
        }
        out.add(Line.EMPTY);
        out.addAll(GilTimelineView.legend(g));
        out.add(status(d, true));
        if (!d.message().isEmpty()) {
            out.add(Line.of(" " + d.message(), Style.WARN));
        }
        return out;
    }

    private static List<Line> prediction(DemoState d, Body s) {
        List<Line> out = new ArrayList<>();
        if (d.scenario() == DemoState.Scenario.CPU_AND_IO) {
            out.add(Line.of(" cpu computes all the time; io works 0.5 ms, then waits 2 ms for I/O."));
            out.add(Line.of(" Predict: once a wait is over, how long until io holds the GIL again?"));
            out.add(Line.of(" Read the answer off the io lane; [ ] changes the switch interval.", Style.DIM));
            return out;
        }
        if (d.phase() == Phase.PREDICT) {
            out.add(Line.EMPTY);
            out.add(Line.of(" Predict first: one thread does a CPU-bound job, then two threads share it."));
            out.add(Line.of(" With the GIL, will two threads finish faster, in the same time, or slower?"));
            out.add(Line.EMPTY);
            out.add(Line.of(new Span("   1", Style.KEY), Span.of(" faster   "), new Span("2", Style.KEY),
                    Span.of(" the same   "), new Span("3", Style.KEY), Span.of(" slower")));
            out.add(Line.EMPTY);
            out.add(Line.of(" Then it is measured on this machine, and the timeline shows why.", Style.DIM));
            return out;
        }
        String guess = "You guessed: " + GilMeasurement.word(d.guess()) + ".";
        GilMeasurement m = d.measurement();
        if (m == null) {
            out.add(Line.of(new Span(" " + guess + " Measuring on this machine " + s.glyphs().spinnerFrame(s.now()),
                    Style.BUSY)));
            return out;
        }
        int found = GilMeasurement.verdict(m.withGil());
        boolean right = found == d.guess();
        out.add(Line.of(Span.of(" " + guess + " "), new Span("Measured: " + GilMeasurement.word(found) + ".",
                Style.BOLD), new Span(right ? "  " + s.glyphs().pass() + " right" : "  " + s.glyphs().fail()
                + " not so", right ? Style.PASS : Style.FAIL)));
        out.add(Line.of(String.format(Locale.ROOT, " 2 threads ÷ 1: %.2f× with the GIL, %.2f× free-threaded"
                + " (1 thread: %.0f ms)", m.withGil(), m.freeThreaded(), m.oneThreadMillis()), Style.DIM));
        return out;
    }

    private static List<Line> loop(Body s, DemoState d) {
        List<Line> out = new ArrayList<>();
        Glyphs g = s.glyphs();
        out.add(Section.heading("A real EventLoop: timers, an echo server and its client, one slow callback",
                s.cols(), g));
        out.add(Line.of(" timer every 400 ms · echo client pings 250 ms after each reply · every 6th beat is slow", Style.DIM));
        out.add(LoopTraceView.lane(d.loop(), s.cols(), g));
        out.add(Line.of(String.format(Locale.ROOT, "         %.0f ms a column, newest right; speed divides the timers' periods", LoopTraceView.NANOS_PER_COLUMN / 1e6), Style.DIM));
        out.add(LoopTraceView.header());
        int fixed = out.size() + 3; // legend, status and a blank line below the rows
        out.addAll(LoopTraceView.rows(d.loop(), Math.max(1, s.bodyRows() - fixed), g));
        while (out.size() < s.bodyRows() - 2) {
            out.add(Line.EMPTY);
        }
        out.add(LoopTraceView.legend(g));
        out.add(status(d, false));
        return out;
    }

    private static Line status(DemoState d, boolean gil) {
        String state = d.settings().paused() ? "paused (space resumes, . steps)" : "running";
        String more = gil ? " · switch interval " + intervalText(d.settings()) + " ms ([ ])" : String.format(
                Locale.ROOT, " · turns %d · slow callbacks %d", d.loop().turns().isEmpty() ? 0
                        : d.loop().turns().get(d.loop().turns().size() - 1).number(), d.loop().slowCount());
        return Line.of(new Span(" " + (d.settings().paused() ? "|| " : "> ") + state, Style.BOLD),
                new Span(" · speed " + DemoState.SPEEDS[d.settings().speed()] + " (+ -)" + more, Style.NORMAL),
                new Span(d.message().isEmpty() || gil ? "" : "  " + d.message(), Style.WARN));
    }

    private static String intervalText(DemoState.Settings s) {
        long us = s.switchIntervalMicros();
        return us % 1000 == 0 ? String.valueOf(us / 1000) : String.format(Locale.ROOT, "%.1f", us / 1000.0);
    }
}
