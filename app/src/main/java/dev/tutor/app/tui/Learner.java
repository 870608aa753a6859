package dev.tutor.app.tui;

import dev.tutor.app.progress.Progress;
import java.util.HashMap;
import java.util.Map;

/**
 * What the screens know of the learner's work: the progress as last saved, and where each grading of this
 * session stands.
 *
 * @param progress the latest progress snapshot
 * @param grades   per exercise id, where its grading stands in this session
 */
record Learner(Progress progress, Map<String, GradeStatus> grades) {
    Learner {
        grades = Map.copyOf(grades);
    }

    GradeStatus grade(String exerciseId) {
        return grades.getOrDefault(exerciseId, new GradeStatus.Waiting());
    }

    /** Whether some exercise is being graded now. */
    boolean grading() {
        return grades.values().stream().anyMatch(g -> g instanceof GradeStatus.Grading);
    }

    Learner withProgress(Progress p) {
        return new Learner(p, grades);
    }

    Learner withGrade(String exerciseId, GradeStatus status) {
        Map<String, GradeStatus> next = new HashMap<>(grades);
        next.put(exerciseId, status);
        return new Learner(progress, next);
    }
}
