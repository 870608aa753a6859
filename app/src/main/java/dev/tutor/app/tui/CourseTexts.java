package dev.tutor.app.tui;

import dev.tutor.app.course.Course;
import dev.tutor.app.course.CourseSource;
import dev.tutor.app.course.Exercise;
import dev.tutor.app.course.Lesson;
import dev.tutor.app.workspace.Workspace;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The texts the screens show: each lesson's Markdown, each exercise's reference solution and the full paths of
 * the files the learner opens.
 *
 * <p>Read once, whole, so that {@link Update} and {@link Views} stay pure and never touch a file. The full screen
 * starts with the {@link #pending} texts, which hold only the paths, and reads the rest from tutor.jar after its
 * first frame: some forty resources, 30 to 70 ms of a two-core machine's start that the course map never shows.
 *
 * @param read whether the lessons and solutions are in; until then the screens say they are being read
 */
record CourseTexts(Map<String, String> lessonMarkdown, Map<String, String> solutions, Map<String, List<String>> filePaths,
                   Map<String, String> solutionFiles, boolean read) {
    /** What a lesson's screen shows in the moment before the texts are in. */
    static final String READING = "Reading the lesson from tutor.jar...";

    CourseTexts {
        lessonMarkdown = Map.copyOf(lessonMarkdown);
        solutions = Map.copyOf(solutions);
        filePaths = Map.copyOf(filePaths);
        solutionFiles = Map.copyOf(solutionFiles);
    }

    /** The paths alone, which cost no read of tutor.jar: the texts of the first frame. */
    static CourseTexts pending(Course course, Workspace workspace) {
        return new CourseTexts(Map.of(), Map.of(), filePaths(course, workspace), Map.of(), false);
    }

    private static Map<String, List<String>> filePaths(Course course, Workspace workspace) {
        Map<String, List<String>> paths = new HashMap<>();
        for (Exercise exercise : course.exercises()) {
            paths.put(exercise.id(), exercise.files().stream().map(f -> workspace.learnerFile(f).toString()).toList());
        }
        return paths;
    }

    static CourseTexts read(Course course, CourseSource source, Workspace workspace) {
        Map<String, String> lessons = new HashMap<>();
        for (Lesson lesson : course.lessons()) {
            lessons.put(lesson.id(), source.lessonText(lesson.text())
                    .orElse(inPlaceOf(lesson, "The text of this lesson is missing from tutor.jar.")));
        }
        Map<String, String> solutions = new HashMap<>();
        Map<String, String> solutionFiles = new HashMap<>();
        for (Exercise exercise : course.exercises()) {
            StringBuilder text = new StringBuilder();
            for (String file : exercise.files()) {
                Optional<String> solution = source.solution(file);
                text.append("// ").append(file).append('\n').append(solution.orElse("// (missing from tutor.jar)\n"));
                solution.ifPresent(found -> solutionFiles.put(file, found));
            }
            solutions.put(exercise.id(), text.toString());
        }
        return new CourseTexts(lessons, solutions, filePaths(course, workspace), solutionFiles, true);
    }

    /** What the screens show when tutor.jar could not be read: each lesson says why, in place of its text. */
    static CourseTexts unreadable(Course course, Workspace workspace, String why) {
        Map<String, String> lessons = new HashMap<>();
        for (Lesson lesson : course.lessons()) {
            lessons.put(lesson.id(), inPlaceOf(lesson, "The text of this lesson could not be read: " + why));
        }
        return new CourseTexts(lessons, Map.of(), filePaths(course, workspace), Map.of(), true);
    }

    /** A lesson's title and, in brackets, why its text is not there. */
    private static String inPlaceOf(Lesson lesson, String why) {
        return "# " + lesson.title() + "\n\n(" + why + ")";
    }

    CourseTexts(Map<String, String> lessonMarkdown, Map<String, String> solutions, Map<String, List<String>> filePaths) {
        this(lessonMarkdown, solutions, filePaths, Map.of(), true);
    }

    /** The reference solution of one learner file, by its source path. */
    java.util.Optional<String> solutionFile(String path) {
        return java.util.Optional.ofNullable(solutionFiles.get(path));
    }

    String lesson(String id) {
        return read ? lessonMarkdown.getOrDefault(id, "") : READING;
    }

    String solution(String exerciseId) {
        return read ? solutions.getOrDefault(exerciseId, "") : "// Reading the solution from tutor.jar...";
    }

    /** The full paths of an exercise's files, in the manifest's order. */
    List<String> filePaths(String exerciseId) {
        return filePaths.getOrDefault(exerciseId, List.of("?"));
    }
}
