package dev.tutor.app.cli;

import dev.tutor.app.course.Exercise;
import dev.tutor.app.grading.GradeReport;
import dev.tutor.app.grading.GradeRequest;
import dev.tutor.app.grading.VerdictText;
import dev.tutor.app.session.Attempts;
import dev.tutor.app.workspace.Workspace;
import dev.tutor.app.workspace.watch.GradingQueue;
import dev.tutor.app.workspace.watch.SaveWatcher;
import dev.tutor.app.workspace.watch.WatchOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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

    /** The exercise the learner is on, as it stands in the workspace, for the grader to warm up on. */
    private java.util.List<GradeRequest> likelyAttempts(Workspace workspace) {
        Exercise current = ExerciseLookup.current(context.course(), context.progress().load());
        java.util.Map<String, String> files = new java.util.LinkedHashMap<>();
        for (String file : current.files()) {
            workspace.read(file).ifPresent(text -> files.put(file, text));
        }
        return files.size() == current.files().size() ? java.util.List.of(new GradeRequest(current, files))
                : java.util.List.of();
    }

    @Override
    public Integer call() throws InterruptedException {
        Workspace workspace = context.existingWorkspace();
        Attempts attempts = context.attempts();
        context.grader().warmUp(likelyAttempts(workspace));
        CountDownLatch stop = new CountDownLatch(1);
        AtomicInteger verdicts = new AtomicInteger();
        ExecutorService gradingThread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "tutor-grading");
            t.setDaemon(true);
            return t;
        });
        GradingQueue<Exercise> queue = new GradingQueue<>(gradingThread, exercise -> {
            context.out().println("Grading " + exercise.id() + "...");
            try {
                GradeReport report = attempts.check(exercise);
                VerdictText.lines(exercise, report).forEach(context.out()::println);
                if (context.verbose()) {
                    context.out().println("  (" + report.phases() + ")");
                }
            } catch (RuntimeException e) {
                context.err().println(e.getMessage());
            }
            context.out().flush();
            if (maxVerdicts > 0 && verdicts.incrementAndGet() >= maxVerdicts) {
                stop.countDown();
            }
        });
        WatchOptions options = WatchOptions.defaults().withDebounce(Duration.ofMillis(debounceMillis))
                .withPollingOnly(pollOnly);
        SaveWatcher watcher;
        try {
            watcher = SaveWatcher.start(workspace.sourceRoot(), options, new dev.tutor.app.workspace.watch.SaveListener() {
                @Override
                public void saved(java.nio.file.Path file) {
                    attempts.exerciseOf(file).ifPresent(queue::submit);
                }

                @Override
                public void problem(String line) {
                    context.err().println("warning: " + line);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("Could not watch " + workspace.sourceRoot() + ": " + e.getMessage()
                    + ". Try 'tutor watch --poll'.", e);
        }
        Thread onCtrlC = new Thread(() -> {
            watcher.close();
            context.close();
            context.out().println("Stopped watching.");
            context.out().flush();
        }, "tutor-watch-stop");
        Runtime.getRuntime().addShutdownHook(onCtrlC);
        context.out().println("Watching " + workspace.sourceRoot() + " (" + watcher.describeMode() + ").");
        context.out().println("Save an exercise file to grade it; Ctrl-C to stop.");
        context.out().flush();
        stop.await();
        Runtime.getRuntime().removeShutdownHook(onCtrlC);
        watcher.close();
        gradingThread.shutdownNow();
        return TutorCommand.PASSED;
    }
}
