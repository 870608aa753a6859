package dev.tutor.app.tui;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.Patch;
import java.util.ArrayList;
import java.util.List;

/**
 * The learner's file set against the reference solution: only the places where they differ, with two lines of
 * context, the learner's lines marked {@code -} and the reference's {@code +}, so that what the reference does
 * differently (usually a method body) is what the learner reads first.
 */
final class SolutionDiff {
    private static final int CONTEXT = 2;

    private SolutionDiff() {
    }

    /** The lines of the comparison, each no wider than {@code width}; one line saying so when the two are the same. */
    static List<Line> lines(String yours, String reference, int width, Glyphs glyphs) {
        List<String> a = yours.replace("\r\n", "\n").stripTrailing().lines().toList();
        List<String> b = reference.replace("\r\n", "\n").stripTrailing().lines().toList();
        Patch<String> patch = DiffUtils.diff(a, b);
        List<Line> out = new ArrayList<>();
        if (patch.getDeltas().isEmpty()) {
            out.add(Line.of("  Your file and the reference solution are the same, line for line.", Style.DIM));
            return out;
        }
        for (String line : UnifiedDiffUtils.generateUnifiedDiff("yours", "reference", a, patch, CONTEXT)) {
            if (line.startsWith("---") || line.startsWith("+++")) {
                continue;
            }
            if (line.startsWith("@@")) {
                out.add(Line.of("  " + hunkTitle(line), Style.DIM));
                continue;
            }
            char kind = line.isEmpty() ? ' ' : line.charAt(0);
            String code = line.isEmpty() ? "" : line.substring(1).replace("\t", "    ");
            Style style = kind == '-' ? Style.FAIL : kind == '+' ? Style.PASS : Style.CODE;
            String lead = "  " + (kind == '-' ? "- " : kind == '+' ? "+ " : "  ");
            out.addAll(CodeLines.wrap(lead, List.of(new Span(code, style)), width, glyphs));
        }
        return out;
    }

    /** "@@ -12,7 +12,9 @@" as words: where in each file the part shown starts. */
    private static String hunkTitle(String header) {
        String[] parts = header.split(" ");
        String yours = parts.length > 1 ? parts[1].substring(1).split(",")[0] : "?";
        String reference = parts.length > 2 ? parts[2].substring(1).split(",")[0] : "?";
        return "at line " + yours + " of yours, " + reference + " of the reference:";
    }
}
