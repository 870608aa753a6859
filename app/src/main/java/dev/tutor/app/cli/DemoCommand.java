package dev.tutor.app.cli;

import dev.tutor.app.course.Course;
import dev.tutor.app.course.Lesson;
import dev.tutor.app.grading.Grader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Unmatched;

/**
 * {@code tutor demo [ID] [ARGS...]}: runs a lesson's demo in a JVM of its own, printing what the lesson
 * claims, so the learner sees it on their own machine.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run a lesson's demo (by lesson id or demo name); without an id, list the demos.")
final class DemoCommand implements Callable<Integer> {
    private final TutorContext context;

    @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "A lesson id, or a demo's class name.")
    String id;

    @Unmatched
    List<String> demoArgs = new ArrayList<>();

    DemoCommand(TutorContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        Course course = context.course();
        if (id == null) {
            for (Lesson lesson : course.lessons()) {
                for (String demo : lesson.demos()) {
                    context.out().printf("%-12s %s%n", lesson.id(), simpleName(demo));
                }
            }
            context.out().println("Run one with 'tutor demo ID', where ID is the lesson or the demo's name.");
            return TutorCommand.PASSED;
        }
        String demo = find(course, id);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(String.join(java.io.File.pathSeparator, Grader.currentClassPath()));
        command.add(demo);
        command.addAll(demoArgs);
        context.out().flush();
        Process process = new ProcessBuilder(command).inheritIO().start();
        Thread stopDemo = new Thread(() -> {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }, "tutor-demo-stop");
        Runtime.getRuntime().addShutdownHook(stopDemo);
        int status = process.waitFor();
        Runtime.getRuntime().removeShutdownHook(stopDemo);
        return status == 0 ? TutorCommand.PASSED : TutorCommand.NOT_PASSED;
    }

    private static String find(Course course, String id) {
        for (Lesson lesson : course.lessons()) {
            if (lesson.id().equals(id) && !lesson.demos().isEmpty()) {
                return lesson.demos().get(0);
            }
            for (String demo : lesson.demos()) {
                if (simpleName(demo).equalsIgnoreCase(id) || demo.equals(id)) {
                    return demo;
                }
            }
        }
        throw new UsageException("No demo '" + id + "'. Run 'tutor demo' to see their names.");
    }

    private static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }
}
