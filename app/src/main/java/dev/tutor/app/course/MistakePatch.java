package dev.tutor.app.course;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.Patch;
import com.github.difflib.patch.PatchFailedException;
import java.util.Arrays;
import java.util.List;

/**
 * Turns a known mistake, kept as a unified diff against the reference solution, back into the whole file a
 * learner would have written.
 *
 * <p>A mistake is a small change to a right answer, so it is stored as that change: a file written by
 * {@code diff -u SOLUTION WRONG}. When the solution changes, a diff that no longer fits fails loudly, naming
 * the mistake, instead of a stale full copy silently drifting from the solution.
 */
final class MistakePatch {
    private MistakePatch() {
    }

    /**
     * Applies {@code unifiedDiff} to {@code solution}.
     *
     * @param where names the mistake for the error message
     * @throws CourseException when the diff no longer applies to the solution
     */
    static String apply(String solution, String unifiedDiff, String where) {
        List<String> original = Arrays.asList(solution.split("\n", -1));
        Patch<String> patch = UnifiedDiffUtils.parseUnifiedDiff(Arrays.asList(unifiedDiff.split("\n")));
        try {
            return String.join("\n", DiffUtils.patch(original, patch));
        } catch (PatchFailedException e) {
            throw new CourseException(where + " no longer applies to the solution (" + e.getMessage()
                    + "): write the wrong file again and save 'diff -u SOLUTION WRONG' over the .diff.", e);
        }
    }
}
