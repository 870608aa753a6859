package dev.tutor.app.tui;

import dev.tutor.app.course.Exercise;
import dev.tutor.app.course.Lesson;
import dev.tutor.app.course.Topic;
import dev.tutor.app.progress.ExerciseStatus;
import dev.tutor.app.session.Standing;
import dev.tutor.app.tui.text.Glyphs;
import dev.tutor.app.tui.text.Line;
import dev.tutor.app.tui.text.Section;
import dev.tutor.app.tui.text.Span;
import dev.tutor.app.tui.text.Style;
import dev.tutor.app.tui.text.Text;
import dev.tutor.app.tui.text.Wrap;
import java.util.ArrayList;
import java.util.List;

/**
 * The course map's body: the overall progress, then every lesson with its exercises and their status, then
 * the topics of the selected lesson. The selected row is highlighted and kept in view.
 */
final class CourseMapView {
    private CourseMapView() {
    }

    static List<Line> body(TutorState s) {
        Glyphs g = s.display().glyphs();
        List<Line> out = new ArrayList<>();
        out.add(Line.EMPTY);
        out.add(progressLine(s));
        if (s.notice().isEmpty()) {
            out.add(resumeLine(s));
        } else { // on the map a notice has room to be read whole, in place of the resume line
            out.addAll(Wrap.wrap(List.of(new Span(s.notice(), Style.WARN)), s.display().cols() - 2, Span.of("  "),
                    Span.of("  ")));
        }
        out.add(Line.EMPTY);
        List<CourseMapRows.Row> rows = CourseMapRows.rows(s.course());
        // Rows reserved for the header above and the topics below; the list scrolls inside what is left.
        int room = Math.max(3, s.display().bodyRows() - out.size() - 7);
        int first = Math.clamp(s.selected() - room + 1, 0, Math.max(0, rows.size() - room));
        int idWidth = s.course().exercises().stream().mapToInt(e -> Text.width(e.id())).max().orElse(0);
        for (int i = first; i < Math.min(rows.size(), first + room); i++) {
            out.add(row(s, rows.get(i), i == s.selected(), idWidth));
        }
        out.add(Line.EMPTY);
        if (!rows.isEmpty()) {
            Lesson lesson = rows.get(Math.min(s.selected(), rows.size() - 1)).lesson();
            out.add(Section.heading("Topics of lesson " + lesson.number(), s.display().cols() - 4, g).indented(2));
            for (String id : lesson.topics()) {
                String title = s.course().topics().stream().filter(t -> t.id().equals(id)).map(Topic::title)
                        .findFirst().orElse("");
                out.add(Line.of(new Span("  " + Text.pad(id, 4), Style.BOLD), Span.of(title)));
            }
        }
        return out;
    }

    private static Line progressLine(TutorState s) {
        List<Exercise> all = s.course().exercises();
        long passed = Standing.passedCount(s.course(), s.learner().progress());
        int barWidth = 20;
        int filled = all.isEmpty() ? 0 : (int) (barWidth * passed / all.size());
        String full = s.display().glyphs().rule().equals("─") ? "█" : "#";
        String empty = s.display().glyphs().rule().equals("─") ? "░" : ".";
        Line line = Line.of(Span.of("  Progress  "), new Span(Text.repeat(full, filled), Style.PASS),
                new Span(Text.repeat(empty, barWidth - filled), Style.DIM),
                Span.of("  " + passed + " of " + all.size() + " exercises passed"));
        return line;
    }

    private static Line resumeLine(TutorState s) {
        if (!Standing.begun(s.learner().progress()) || s.course().exercises().isEmpty()) {
            return Line.of("  New here? Press enter to read lesson 1.", Style.DIM);
        }
        if (Standing.passedCount(s.course(), s.learner().progress()) == s.course().exercises().size()) {
            return Line.of("  Every exercise passes. Any lesson or exercise is there to go over again.", Style.DIM);
        }
        Exercise next = Standing.resume(s.course(), s.learner().progress());
        CourseMapRows.Row selected = CourseMapRows.rows(s.course()).get(Math.min(s.selected(),
                CourseMapRows.rows(s.course()).size() - 1));
        boolean onIt = !selected.isLesson() && selected.exercise().id().equals(next.id());
        return Line.of("  Next up: " + next.id() + (onIt ? ": it is selected, press enter to go on."
                : " (press r to select it)."), Style.DIM);
    }

    /** One row of the map; exercise ids are padded to {@code idWidth}, the longest, so the titles line up. */
    private static Line row(TutorState s, CourseMapRows.Row row, boolean selected, int idWidth) {
        Glyphs g = s.display().glyphs();
        int width = s.display().cols() - 2;
        String pointer = selected ? g.pointer() + " " : "  ";
        Line line;
        if (row.isLesson()) {
            Lesson l = row.lesson();
            String topics = String.join(" ", l.topics());
            line = Line.of(Span.of(pointer), new Span("Lesson " + l.number() + "  " + l.title(), Style.BOLD));
            int gap = width - line.width() - Text.width(topics);
            line = line.plus(Span.of(Text.repeat(" ", Math.max(1, gap))), new Span(topics, Style.DIM));
        } else {
            Exercise e = row.exercise();
            Span mark = status(s, e);
            String label = statusLabel(s, e);
            line = Line.of(Span.of(pointer + "    "), mark, Span.of(" " + Text.pad(e.id(), idWidth) + " "),
                    Span.of(e.title()));
            int gap = width - line.width() - Text.width(label);
            line = line.fit(width - Text.width(label) - 1)
                    .plus(Span.of(Text.repeat(" ", Math.max(1, gap))), new Span(label, mark.style()));
        }
        line = Line.of(Span.of(" ")).plus(line.spans().toArray(Span[]::new));
        return selected ? highlight(line, s.display().cols()) : line;
    }

    /** The exercise's status glyph, with a spinner while it is being graded. */
    static Span status(TutorState s, Exercise e) {
        Glyphs g = s.display().glyphs();
        if (s.learner().grade(e.id()) instanceof GradeStatus.Grading) {
            return new Span(g.spinnerFrame(s.now()), Style.BUSY);
        }
        return switch (s.learner().progress().exercise(e.id()).status()) {
            case PASSED -> new Span(g.pass(), Style.PASS);
            case FAILING -> new Span(g.fail(), Style.FAIL);
            case NOT_STARTED -> new Span(g.notStarted(), Style.DIM);
        };
    }

    private static String statusLabel(TutorState s, Exercise e) {
        if (s.learner().grade(e.id()) instanceof GradeStatus.Grading) {
            return "grading…";
        }
        return Standing.label(s.learner().progress().exercise(e.id()).status());
    }

    private static Line highlight(Line line, int cols) {
        List<Span> spans = new ArrayList<>();
        for (Span span : line.padded(cols, Style.SELECTED).spans()) {
            spans.add(new Span(span.text(), Style.SELECTED));
        }
        return new Line(spans);
    }
}
