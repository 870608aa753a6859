package dev.tutor.app.tui;

import dev.tutor.app.tui.text.Line;
import dev.tutor.app.tui.text.MarkdownLines;
import dev.tutor.app.tui.text.Span;
import dev.tutor.app.tui.text.Text;
import java.util.ArrayList;
import java.util.List;

/**
 * The lesson reader's body: the lesson's Markdown set for the terminal's width, from the scroll offset.
 *
 * <p>The text column is at most {@link #MAX_TEXT_WIDTH} wide, and centred on a wide terminal, because long lines
 * are hard to read.
 */
final class LessonView {
    static final int MAX_TEXT_WIDTH = 96;

    private LessonView() {
    }

    static int textWidth(TutorState s) {
        return Math.min(MAX_TEXT_WIDTH, s.display().cols() - 4);
    }

    static List<Line> lines(TutorState s) {
        // Paired listings may spread past the prose column; body() centres them on their own.
        int wide = s.display().cols() - 4;
        return MarkdownLines.render(s.texts().lesson(s.reader().lessonId()), textWidth(s), wide, s.display().glyphs());
    }

    static int maxScroll(TutorState s) {
        return Math.max(0, lines(s).size() - s.display().bodyRows());
    }

    static List<Line> body(TutorState s) {
        List<Line> all = lines(s);
        String margin = Text.repeat(" ", margin(s));
        int prose = textWidth(s);
        List<Line> out = new ArrayList<>();
        int first = Math.min(s.reader().scroll(), maxScroll(s));
        for (int i = first; i < Math.min(all.size(), first + s.display().bodyRows()); i++) {
            Line line = all.get(i);
            String lead = line.width() > prose ? Text.repeat(" ", Math.max(2, (s.display().cols() - line.width()) / 2))
                    : margin;
            out.add(Line.of(Span.of(lead)).plus(line.spans().toArray(Span[]::new)));
        }
        return out;
    }

    private static int margin(TutorState s) {
        return Math.max(2, (s.display().cols() - textWidth(s)) / 2);
    }

    /** How far down the reader is, as "42%"; "All" when the lesson fits on one screen. */
    static String position(TutorState s) {
        int max = maxScroll(s);
        if (max == 0) {
            return "All";
        }
        return Math.round(100.0 * Math.min(s.reader().scroll(), max) / max) + "%";
    }
}
