package dev.tutor.app.tui;

import dev.tutor.app.grading.GradeReport;
import java.util.Map;

/** Where the grading of one exercise stands, as the exercise panel shows it. */
sealed interface GradeStatus {
    /** Nothing graded in this session yet: the panel asks the learner to save. */
    record Waiting() implements GradeStatus {
    }

    /** Compiling and running since {@code startedNanos} (System.nanoTime). */
    record Grading(long startedNanos) implements GradeStatus {
    }

    /**
     * The verdict came; {@code learnerLine} is the source line it points to, or empty; {@code untouched} when the
     * files graded were still the stub, so that there is nothing to judge yet; {@code sources} the learner's files
     * as graded, by source path, to set beside the reference solution.
     */
    record Graded(GradeReport report, String learnerLine, boolean untouched, Map<String, String> sources)
            implements GradeStatus {
        public Graded {
            sources = Map.copyOf(sources);
        }

        Graded(GradeReport report, String learnerLine) {
            this(report, learnerLine, false, Map.of());
        }
    }

    /** Grading could not run; {@code message} says why and what to do. */
    record Failed(String message) implements GradeStatus {
    }
}
