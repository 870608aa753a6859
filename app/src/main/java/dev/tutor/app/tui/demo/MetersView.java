package dev.tutor.app.tui.demo;

import dev.tutor.app.tui.text.Glyphs;
import dev.tutor.app.tui.text.Line;
import dev.tutor.app.tui.text.Section;
import dev.tutor.app.tui.text.Span;
import dev.tutor.app.tui.text.Style;
import dev.tutor.app.tui.text.Text;
import dev.tutor.app.tui.text.Wrap;
import dev.tutor.runtime.meter.EchoMeters;
import dev.tutor.runtime.meter.MeterReading;
import dev.tutor.runtime.net.EpollWatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Draws the meters of three echo servers: a row a server with its latency, rate and CPU, the CPU as a bar too,
 * and below them the kernel's view of the Selector server's interest list. Pure.
 */
final class MetersView {
    /** Columns of the CPU bar for one whole core, where the screen is wide enough. */
    private static final int BAR_PER_CORE = 20;

    private MetersView() {
    }

    static List<Line> body(DemoState d, int cols, int rows, Glyphs g) {
        List<Line> out = new ArrayList<>();
        var plan = EchoMeters.LIGHT;
        out.add(Section.heading("Three echo servers on 127.0.0.1, " + plan.clients() + " probe clients each", cols,
                g));
        out.addAll(note(String.format(Locale.ROOT, "Each client sends %d bytes, waits for the echo, pauses %d ms,"
                + " and goes again. One more client of the Selector sends 64 KiB every %d s and reads the echo"
                + " back slowly.", plan.message(), plan.pause().toMillis(), EchoMeters.SLOW_READER_EVERY.toSeconds()),
                cols));
        out.add(Line.EMPTY);
        out.add(Line.of(String.format(Locale.ROOT, " %-18s %7s %7s %9s %9s %6s  %s", "server", "threads", "req/s",
                "median", "worst", "CPU", "of one core"), Style.HEADING));
        List<MeterReading> readings = d.meters().readings();
        if (readings.isEmpty()) {
            out.add(Line.of(" Starting the servers and their clients…", Style.BUSY));
        }
        for (MeterReading r : readings) {
            out.add(row(r, cols, g));
        }
        out.addAll(note("Latency of one request and requests a second over the last second; CPU of the server's"
                + " own threads only, not its clients'.", cols));
        out.add(Line.EMPTY);
        out.addAll(kernel(d.meters(), cols, g));
        if (!d.message().isEmpty()) {
            out.add(Line.of(" " + d.message(), Style.WARN));
        }
        while (out.size() < rows - 1) {
            out.add(Line.EMPTY);
        }
        out.add(status(d));
        return out;
    }

    /** A server's row; its CPU bar takes what the row leaves of {@code cols}, one core at most 20 columns. */
    static Line row(MeterReading r, int cols, Glyphs g) {
        String head = String.format(Locale.ROOT, " %-18s %7d %7.0f %9s %9s %6s  ", r.server(), r.threads(),
                r.perSecond(), ms(r.medianNanos()), ms(r.worstNanos()),
                r.cpuPercent() < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f%%", r.cpuPercent()));
        int room = Math.max(1, cols - Text.width(head));
        int perCore = Math.min(BAR_PER_CORE, room);
        // A sliver for any CPU that shows as 1 % or more, so that "a little" and "none" look different.
        int cells = r.cpuPercent() < 0.5 ? 0 : (int) Math.clamp(Math.round(r.cpuPercent() * perCore / 100), 1, room);
        boolean burns = r.cpuPercent() >= 50;
        return Line.of(Span.of(head), new Span(Text.repeat(GilTimelineView.unicode(g) ? "█" : "#", cells),
                burns ? Style.GIL_FAIL : Style.GIL_RUN));
    }

    /** The Selector's interest list as the kernel holds it, or one line saying why it is not shown. */
    static List<Line> kernel(MeterBoard board, int cols, Glyphs g) {
        List<Line> out = new ArrayList<>();
        out.add(Section.heading("The kernel's view: what the Selector's epoll instance waits for", cols, g));
        if (!board.kernelNote().isEmpty()) {
            out.addAll(note(board.kernelNote(), cols));
            return out;
        }
        if (board.epollFd() < 0) {
            return out; // before the first look
        }
        out.add(Line.of(String.format(Locale.ROOT, " /proc/self/fdinfo/%d · %d descriptor%s", board.epollFd(),
                board.interest().size(), board.interest().size() == 1 ? "" : "s"), Style.DIM));
        out.add(Line.of(String.format(Locale.ROOT, " %4s  %-28s %-12s %s", "fd", "socket", "TCP state",
                "waits for"), Style.HEADING));
        for (EpollWatch w : board.interest()) {
            boolean slow = board.slowReaderPort() != 0 && w.remotePort() == board.slowReaderPort();
            out.add(Line.of(Span.of(String.format(Locale.ROOT, " %4d  %-28s %-12s %s", w.fd(), socket(w),
                    w.tcpState(), slow ? Text.pad(events(w), 17) : events(w))),
                    new Span(slow ? "slow reader" : "", Style.DIM)));
        }
        out.addAll(note("OP_ACCEPT and OP_READ are EPOLLIN; OP_WRITE is EPOLLOUT, asked for only while an echo"
                + " waits to go out: watch the slow reader's connection.", cols));
        return out;
    }

    /** A sentence of the screen's own, dim, wrapped after a margin of one column. */
    private static List<Line> note(String text, int cols) {
        return Wrap.wrap(List.of(new Span(text, Style.DIM)), cols, Span.of(" "), Span.of(" "));
    }

    private static String socket(EpollWatch w) {
        if (w.local() == null) {
            // The selector's own eventfd: what wakeup() writes to, so that a select can be ended from outside.
            return w.target().contains("eventfd") ? "eventfd (for wakeup())" : w.target();
        }
        String local = w.local().getAddress().getHostAddress() + ":" + w.localPort();
        return w.remote() == null ? local + " (listening)" : local + " <- :" + w.remotePort();
    }

    /** Only what was asked for: the kernel adds EPOLLERR and EPOLLHUP to every watch. */
    private static String events(EpollWatch w) {
        List<String> asked = new ArrayList<>();
        if (w.wantsRead()) {
            asked.add("EPOLLIN");
        }
        if (w.wantsWrite()) {
            asked.add("EPOLLOUT");
        }
        return asked.isEmpty() ? "(nothing)" : String.join(" ", asked);
    }

    private static Line status(DemoState d) {
        boolean paused = d.settings().paused();
        return Line.of(new Span(paused ? " || paused (space resumes)" : " > running", Style.BOLD),
                new Span(String.format(Locale.ROOT, " · looks %d times a second · esc stops every server and client",
                        1000 / MetersDemo.LOOK_MILLIS), Style.NORMAL));
    }

    static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
    }
}
