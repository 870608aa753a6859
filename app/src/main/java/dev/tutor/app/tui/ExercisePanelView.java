package dev.tutor.app.tui;

import dev.tutor.app.course.Exercise;
import dev.tutor.app.course.Lesson;
import dev.tutor.app.tui.text.CodeColours;
import dev.tutor.app.tui.text.CodeLines;
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
 * The exercise panel's body: what to do and the file to open, the live status of the latest grading, the hints
 * taken so far, and the reference solution once shown. Scrolls when it is longer than the screen.
 */
final class ExercisePanelView {
    private ExercisePanelView() {
    }

    static int maxScroll(TutorState s) {
        return Math.max(0, lines(s).size() - s.display().bodyRows());
    }

    /** The line where the comparison with the reference solution starts, or 0 when it is not shown. */
    static int solutionStart(TutorState s) {
        List<Line> all = lines(s);
        for (int i = 0; i < all.size(); i++) {
            String text = all.get(i).text();
            if (text.contains(" against the reference ") || text.contains(" Reference solution ")) {
                return i;
            }
        }
        return 0;
    }

    static List<Line> body(TutorState s) {
        List<Line> all = lines(s);
        int first = Math.min(s.panel().scroll(), maxScroll(s));
        return all.subList(first, Math.min(all.size(), first + s.display().bodyRows()));
    }

    static List<Line> lines(TutorState s) {
        Exercise e = s.exercise();
        List<Line> out = new ArrayList<>();
        if (e == null) {
            return out;
        }
        Glyphs g = s.display().glyphs();
        int width = s.display().cols() - 4;
        Lesson lesson = s.course().lesson(e.lessonId()).orElse(null);
        List<Exercise> siblings = s.course().exercisesOf(e.lessonId());
        out.add(Line.EMPTY);
        out.add(Line.of(Span.of("  "), new Span(e.title(), Style.HEADING)));
        out.add(Line.of("  " + (lesson == null ? "" : "Lesson " + lesson.number() + " · " + lesson.title() + " · ")
                + "exercise " + (siblings.indexOf(e) + 1) + " of " + siblings.size() + " · topics "
                + String.join(" ", e.topics()), Style.DIM));
        out.add(Line.EMPTY);
        List<String> paths = s.texts().filePaths(e.id());
        out.addAll(Wrap.paragraph((paths.size() == 1
                ? "Open this file in your editor, do what its TODO comments ask"
                : "Open these " + paths.size() + " files in your editor, do what their TODO comments ask")
                + ", and save: every save is graded here.", width, Style.NORMAL));
        // A path is never cut, so it can be copied: where it is too wide it breaks after a '/'.
        for (String path : paths) {
            for (String part : pathLines(path, s.display().cols() - 5)) {
                out.add(Line.of(Span.of("    "), new Span(part, Style.CODE)));
            }
        }
        out.add(Line.EMPTY);
        out.add(Section.heading("Status", width, g).indented(2));
        out.addAll(VerdictLines.lines(s, e));
        out.add(Line.EMPTY);
        hints(s, e, width, out);
        solution(s, e, width, out);
        return out;
    }

    /** A path in pieces no wider than {@code width}, each ending at a '/', where it does not fit whole. */
    static List<String> pathLines(String path, int width) {
        List<String> parts = new java.util.ArrayList<>();
        String rest = path;
        while (Text.width(rest) > width) {
            int cut = rest.lastIndexOf('/', Math.max(1, width - 1));
            if (cut <= 0) {
                cut = width - 1;
            }
            parts.add(rest.substring(0, cut + 1));
            rest = rest.substring(cut + 1);
        }
        parts.add(rest);
        return parts;
    }

    private static void hints(TutorState s, Exercise e, int width, List<Line> out) {
        int shown = Math.min(s.panel().hintsShown(), e.hints().size());
        if (shown == 0) {
            return;
        }
        out.add(Section.heading("Hints (" + shown + " of " + e.hints().size() + ")", width,
                s.display().glyphs()).indented(2));
        for (int i = 0; i < shown; i++) {
            out.addAll(Wrap.wrap(List.of(Span.of(e.hints().get(i))), width + 2,
                    new Span("  " + (i + 1) + ". ", Style.BOLD), Span.of("     ")));
        }
        out.add(Line.EMPTY);
    }

    private static void solution(TutorState s, Exercise e, int width, List<Line> out) {
        switch (s.panel().solution()) {
            case HIDDEN -> {
            }
            case ASKING -> {
                out.addAll(Wrap.paragraph("You have not passed this exercise yet; seeing the answer first spoils it."
                        + " Show the reference solution? (y/n)", width, Style.WARN));
                out.add(Line.EMPTY);
            }
            case SHOWN -> {
                if (s.learner().grade(e.id()) instanceof GradeStatus.Graded graded && !graded.sources().isEmpty()) {
                    for (String file : e.files()) {
                        String yours = graded.sources().get(file);
                        java.util.Optional<String> reference = s.texts().solutionFile(file);
                        if (yours == null || reference.isEmpty()) {
                            continue;
                        }
                        String name = file.substring(file.lastIndexOf('/') + 1);
                        out.add(Section.heading("Your " + name + " (as last graded) against the reference",
                                width, s.display().glyphs()).indented(2));
                        out.addAll(SolutionDiff.lines(yours, reference.get(), width + 2, s.display().glyphs()));
                        out.add(Line.EMPTY);
                    }
                }
                out.add(Section.heading("Reference solution", width, s.display().glyphs()).indented(2));
                for (String line : s.texts().solution(e.id()).stripTrailing().split("\n", -1)) {
                    out.addAll(CodeLines.wrap("  ", CodeColours.line(line.replace("\t", "    "), "java"), width + 2,
                            s.display().glyphs()));
                }
            }
        }
    }
}
