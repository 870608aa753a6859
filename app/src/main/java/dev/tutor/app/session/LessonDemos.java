package dev.tutor.app.session;

import dev.tutor.app.course.Course;
import dev.tutor.app.course.Lesson;
import dev.tutor.app.grading.Grader;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The lessons' runnable demos: which class a lesson or a demo name stands for, and the command that runs it in
 * a JVM of its own, so that neither a demo's threads nor its {@code System.exit} can touch the tutor.
 *
 * <p>Shared by {@code tutor demo} and the full-screen tutor, which lends the demo its terminal.
 */
public final class LessonDemos {
    private final Course course;

    public LessonDemos(Course course) {
        this.course = course;
    }

    /** One demo: the lesson it belongs to and its main class. */
    public record Demo(String lessonId, String className) {
        /** The class name without its package, as the learner types it. */
        public String simpleName() {
            return className.substring(className.lastIndexOf('.') + 1);
        }
    }

    /** Every demo of the course, in course order. */
    public List<Demo> all() {
        List<Demo> demos = new ArrayList<>();
        for (Lesson lesson : course.lessons()) {
            for (String demo : lesson.demos()) {
                demos.add(new Demo(lesson.id(), demo));
            }
        }
        return demos;
    }

    /**
     * The demo a lesson id or number (its first demo), as 'tutor list' shows them, or a demo's name, simple or
     * qualified, stands for.
     */
    public Optional<Demo> find(String id) {
        String lessonId = course.lessonNamed(id).map(Lesson::id).orElse(id);
        for (Demo demo : all()) {
            if (demo.lessonId().equals(lessonId) || demo.simpleName().equalsIgnoreCase(id)
                    || demo.className().equals(id)) {
                return Optional.of(demo);
            }
        }
        return Optional.empty();
    }

    /** The command that runs {@code demo} with {@code args} on this JVM's Java and class path. */
    public static List<String> command(Demo demo, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(String.join(File.pathSeparator, Grader.currentClassPath()));
        command.add(demo.className());
        command.addAll(args);
        return command;
    }
}
