package dev.tutor.app.tui;

import dev.tutor.app.course.Exercise;
import dev.tutor.app.grading.CompileError;
import dev.tutor.app.grading.GradeReport;
import dev.tutor.app.grading.Measurement;
import dev.tutor.app.grading.TestFailure;
import dev.tutor.app.grading.Verdict;
import dev.tutor.app.progress.ExerciseStatus;
import dev.tutor.app.session.AttemptText;
import dev.tutor.app.session.Hints;
import dev.tutor.app.session.Standing;
import dev.tutor.app.tui.text.CodeLines;
import dev.tutor.app.tui.text.Glyphs;
import dev.tutor.app.tui.text.Line;
import dev.tutor.app.tui.text.Span;
import dev.tutor.app.tui.text.Style;
import dev.tutor.app.tui.text.Wrap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The exercise panel's status section: waiting for a save, grading (spinner and elapsed time), or what the
 * verdict says and where to look, one case for each kind of verdict.
 */
final class VerdictLines {
    /** The thread dump of a time-out is cut here; the first threads are the learner's and say the most. */
    private static final int MAX_DUMP_LINES = 14;

    private VerdictLines() {
    }

    static List<Line> lines(TutorState s, Exercise e) {
        Glyphs g = s.display().glyphs();
        int width = s.display().cols() - 4;
        List<Line> out = new ArrayList<>();
        switch (s.learner().grade(e.id())) {
            case GradeStatus.Waiting w -> {
                // the latest attempt
                boolean passed = s.learner().progress().exercise(e.id()).status() == ExerciseStatus.PASSED;
                out.add(passed ? Line.of(new Span("  " + g.pass() + " Passed before. ", Style.PASS),
                        Span.of("Save again to re-check, or press n for the next exercise."))
                        : Line.of(new Span("  " + g.notStarted() + " ", Style.DIM),
                        Span.of("Waiting for your save (or press c to check now).")));
            }
            case GradeStatus.Grading run -> out.add(Line.of(new Span("  " + g.spinnerFrame(s.now()) + " ", Style.BUSY),
                    new Span("Compiling and running the tests… ", Style.BUSY),
                    new Span(seconds(s.now() - run.startedNanos()), Style.DIM)));
            case GradeStatus.Failed f -> out.addAll(Wrap.paragraph(g.fail() + " " + f.message(), width,
                    Style.FAIL));
            case GradeStatus.Graded graded -> verdict(s, e, graded, width, out);
        }
        return out;
    }

    private static void verdict(TutorState s, Exercise e, GradeStatus.Graded graded, int width, List<Line> out) {
        Glyphs g = s.display().glyphs();
        if (graded.untouched()) {
            List<String> paths = s.texts().filePaths(e.id());
            boolean one = paths.size() == 1;
            out.add(Line.of(new Span("  " + g.notStarted() + " Not started yet: ", Style.BOLD),
                    Span.of(AttemptText.nothingToJudge(paths.size()))));
            out.addAll(Wrap.paragraph("  Open " + (one ? paths.get(0) + " in your IDE, fill in its"
                    : "the " + paths.size() + " files above in your IDE, fill in their") + " TODOs and save; the verdict"
                    + " comes a moment later.", width, Style.NORMAL));
            return;
        }
        GradeReport report = graded.report();
        String took = " (" + report.elapsed().toMillis() + " ms)";
        switch (report.verdict()) {
            case Verdict.Passed p -> {
                out.add(Line.of(new Span("  " + g.pass() + " P" + p.summary().substring(1) + "!", Style.PASS),
                        new Span(took, Style.DIM), Span.of("  " + celebration(s))));
                out.add(Line.of(new Span("    n", Style.KEY), Span.of(" next exercise   "), new Span("s", Style.KEY),
                        Span.of(" compare with the reference solution")));
            }
            case Verdict.TestsFailed f -> {
                out.add(Line.of(new Span("  " + g.fail() + " " + f.summary(), Style.FAIL), new Span(took, Style.DIM)));
                TestFailure first = f.failures().get(0);
                out.add(Line.of(Span.of("    test  "), new Span(first.test(), Style.BOLD)));
                if (first.where() != null) {
                    out.add(Line.of(Span.of("    at    "), new Span(first.where(), Style.BOLD)));
                    if (!graded.learnerLine().isBlank()) {
                        out.add(Line.of(Span.of("          "), new Span(graded.learnerLine().strip(), Style.CODE)));
                    }
                }
                for (String line : String.valueOf(first.message()).split("\n")) {
                    out.addAll(Wrap.wrap(List.of(Span.of(line)), width + 2, Span.of("    "), Span.of("    ")));
                }
                if (f.failures().size() > 1) {
                    out.add(Line.of("    (and " + (f.failures().size() - 1) + " more failing; fix this one first)",
                            Style.DIM));
                }
            }
            case Verdict.CompileFailed c -> {
                out.add(Line.of(new Span("  " + g.fail() + " " + c.summary(), Style.FAIL), new Span(took, Style.DIM)));
                CompileError first = c.errors().get(0);
                for (String line : first.format().split("\n")) {
                    out.add(Line.of("    " + line.replace("\t", "    "), line.startsWith("    ") ? Style.CODE : Style.BOLD));
                }
                first.advice().ifPresent(advice -> out.addAll(Wrap.paragraph("  " + advice, width, Style.WARN)));
                if (c.errors().size() > 1) {
                    out.add(Line.of("    (and " + (c.errors().size() - 1) + " more errors)", Style.DIM));
                }
            }
            case Verdict.TimedOut t -> {
                out.add(Line.of(new Span("  " + g.busy() + " " + t.summary(), Style.WARN)));
                out.add(Line.of("    The test was stopped. Where each of your threads stood:", Style.NORMAL));
                String[] dump = t.dump().split("\n");
                for (int i = 0; i < Math.min(MAX_DUMP_LINES, dump.length); i++) {
                    out.addAll(CodeLines.wrap("      ", List.of(new Span(dump[i].replace("\t", "    "), Style.CODE)),
                            width + 2, g));
                }
                if (dump.length > MAX_DUMP_LINES) {
                    out.add(Line.of("      (" + (dump.length - MAX_DUMP_LINES) + " more lines)", Style.DIM));
                }
            }
            case Verdict.Crashed c -> {
                out.addAll(Wrap.wrap(List.of(new Span(g.fail() + " " + c.summary(), Style.FAIL),
                        new Span(took.replace(" ms", "\u00a0ms"), Style.DIM)), width + 2, Span.of("  "), Span.of("    ")));
                out.addAll(Wrap.paragraph("  " + c.detail(), width, Style.NORMAL));
            }
        }
        Optional<Integer> hint = Hints.fitting(e, report);
        if (hint.isPresent()) {
            int h = hint.get();
            out.add(Line.of(new Span("    Hint " + h + " fits this mistake", Style.WARN),
                    Span.of(s.panel().hintsShown() >= h ? " (shown below)." : ": press h to see it.")));
        } else if (report.verdict() instanceof Verdict.TestsFailed || report.verdict() instanceof Verdict.TimedOut) {
            out.add(Line.of("    No hint fits this failure exactly; the message above says what the test saw.",
                    Style.DIM));
        }
        if (!report.measurements().isEmpty()) {
            out.add(Line.of("    Measured on your code:", Style.DIM));
            for (Measurement m : report.measurements()) {
                out.addAll(Wrap.wrap(List.of(new Span(m.name() + ": ", Style.BOLD), Span.of(m.value())), width + 2,
                        Span.of("      "), Span.of("        ")));
            }
        }
        if (!report.verdict().passed() && !report.output().isBlank()) {
            String[] printed = report.output().strip().split("\n");
            out.add(Line.of("    Your code printed" + (printed.length > 3 ? " (last 3 lines):" : ":"), Style.DIM));
            for (int i = Math.max(0, printed.length - 3); i < printed.length; i++) {
                out.add(Line.of("      " + printed[i], Style.CODE));
            }
        }
    }

    /** A short, varied word of praise that also says how far the learner has come. */
    private static String celebration(TutorState s) {
        long passed = Standing.passedCount(s.course(), s.learner().progress());
        int total = s.course().exercises().size();
        return passed >= total ? "Well done: every exercise of the course is solved!"
                : "Well done: " + passed + " of " + total + " solved.";
    }

    static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.1f s", Math.max(0, nanos) / 1e9);
    }
}
