package dev.tutor.app.tui;

import dev.tutor.app.course.Course;
import dev.tutor.app.course.CourseSource;
import dev.tutor.app.course.Exercise;
import dev.tutor.app.course.Lesson;
import dev.tutor.app.workspace.Workspace;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The texts the screens show, read once before the screen opens: each lesson's Markdown, each exercise's
 * reference solution and the full path of the file the learner opens.
 *
 * <p>Read up front (a few kilobytes) so that {@link Update} and {@link Views} stay pure and never touch a file.
 */
record CourseTexts(Map<String, String> lessonMarkdown, Map<String, String> solutions, Map<String, String> filePaths,
                   Map<String, String> solutionFiles) {
    CourseTexts {
        lessonMarkdown = Map.copyOf(lessonMarkdown);
        solutions = Map.copyOf(solutions);
        filePaths = Map.copyOf(filePaths);
        solutionFiles = Map.copyOf(solutionFiles);
    }

    static CourseTexts read(Course course, CourseSource source, Workspace workspace) {
        Map<String, String> lessons = new HashMap<>();
        for (Lesson lesson : course.lessons()) {
            lessons.put(lesson.id(), source.lessonText(lesson.text())
                    .orElse("# " + lesson.title() + "\n\n(The text of this lesson is missing from tutor.jar.)"));
        }
        Map<String, String> solutions = new HashMap<>();
        Map<String, String> paths = new HashMap<>();
        Map<String, String> solutionFiles = new HashMap<>();
        for (Exercise exercise : course.exercises()) {
            StringBuilder text = new StringBuilder();
            for (String file : exercise.files()) {
                Optional<String> solution = source.solution(file);
                text.append("// ").append(file).append('\n').append(solution.orElse("// (missing from tutor.jar)\n"));
                solution.ifPresent(found -> solutionFiles.put(file, found));
            }
            solutions.put(exercise.id(), text.toString());
            paths.put(exercise.id(), workspace.learnerFile(exercise.files().get(0)).toString());
        }
        return new CourseTexts(lessons, solutions, paths, solutionFiles);
    }

    CourseTexts(Map<String, String> lessonMarkdown, Map<String, String> solutions, Map<String, String> filePaths) {
        this(lessonMarkdown, solutions, filePaths, Map.of());
    }

    /** The reference solution of one learner file, by its source path. */
    java.util.Optional<String> solutionFile(String path) {
        return java.util.Optional.ofNullable(solutionFiles.get(path));
    }

    String lesson(String id) {
        return lessonMarkdown.getOrDefault(id, "");
    }

    String solution(String exerciseId) {
        return solutions.getOrDefault(exerciseId, "");
    }

    String filePath(String exerciseId) {
        return filePaths.getOrDefault(exerciseId, "?");
    }
}
