package dev.tutor.app.grading;

import dev.tutor.app.course.Exercise;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns a grading report into plain lines for any face of the tutor: what happened, where, and what to
 * try next. No colours or terminal codes; the faces add those.
 */
public final class VerdictText {
    /** Compile errors beyond this many are counted, not shown: the first ones usually explain the rest. */
    private static final int MAX_ERRORS = 3;
    private static final int MAX_FAILURES = 3;

    private VerdictText() {
    }

    public static List<String> lines(Exercise exercise, GradeReport report) {
        List<String> lines = new ArrayList<>();
        Verdict verdict = report.verdict();
        lines.add(exercise.id() + ": " + verdict.summary() + " (" + report.elapsed().toMillis() + " ms)");
        switch (verdict) {
            case Verdict.Passed p -> {
                // the summary says it all
            }
            case Verdict.TestsFailed f -> {
                for (TestFailure failure : f.failures().subList(0, Math.min(MAX_FAILURES, f.failures().size()))) {
                    lines.add("  ✗ " + failure.test() + (failure.where() == null ? "" : "  (" + failure.where() + ")"));
                    for (String line : String.valueOf(failure.message()).split("\n")) {
                        lines.add("      " + line);
                    }
                }
                if (f.failures().size() > MAX_FAILURES) {
                    lines.add("  ... and " + (f.failures().size() - MAX_FAILURES) + " more failing tests");
                }
            }
            case Verdict.CompileFailed c -> {
                for (CompileError error : c.errors().subList(0, Math.min(MAX_ERRORS, c.errors().size()))) {
                    for (String line : error.format().split("\n")) {
                        lines.add("  " + line);
                    }
                    error.advice().ifPresent(advice -> lines.add("  (" + advice + ")"));
                }
                if (c.errors().size() > MAX_ERRORS) {
                    lines.add("  ... and " + (c.errors().size() - MAX_ERRORS) + " more errors");
                }
            }
            case Verdict.TimedOut t -> {
                lines.add("  The test was stopped; this is where each of your threads stood:");
                for (String line : t.dump().split("\n")) {
                    lines.add("    " + line);
                }
            }
            case Verdict.Crashed c -> lines.add("  " + c.detail());
        }
        if (!report.measurements().isEmpty()) {
            lines.add("  Measured on your code:");
            for (Measurement m : report.measurements()) {
                lines.add("    " + m.name() + ": " + m.value());
            }
        }
        if (report.droppedOutput() > 0) {
            lines.add("  (your code printed " + (report.output().length() + report.droppedOutput())
                    + " bytes; the first " + report.output().length() + " were kept)");
        }
        Optional<Integer> hint = report.suggestedHint().filter(h -> h >= 1 && h <= exercise.hints().size());
        if (hint.isPresent()) {
            lines.add("  Hint " + hint.get() + " fits this failure: " + exercise.hints().get(hint.get() - 1));
        } else if (report.verdict() instanceof Verdict.TestsFailed || report.verdict() instanceof Verdict.TimedOut) {
            lines.add("  No hint fits this failure exactly; the message above says what the test saw.");
        }
        return lines;
    }
}
