package dev.tutor.app.session;

import dev.tutor.app.course.Course;
import dev.tutor.app.course.Exercise;
import dev.tutor.app.course.LearnerDemo;
import dev.tutor.app.course.Lesson;
import dev.tutor.app.grading.CompileError;
import dev.tutor.app.grading.Grader;
import dev.tutor.app.grading.SourceCompiler;
import dev.tutor.app.progress.ExerciseStatus;
import dev.tutor.app.progress.Progress;
import dev.tutor.app.workspace.Workspace;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A lesson's demo run on the learner's own code ({@code tutor demo eventloop --mine}): the learner's class,
 * once its exercise passes, stands in for the tutor's, and the demo shows it at work.
 *
 * <p>Why here: whether the exercise has passed is the learner's standing, and compiling their files is
 * grading's, so both faces ask this class and say the same thing. It compiles the learner's files of the
 * exercise (never the tests) into {@code .tutor/learner-demos/<exercise>/}, fresh each time, so the demo runs
 * what is in the editor now, and gives the command that runs the demo in a JVM of its own with those classes
 * first on its class path.
 */
public final class LearnerDemos {
    private static final String FOLDER = "learner-demos";

    private LearnerDemos() {
    }

    /** What {@link #prepare} came to: a demo ready to start, or why none runs. */
    public sealed interface Prepared permits Ready, Refused {
    }

    /** The command that runs the demo of lesson {@code lessonId} on the learner's classes of {@code exerciseId}. */
    public record Ready(String lessonId, String exerciseId, List<String> command) implements Prepared {
        public Ready {
            command = List.copyOf(command);
        }
    }

    /**
     * One line saying why nothing runs. {@code usage}: the learner asked for something that does not exist
     * (exit code 2); otherwise their code is not ready (exit code 1).
     */
    public record Refused(String message, boolean usage) implements Prepared {
    }

    /**
     * The lesson a lesson id or number or one of its demos' names (simple or qualified) stands for, if it has a
     * learner demo.
     */
    public static Optional<Lesson> lessonWithLearnerDemo(Course course, String id) {
        return course.lessonNamed(id).filter(l -> l.learnerDemo() != null)
                .or(() -> course.lessons().stream().filter(l -> l.learnerDemo() != null)
                        .filter(l -> names(l).stream().anyMatch(n -> n.equalsIgnoreCase(id))).findFirst());
    }

    /** Whether the learner's code of {@code lesson} may run its learner demo: the exercise it needs has passed. */
    public static boolean unlocked(Lesson lesson, Progress progress) {
        return lesson.learnerDemo() != null
                && progress.exercise(lesson.learnerDemo().exercise()).status() == ExerciseStatus.PASSED;
    }

    /** The line that says the learner demo of {@code lesson} waits for its exercise to pass. */
    public static String notPassed(Course course, Lesson lesson) {
        Exercise exercise = course.requireExercise(lesson.learnerDemo().exercise());
        return "Your " + exercise.mainFileName() + " has not passed " + exercise.id() + " yet: make it pass ('tutor"
                + " check " + exercise.id() + "'), then run this again.";
    }

    /**
     * Checks that {@code id} names a lesson with a learner demo and that its exercise has passed, compiles the
     * learner's files and returns the command that runs the demo with {@code args} after the learner's class
     * name; or one line saying why not.
     */
    public static Prepared prepare(Course course, Workspace workspace, Progress progress, String id,
                                   List<String> args) {
        Optional<Lesson> found = lessonWithLearnerDemo(course, id);
        if (found.isEmpty()) {
            List<String> ids = course.lessons().stream().filter(l -> l.learnerDemo() != null).map(Lesson::id).toList();
            return new Refused("No demo of '" + id + "' runs on your own code; --mine works for "
                    + String.join(", ", ids) + ".", true);
        }
        LearnerDemo mine = found.get().learnerDemo();
        Exercise exercise = course.requireExercise(mine.exercise());
        if (!unlocked(found.get(), progress)) {
            return new Refused(notPassed(course, found.get()), false);
        }
        Map<String, String> sources = new LinkedHashMap<>();
        for (String file : exercise.files()) {
            Optional<String> text = workspace.read(file);
            if (text.isEmpty()) {
                return new Refused("No " + workspace.learnerFile(file) + ": run 'tutor reset " + exercise.id()
                        + "' to get the exercise's file back.", false);
            }
            sources.put(file, text.get());
        }
        Path classes = workspace.tutorDir().resolve(FOLDER).resolve(exercise.id());
        emptyFolder(classes);
        List<CompileError> errors = new SourceCompiler(Grader.currentClassPath()).compile(sources, Map.of(), classes);
        if (!errors.isEmpty()) {
            CompileError first = errors.get(0);
            String where = exercise.files().stream().filter(f -> f.endsWith("/" + first.file())).findFirst()
                    .map(f -> workspace.learnerFile(f).toString()).orElse(first.file());
            return new Refused(where + (first.line() > 0 ? ":" + first.line() : "") + ": " + firstLine(
                    first.message()) + " (your " + exercise.id() + " no longer compiles; fix it, then run this again)",
                    false);
        }
        return new Ready(found.get().id(), exercise.id(),
                command(classes, mine.demo(), exercise.learnerClassNames().get(0), args));
    }

    /** The demo's JVM: this JVM's Java, the learner's classes before the tutor's, the learner's class first. */
    static List<String> command(Path classes, String demo, String learnerClass, List<String> args) {
        List<String> classPath = new ArrayList<>();
        classPath.add(classes.toAbsolutePath().toString());
        classPath.addAll(Grader.currentClassPath());
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(String.join(File.pathSeparator, classPath));
        command.add(demo);
        command.add(learnerClass);
        command.addAll(args);
        return command;
    }

    private static List<String> names(Lesson lesson) {
        List<String> names = new ArrayList<>(lesson.demos());
        names.add(lesson.learnerDemo().demo());
        List<String> withSimple = new ArrayList<>(names);
        names.forEach(n -> withSimple.add(n.substring(n.lastIndexOf('.') + 1)));
        return withSimple;
    }

    private static String firstLine(String message) {
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }

    private static void emptyFolder(Path folder) {
        try {
            if (Files.exists(folder)) {
                try (Stream<Path> all = Files.walk(folder)) {
                    for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not make " + folder + " for your compiled classes: " + e.getMessage(), e);
        }
    }
}
