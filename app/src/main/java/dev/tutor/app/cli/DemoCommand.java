package dev.tutor.app.cli;

import dev.tutor.app.session.LessonDemos;
import dev.tutor.app.session.LessonDemos.Demo;
import java.io.IOException;
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
        LessonDemos demos = new LessonDemos(context.course());
        if (id == null) {
            for (Demo demo : demos.all()) {
                context.out().printf("%-12s %s%n", demo.lessonId(), demo.simpleName());
            }
            context.out().println("Run one with 'tutor demo ID', where ID is the lesson or the demo's name.");
            return TutorCommand.PASSED;
        }
        Demo demo = demos.find(id)
                .orElseThrow(() -> new UsageException("No demo '" + id + "'. Run 'tutor demo' to see their names."));
        context.out().flush();
        Process process = new ProcessBuilder(LessonDemos.command(demo, demoArgs)).inheritIO().start();
        Thread stopDemo = new Thread(() -> {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }, "tutor-demo-stop");
        Runtime.getRuntime().addShutdownHook(stopDemo);
        int status = process.waitFor();
        Runtime.getRuntime().removeShutdownHook(stopDemo);
        return status == 0 ? TutorCommand.PASSED : TutorCommand.NOT_PASSED;
    }
}
