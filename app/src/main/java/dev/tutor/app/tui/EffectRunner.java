package dev.tutor.app.tui;

import dev.tutor.app.course.Exercise;
import dev.tutor.app.grading.GradeReport;
import dev.tutor.app.grading.TestFailure;
import dev.tutor.app.grading.Verdict;
import dev.tutor.app.progress.Progress;
import dev.tutor.app.progress.ProgressStore;
import dev.tutor.app.session.Attempts;
import dev.tutor.app.workspace.Workspace;
import dev.tutor.app.workspace.watch.GradingQueue;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Does the slow work that {@link Update} asks for, on the grading thread, and reports back only by putting
 * messages on the UI thread's queue.
 *
 * <p>Gradings go through a {@link GradingQueue} (one at a time; a save during a run is graded after it). Progress
 * writes for hints and solutions run on the same single thread, so they never interleave with the progress write
 * of a grading. {@link #run} is called on the UI thread and returns at once.
 */
final class EffectRunner {
    private final Function<String, Exercise> exercises;
    private final Attempts attempts;
    private final ProgressStore progress;
    private final Workspace workspace;
    private final ExecutorService gradingThread;
    private final BlockingQueue<Msg> inbox;
    private final GradingQueue<Exercise> gradings;
    private final DemoRunner demos;
    private final Consumer<String> lendTerminalToDemo;

    /**
     * @param lendTerminalToDemo runs a lesson's demo program on the real terminal and returns when it has ended;
     *                           the one effect that blocks the UI thread, which owns the screen it puts away
     */
    EffectRunner(Function<String, Exercise> exercises, Attempts attempts, ProgressStore progress, Workspace workspace,
                 ExecutorService gradingThread, BlockingQueue<Msg> inbox, Consumer<String> lendTerminalToDemo) {
        this.exercises = exercises;
        this.attempts = attempts;
        this.progress = progress;
        this.workspace = workspace;
        this.gradingThread = gradingThread;
        this.inbox = inbox;
        this.gradings = new GradingQueue<>(gradingThread, this::grade);
        this.demos = new DemoRunner(inbox);
        this.lendTerminalToDemo = lendTerminalToDemo;
    }

    /**
     * Starts {@code effect}; returns false for {@link Effect.Quit}, which the loop itself carries out. Returns at
     * once, but for {@link Effect.RunLessonDemo}, which lasts as long as the demo.
     */
    boolean run(Effect effect) {
        switch (effect) {
            case Effect.RunGrade g -> gradings.submit(exercises.apply(g.exerciseId()));
            case Effect.SaveHintTaken h -> saveProgress(p -> p.withHintTaken(h.exerciseId()).withCurrent(h.exerciseId()));
            case Effect.SaveSolutionViewed v -> saveProgress(p -> p.withSolutionViewed(v.exerciseId()));
            case Effect.StartDemo d -> demos.start(d);
            case Effect.ControlDemo c -> demos.control(c.settings());
            case Effect.StepDemo st -> demos.step();
            case Effect.StopDemo st -> demos.stop();
            case Effect.MeasureGil m -> demos.measure(m.run());
            case Effect.RunLessonDemo r -> lendTerminalToDemo.accept(r.lessonId());
            case Effect.Quit q -> {
                demos.stop();
                return false;
            }
        }
        return true;
    }

    private void grade(Exercise exercise) {
        inbox.add(new Msg.GradingStarted(exercise.id(), System.nanoTime()));
        try {
            GradeReport report = attempts.check(exercise);
            inbox.add(new Msg.GradeFinished(exercise.id(), report, progress.load(), learnerLine(exercise, report)));
        } catch (RuntimeException e) {
            inbox.add(new Msg.GradeFailed(exercise.id(), e.getMessage() == null ? e.toString() : e.getMessage()));
        }
    }

    private void saveProgress(java.util.function.UnaryOperator<Progress> change) {
        gradingThread.execute(() -> {
            try {
                Progress next = change.apply(progress.load());
                progress.save(next);
                inbox.add(new Msg.ProgressSaved(next));
            } catch (IOException | RuntimeException e) {
                inbox.add(new Msg.GradeFailed("", "Could not save progress: " + e.getMessage()));
            }
        });
    }

    /**
     * The text of the learner's line a failed test points to ({@code File.java:42}), read now so the screen
     * shows the line as it was when graded; empty when it points elsewhere.
     */
    private String learnerLine(Exercise exercise, GradeReport report) {
        if (!(report.verdict() instanceof Verdict.TestsFailed f) || f.failures().isEmpty()) {
            return "";
        }
        TestFailure first = f.failures().get(0);
        if (first.where() == null || !first.where().contains(":")) {
            return "";
        }
        String file = first.where().substring(0, first.where().lastIndexOf(':'));
        int line;
        try {
            line = Integer.parseInt(first.where().substring(first.where().lastIndexOf(':') + 1));
        } catch (NumberFormatException e) {
            return "";
        }
        for (String path : exercise.files()) {
            if (path.endsWith("/" + file) || path.equals(file)) {
                List<String> lines = workspace.read(path).map(t -> t.lines().toList()).orElse(List.of());
                return line >= 1 && line <= lines.size() ? lines.get(line - 1) : "";
            }
        }
        return "";
    }
}
