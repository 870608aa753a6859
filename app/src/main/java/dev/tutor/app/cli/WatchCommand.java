package dev.tutor.app.cli;

import dev.tutor.app.course.Exercise;
import dev.tutor.app.session.Attempt;
import dev.tutor.app.session.AttemptText;
import dev.tutor.app.session.Gradings;
import dev.tutor.app.workspace.Workspace;
import dev.tutor.app.workspace.watch.WatchOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tutor watch}: grades each exercise file the learner saves and prints the verdict. */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = "Grade every exercise file you save, until Ctrl-C.")
final class WatchCommand implements Callable<Integer> {
    private final TutorContext context;

    @Option(names = "--poll", description = "Notice saves by polling only (for folders where file events never"
            + " arrive, such as WSL2's /mnt or some network drives).")
    boolean pollOnly;

    @Option(names = "--debounce", paramLabel = "MS", description = "Quiet time after a save before grading (default 30).")
    long debounceMillis = WatchOptions.DEFAULT_DEBOUNCE.toMillis();

    @Option(names = "--max-verdicts", paramLabel = "N", hidden = true,
            description = "Stop after N verdicts (for scripts and benchmarks).")
    int maxVerdicts;

    WatchCommand(TutorContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InterruptedException {
        Workspace workspace = context.existingWorkspace();
        CountDownLatch stop = new CountDownLatch(1);
        AtomicInteger verdicts = new AtomicInteger();
        PrintWriter out = context.out();
        Gradings gradings = context.session().gradings(new Gradings.Listener() {
            @Override
            public void started(Exercise exercise, long nanos) {
                out.println("Grading " + exercise.id() + "...");
                out.flush();
            }

            @Override
            public void finished(Attempt attempt) {
                AttemptText.lines(attempt, context.course(), workspace).forEach(out::println);
                if (context.verbose()) {
                    out.println("  (" + attempt.report().phases() + ")");
                }
                counted();
            }

            @Override
            public void failed(Exercise exercise, String message) {
                context.err().println(message);
                context.err().flush();
                counted();
            }

            @Override
            public void progressChanged(dev.tutor.app.progress.Progress progress) {
                // watch changes no progress but by grading
            }

            @Override
            public void problem(String line) {
                context.err().println("warning: " + line);
                context.err().flush();
            }

            private void counted() {
                out.flush();
                if (maxVerdicts > 0 && verdicts.incrementAndGet() >= maxVerdicts) {
                    stop.countDown();
                }
            }
        });
        gradings.warmUp();
        WatchOptions options = WatchOptions.defaults().withDebounce(Duration.ofMillis(debounceMillis))
                .withPollingOnly(pollOnly);
        try {
            gradings.watch(workspace.sourceRoot(), options);
        } catch (IOException e) {
            gradings.close();
            throw new UncheckedIOException("Could not watch " + workspace.sourceRoot() + ": " + e.getMessage()
                    + ". Try 'tutor watch --poll'.", e);
        }
        boolean ctrlC = CtrlC.onInterrupt(stop::countDown);
        if (!ctrlC) { // Ctrl-C ends the JVM: close the gradings and the spare test JVM on the way out
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                gradings.close();
                context.close();
            }, "tutor-watch-stop"));
        }
        out.println("Watching " + workspace.sourceRoot() + " (" + gradings.watchMode() + ").");
        out.println("Save an exercise file to grade it; Ctrl-C to stop.");
        out.flush();
        try {
            stop.await();
        } finally {
            gradings.close();
            if (ctrlC) {
                out.println();
                out.println("Stopped watching.");
                out.flush();
            }
        }
        return TutorCommand.PASSED;
    }
}
