package dev.tutor.app.cli;

import dev.tutor.app.session.LessonDemos;
import dev.tutor.app.session.LessonDemos.Demo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import dev.tutor.app.session.LearnerDemos;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Unmatched;

/**
 * {@code tutor demo [ID] [ARGS...]}: runs a lesson's demo in a JVM of its own, printing what the lesson
 * claims, so the learner sees it on their own machine. With {@code --mine}, the demo runs on the learner's own
 * class instead of the tutor's (lesson 10's trace drawn from their {@code MiniLoop}), once its exercise passes.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run a lesson's demo (by lesson id or number, or demo name); without an id, list the demos.")
final class DemoCommand implements Callable<Integer> {
    private final TutorContext context;

    @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "A lesson id or number, or a demo's class name.")
    String id;

    @Option(names = "--mine", description = "Run the demo on your own code (once its exercise passes), where the"
            + " lesson has such a demo: 'tutor demo eventloop --mine'.")
    boolean mine;

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
        if (mine) {
            return runMine();
        }
        Demo demo = demos.find(id)
                .orElseThrow(() -> new UsageException("No demo '" + id + "'. Run 'tutor demo' to see their names."));
        context.out().flush();
        return waitFor(new ProcessBuilder(LessonDemos.command(demo, demoArgs)).inheritIO().start(), () -> { });
    }

    /** The lesson's demo on the learner's class: refused in one line until the exercise passes. */
    private int runMine() throws IOException, InterruptedException {
        LearnerDemos.Prepared prepared = LearnerDemos.prepare(context.course(), context.existingWorkspace(),
                context.session().progress(), id, demoArgs);
        if (prepared instanceof LearnerDemos.Refused refused) {
            if (refused.usage()) {
                throw new UsageException(refused.message());
            }
            context.out().println(refused.message());
            return TutorCommand.NOT_PASSED;
        }
        LearnerDemos.Ready ready = (LearnerDemos.Ready) prepared;
        context.out().flush();
        // Through this command's own writers, not inheritIO: what the demo prints is the command's output, in
        // the order it came (a test, or the plain mode, reads it there).
        Process process = new ProcessBuilder(ready.command()).redirectInput(ProcessBuilder.Redirect.INHERIT).start();
        Thread err = copy(process.getErrorStream(), context.err(), "tutor-demo-err");
        int status = waitFor(process, () -> copyTo(process.getInputStream(), context.out()));
        err.join();
        return status;
    }

    private static Thread copy(InputStream from, PrintWriter to, String name) {
        Thread thread = new Thread(() -> copyTo(from, to), name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void copyTo(InputStream from, PrintWriter to) {
        try (Reader reader = new InputStreamReader(from, StandardCharsets.UTF_8)) {
            char[] buffer = new char[4096];
            for (int n; (n = reader.read(buffer)) >= 0; ) {
                to.write(buffer, 0, n);
                to.flush();
            }
        } catch (IOException e) {
            to.println("(the demo's output was cut: " + e.getMessage() + ")");
        }
    }

    /** Runs {@code whileRunning} (which may read the demo's output) and waits; the demo dies if the tutor does. */
    private static int waitFor(Process process, Runnable whileRunning) throws InterruptedException {
        Thread stopDemo = new Thread(() -> {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }, "tutor-demo-stop");
        Runtime.getRuntime().addShutdownHook(stopDemo);
        int status;
        try {
            whileRunning.run();
            status = process.waitFor();
        } finally {
            Runtime.getRuntime().removeShutdownHook(stopDemo);
        }
        return status == 0 ? TutorCommand.PASSED : TutorCommand.NOT_PASSED;
    }
}
