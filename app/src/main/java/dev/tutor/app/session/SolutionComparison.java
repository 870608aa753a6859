package dev.tutor.app.session;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.Patch;
import java.util.ArrayList;
import java.util.List;

/**
 * A learner's file set against the reference solution, for every face: only the places where they differ,
 * with two lines of context, so that what the reference does differently (usually a method body) is read first.
 */
public final class SolutionComparison {
    private static final int CONTEXT = 2;

    /** One row of the comparison. */
    public record Row(Kind kind, String text) {
    }

    /** Whose line a row is: both files', the learner's only, the reference's only, or where a part starts. */
    public enum Kind {
        SAME, YOURS, REFERENCE, PLACE
    }

    private SolutionComparison() {
    }

    /** The rows where the files differ; empty when they are the same line for line. */
    public static List<Row> rows(String yours, String reference) {
        List<String> a = yours.replace("\r\n", "\n").stripTrailing().lines().toList();
        List<String> b = reference.replace("\r\n", "\n").stripTrailing().lines().toList();
        Patch<String> patch = DiffUtils.diff(a, b);
        List<Row> rows = new ArrayList<>();
        if (patch.getDeltas().isEmpty()) {
            return rows;
        }
        for (String line : UnifiedDiffUtils.generateUnifiedDiff("yours", "reference", a, patch, CONTEXT)) {
            if (line.startsWith("---") || line.startsWith("+++")) {
                continue;
            }
            if (line.startsWith("@@")) {
                rows.add(new Row(Kind.PLACE, place(line)));
                continue;
            }
            char kind = line.isEmpty() ? ' ' : line.charAt(0);
            String text = line.isEmpty() ? "" : line.substring(1).replace("\t", "    ");
            rows.add(new Row(kind == '-' ? Kind.YOURS : kind == '+' ? Kind.REFERENCE : Kind.SAME, text));
        }
        return rows;
    }

    /** "@@ -12,7 +12,9 @@" as words: where in each file the part shown starts. */
    private static String place(String header) {
        String[] parts = header.split(" ");
        String yours = parts.length > 1 ? parts[1].substring(1).split(",")[0] : "?";
        String reference = parts.length > 2 ? parts[2].substring(1).split(",")[0] : "?";
        return "at line " + yours + " of yours, " + reference + " of the reference:";
    }
}
