package dev.tutor.app.session;

import dev.tutor.app.course.Exercise;
import dev.tutor.app.grading.GradeReport;
import dev.tutor.app.grading.TestFailure;
import dev.tutor.app.grading.Verdict;
import dev.tutor.app.progress.Progress;
import java.util.List;
import java.util.Map;

/**
 * One graded attempt, as every face of the tutor shows it: the files as they were graded, the verdict, and the
 * learner's progress once it was recorded.
 *
 * @param exercise  the exercise attempted
 * @param sources   the learner's files as graded, by source path; what the verdict talks about, even if the
 *                  learner has saved again since
 * @param report    the grader's report; for an untouched stub, which is not graded, a report of no run that
 *                  fails with no failures and took no time
 * @param progress  the learner's progress with this attempt recorded
 * @param untouched whether every file was still the stub the learner was given: nothing attempted yet
 */
public record Attempt(Exercise exercise, Map<String, String> sources, GradeReport report, Progress progress,
                      boolean untouched) {
    public Attempt {
        sources = Map.copyOf(sources);
    }

    public boolean passed() {
        return report.verdict().passed();
    }

    /**
     * The text of the learner's line the first failing test points to ({@code File.java:42}), taken from the
     * files as graded; empty when it points elsewhere or nowhere.
     */
    public String failingLine() {
        if (!(report.verdict() instanceof Verdict.TestsFailed f) || f.failures().isEmpty()) {
            return "";
        }
        TestFailure first = f.failures().get(0);
        String where = first.where();
        if (where == null || where.lastIndexOf(':') < 0) {
            return "";
        }
        String file = where.substring(0, where.lastIndexOf(':'));
        int line;
        try {
            line = Integer.parseInt(where.substring(where.lastIndexOf(':') + 1));
        } catch (NumberFormatException e) {
            return "";
        }
        for (Map.Entry<String, String> source : sources.entrySet()) {
            String path = source.getKey();
            if (path.endsWith("/" + file) || path.equals(file)) {
                List<String> lines = source.getValue().lines().toList();
                return line >= 1 && line <= lines.size() ? lines.get(line - 1) : "";
            }
        }
        return "";
    }
}
