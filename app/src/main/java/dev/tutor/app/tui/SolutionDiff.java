package dev.tutor.app.tui;

import dev.tutor.app.session.SolutionComparison;
import dev.tutor.app.tui.text.CodeLines;
import dev.tutor.app.tui.text.Glyphs;
import dev.tutor.app.tui.text.Line;
import dev.tutor.app.tui.text.Span;
import dev.tutor.app.tui.text.Style;
import java.util.ArrayList;
import java.util.List;

/** The comparison of the learner's file with the reference solution, drawn: theirs in red, the reference's in green. */
final class SolutionDiff {
    private SolutionDiff() {
    }

    /** The lines of the comparison, each no wider than {@code width}; one line saying so when the two are the same. */
    static List<Line> lines(String yours, String reference, int width, Glyphs glyphs) {
        List<SolutionComparison.Row> rows = SolutionComparison.rows(yours, reference);
        List<Line> out = new ArrayList<>();
        if (rows.isEmpty()) {
            out.add(Line.of("  Your file and the reference solution are the same, line for line.", Style.DIM));
            return out;
        }
        for (SolutionComparison.Row row : rows) {
            switch (row.kind()) {
                case PLACE -> out.add(Line.of("  " + row.text(), Style.DIM));
                case YOURS -> out.addAll(CodeLines.wrap("  - ", List.of(new Span(row.text(), Style.FAIL)), width, glyphs));
                case REFERENCE -> out.addAll(CodeLines.wrap("  + ", List.of(new Span(row.text(), Style.PASS)), width,
                        glyphs));
                case SAME -> out.addAll(CodeLines.wrap("    ", List.of(new Span(row.text(), Style.CODE)), width, glyphs));
            }
        }
        return out;
    }
}
