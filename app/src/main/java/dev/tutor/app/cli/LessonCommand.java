package dev.tutor.app.cli;

import dev.tutor.app.course.Course;
import dev.tutor.app.course.Exercise;
import dev.tutor.app.course.Lesson;
import dev.tutor.app.progress.Progress;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code tutor lesson [ID]}: prints a lesson's text as plain Markdown, for a screen reader, a pager or a
 * script; the source comments that cite each fact are left out.
 */
@Command(name = "lesson", mixinStandardHelpOptions = true,
        description = "Print a lesson's text (default: the lesson of the exercise you are on).")
final class LessonCommand implements Callable<Integer> {
    private final TutorContext context;

    @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "A lesson id or number, as 'tutor list' shows.")
    String id;

    LessonCommand(TutorContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        Course course = context.course();
        Lesson lesson = id == null ? currentLesson(course) : find(course, id);
        String text = context.source().lessonText(lesson.text()).orElseThrow(() -> new UsageException(
                "The text of lesson '" + lesson.id() + "' is missing from tutor.jar: rebuild it with ./tutor."));
        context.out().println(withoutComments(text).strip());
        context.out().println();
        context.out().println("Exercises: " + String.join(", ", course.exercisesOf(lesson.id()).stream()
                .map(Exercise::id).toList()) + ". Start one with 'tutor next'.");
        return TutorCommand.PASSED;
    }

    private Lesson currentLesson(Course course) {
        Progress progress = context.workspace().exists() ? context.progress().load() : Progress.empty();
        return course.lesson(dev.tutor.app.session.Standing.resume(course, progress).lessonId()).orElseThrow();
    }

    private static Lesson find(Course course, String id) {
        return course.lessonNamed(id)
                .orElseThrow(() -> new UsageException("No lesson '" + id + "'. Run 'tutor list' to see them."));
    }

    static String withoutComments(String markdown) {
        return markdown.replaceAll("(?s)<!--.*?-->", "").replaceAll("\n{3,}", "\n\n");
    }
}
