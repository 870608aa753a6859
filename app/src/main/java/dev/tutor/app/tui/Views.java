package dev.tutor.app.tui;

import dev.tutor.app.tui.demo.DemoState;
import dev.tutor.app.tui.demo.DemoView;
import dev.tutor.app.tui.text.Frame;
import dev.tutor.app.tui.text.Line;
import dev.tutor.app.tui.text.Span;
import dev.tutor.app.tui.text.Style;
import dev.tutor.app.tui.text.Text;
import dev.tutor.app.tui.text.Wrap;
import java.util.ArrayList;
import java.util.List;

/**
 * Draws a state as a {@link Frame}: the title bar, the focused screen's body and the key bar, or the help
 * overlay, or the note that the terminal is too small. Pure: the same state always gives the same text.
 */
final class Views {
    private Views() {
    }

    static Frame render(TutorState s) {
        if (s.display().tooSmall()) {
            return tooSmall(s);
        }
        List<Line> lines = new ArrayList<>();
        lines.add(titleBar(s));
        List<Line> body = s.help() ? HelpOverlay.lines(s) : switch (s.focus()) {
            case COURSE_MAP -> CourseMapView.body(s);
            case LESSON -> LessonView.body(s);
            case EXERCISE -> ExercisePanelView.body(s);
            case DEMO -> DemoView.body(s.demo(), s.display().cols(), s.display().bodyRows(), s.display().glyphs(),
                    s.now());
        };
        for (int i = 0; i < s.display().bodyRows(); i++) {
            lines.add(i < body.size() ? body.get(i) : Line.EMPTY);
        }
        lines.add(keyBar(s));
        return new Frame(s.display().cols(), s.display().rows(), lines);
    }

    private static Line titleBar(TutorState s) {
        String where = switch (s.focus()) {
            case COURSE_MAP -> "Course map";
            case LESSON -> s.course().lesson(s.reader().lessonId())
                    .map(l -> "Lesson " + l.number() + " · " + l.title()).orElse("Lesson");
            case EXERCISE -> "Exercise " + s.panel().exerciseId();
            case DEMO -> "Demo · " + (s.demo() == null ? "" : DemoView.title(s.demo()));
        };
        long passed = dev.tutor.app.session.Standing.passedCount(s.course(), s.learner().progress());
        String right = passed + "/" + s.course().exercises().size() + " passed ";
        String left = " Concurrency Tutor › " + (s.help() ? "Help" : where);
        Line title = Line.of(new Span(Text.cut(left, s.display().cols() - Text.width(right) - 1), Style.TITLE_BAR));
        int gap = s.display().cols() - title.width() - Text.width(right);
        return title.plus(new Span(Text.repeat(" ", gap), Style.TITLE_BAR), new Span(right, Style.TITLE_BAR));
    }

    /** The reader's keys; {@code v} and {@code s} only in the lessons that have a GIL timeline or the meters. */
    private static List<String[]> lessonKeys(TutorState s) {
        List<String[]> keys = new ArrayList<>(List.of(new String[] {"↑↓", "scroll"}, new String[] {"enter", "exercise"},
                new String[] {"d", "demo"}));
        if (DemoUpdate.hasGilTimeline(s)) {
            keys.add(new String[] {"v", "GIL"});
        }
        if (DemoUpdate.hasMeters(s)) {
            keys.add(new String[] {"s", "servers"});
        }
        keys.addAll(List.of(new String[] {"t", "loop"}, new String[] {"esc", "map"}, new String[] {"?", "help"},
                new String[] {"q", "quit"}));
        return keys;
    }

    private static Line keyBar(TutorState s) {
        List<String[]> keys = s.help() ? List.<String[]>of(new String[] {"any key", "close help"})
                : switch (s.focus()) {
                    case COURSE_MAP -> List.of(new String[] {"↑↓", "move"}, new String[] {"enter", "open"},
                            new String[] {"?", "help"}, new String[] {"q", "quit"});
                    case LESSON -> lessonKeys(s);
                    case DEMO -> demoKeys(s.demo());
                    case EXERCISE -> s.panel().solution() == Panel.SolutionView.ASKING
                            ? List.of(new String[] {"y", "show the solution"}, new String[] {"any other key", "keep trying"})
                            : List.of(new String[] {"h", "hint"}, new String[] {"s", "solution"},
                                    new String[] {"c", "check"}, new String[] {"n", "next"}, new String[] {"l", "lesson"},
                                    new String[] {"esc", "map"}, new String[] {"?", "help"}, new String[] {"q", "quit"});
                };
        List<Span> spans = new ArrayList<>();
        spans.add(Span.of(" "));
        for (String[] k : keys) {
            boolean unicode = s.display().glyphs().rule().equals("─");
            spans.add(new Span(unicode ? k[0] : k[0].replace("↑↓", "up/down"), Style.KEY));
            spans.add(new Span(" " + k[1] + "  ", Style.DIM));
        }
        Line bar = new Line(spans);
        // A notice (a verdict that came while the learner reads, a last hint) shows on every screen until the
        // next key; it takes the place of the lesson's position, and of the keys if the line has no room.
        String right = !s.notice().isEmpty() && !s.help() && s.focus() != Focus.COURSE_MAP ? s.notice() + " "
                : s.focus() == Focus.LESSON && !s.help() ? LessonView.position(s) + " " : "";
        int gap = s.display().cols() - bar.width() - Text.width(right);
        if (gap < 1) {
            return s.notice().isEmpty() || s.focus() == Focus.COURSE_MAP ? bar
                    : Line.of(new Span(" " + Text.cut(s.notice(), s.display().cols() - 2), Style.BOLD));
        }
        return bar.plus(Span.of(Text.repeat(" ", gap)), new Span(right, Style.BOLD));
    }

    private static List<String[]> demoKeys(DemoState d) {
        if (d != null && d.phase() == DemoState.Phase.PREDICT) {
            return List.of(new String[] {"1 2 3", "faster / same / slower"}, new String[] {"esc", "back"},
                    new String[] {"q", "quit"});
        }
        if (d != null && d.kind() == DemoState.Kind.METERS) {
            return List.of(new String[] {"space", "pause"}, new String[] {"esc", "back"}, new String[] {"?", "help"});
        }
        List<String[]> keys = new ArrayList<>(List.of(new String[] {"space", "pause"}, new String[] {".", "step"},
                new String[] {"+ -", "speed"}));
        if (d != null && d.kind() == DemoState.Kind.GIL) {
            keys.add(new String[] {"[ ]", "interval"});
            keys.add(new String[] {"s", "scenario"});
            keys.add(new String[] {"f", "free"});
            keys.add(new String[] {"esc", "back"});
            return keys;
        }
        keys.add(new String[] {"esc", "back"});
        keys.add(new String[] {"?", "help"});
        return keys;
    }

    private static Frame tooSmall(TutorState s) {
        List<Line> lines = new ArrayList<>();
        String[] message = {
            "The tutor needs a terminal of at least " + Display.MIN_COLS + "x" + Display.MIN_ROWS + ".",
            "This one is " + s.display().cols() + "x" + s.display().rows() + ": please enlarge the window.",
            "(q quits)"};
        int top = Math.max(0, (s.display().rows() - message.length) / 2);
        for (int i = 0; i < top; i++) {
            lines.add(Line.EMPTY);
        }
        for (String m : message) {
            List<Line> wrapped = Wrap.wrap(List.of(new Span(m, Style.WARN)), s.display().cols(), Span.of(""),
                    Span.of(""));
            lines.addAll(wrapped);
        }
        return new Frame(s.display().cols(), s.display().rows(), lines);
    }
}
