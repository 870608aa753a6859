package dev.tutor.app.tui;

import dev.tutor.app.course.Exercise;
import dev.tutor.app.progress.Progress;
import dev.tutor.app.session.Attempt;
import dev.tutor.app.session.Gradings;
import dev.tutor.app.session.LearnerDemos;
import dev.tutor.app.tui.demo.DemoRunner;
import dev.tutor.app.tui.demo.GilMeasurement;
import dev.tutor.app.tui.demo.MeterBoard;
import dev.tutor.runtime.gil.GilEvent;
import dev.tutor.runtime.gil.GilStats;
import dev.tutor.runtime.loop.LoopEvent;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Does the slow work that {@link Update} asks for, through the session's {@link Gradings}, and reports back only
 * by putting messages on the UI thread's queue. {@link #run} is called on the UI thread and returns at once.
 */
final class EffectRunner {
    private final Function<String, Exercise> exercises;
    private final Gradings gradings;
    private final DemoRunner demos;
    private final Consumer<String> lendTerminalToDemo;
    private final Function<String, LearnerDemos.Prepared> prepareLearnerDemo;
    private final Consumer<LearnerDemos.Ready> lendTerminalToLearnerDemo;
    private final BlockingQueue<Msg> inbox;
    private final ExecutorService compiling = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "learner-demo-compile");
        thread.setDaemon(true); // never keeps the JVM alive after the screen is gone
        return thread;
    });

    /**
     * @param lendTerminalToDemo runs a lesson's demo program on the real terminal and returns when it has ended;
     *                           the one effect that blocks the UI thread, which owns the screen it puts away
     * @param prepareLearnerDemo compiles the learner's code for a lesson's demo; run off the UI thread
     * @param lendTerminalToLearnerDemo as {@code lendTerminalToDemo}, for the demo on the learner's own code
     */
    EffectRunner(Function<String, Exercise> exercises, Gradings gradings, BlockingQueue<Msg> inbox,
                 Consumer<String> lendTerminalToDemo, Function<String, LearnerDemos.Prepared> prepareLearnerDemo,
                 Consumer<LearnerDemos.Ready> lendTerminalToLearnerDemo) {
        this.exercises = exercises;
        this.gradings = gradings;
        this.inbox = inbox;
        this.demos = new DemoRunner(demoMessagesTo(inbox));
        this.lendTerminalToDemo = lendTerminalToDemo;
        this.prepareLearnerDemo = prepareLearnerDemo;
        this.lendTerminalToLearnerDemo = lendTerminalToLearnerDemo;
    }

    /** What the gradings say, as messages on the UI thread's queue. */
    static Gradings.Listener messagesTo(BlockingQueue<Msg> inbox) {
        return new Gradings.Listener() {
            @Override
            public void started(Exercise exercise, long nanos) {
                inbox.add(new Msg.GradingStarted(exercise.id(), nanos));
            }

            @Override
            public void finished(Attempt attempt) {
                inbox.add(new Msg.GradeFinished(attempt.exercise().id(), attempt.report(), attempt.progress(),
                        attempt.failingLine(), attempt.untouched(), attempt.sources()));
            }

            @Override
            public void failed(Exercise exercise, String message) {
                inbox.add(new Msg.GradeFailed(exercise.id(), message));
            }

            @Override
            public void progressChanged(Progress progress) {
                inbox.add(new Msg.ProgressSaved(progress));
            }

            @Override
            public void problem(String line) {
                inbox.add(new Msg.GradeFailed("", line));
            }
        };
    }

    /** What the demos report, as messages on the UI thread's queue. */
    static DemoRunner.Listener demoMessagesTo(BlockingQueue<Msg> inbox) {
        return new DemoRunner.Listener() {
            @Override
            public void gilTraced(int run, List<GilEvent> withGil, GilStats gilStats, List<GilEvent> freeThreaded,
                                  long clockNanos) {
                inbox.add(new Msg.GilTraced(run, withGil, gilStats, freeThreaded, clockNanos));
            }

            @Override
            public void loopTraced(int run, List<LoopEvent> events) {
                inbox.add(new Msg.LoopTraced(run, events));
            }

            @Override
            public void metersRead(int run, MeterBoard board) {
                inbox.add(new Msg.MetersRead(run, board));
            }

            @Override
            public void gilMeasured(int run, GilMeasurement measurement) {
                inbox.add(new Msg.GilMeasured(run, measurement));
            }

            @Override
            public void failed(int run, String message) {
                inbox.add(new Msg.DemoFailed(run, message));
            }
        };
    }

    /**
     * Starts {@code effect}; returns false for {@link Effect.Quit}, which the loop itself carries out. Returns at
     * once, but for {@link Effect.RunLessonDemo} and {@link Effect.RunLearnerDemo}, which last as long as the demo.
     */
    boolean run(Effect effect) {
        switch (effect) {
            case Effect.RunGrade g -> gradings.submit(exercises.apply(g.exerciseId()));
            case Effect.PrepareGrading p -> gradings.prepare(exercises.apply(p.exerciseId()));
            case Effect.SaveHintTaken h -> gradings.changeProgress(p -> p.withHintTaken(h.exerciseId())
                    .withCurrent(h.exerciseId()));
            case Effect.SaveSolutionViewed v -> gradings.changeProgress(p -> p.withSolutionViewed(v.exerciseId()));
            case Effect.StartDemo d -> demos.start(d.run(), d.kind(), d.scenario(), d.settings());
            case Effect.ControlDemo c -> demos.control(c.settings());
            case Effect.StepDemo st -> demos.step();
            case Effect.StopDemo st -> demos.stop();
            case Effect.MeasureGil m -> demos.measure(m.run());
            case Effect.RunLessonDemo r -> lendTerminalToDemo.accept(r.lessonId());
            case Effect.PrepareLearnerDemo p -> compiling.execute(() -> {
                LearnerDemos.Prepared prepared;
                try {
                    prepared = prepareLearnerDemo.apply(p.lessonId());
                } catch (RuntimeException e) {
                    prepared = new LearnerDemos.Refused("The demo on your code could not be prepared: " + e, false);
                }
                inbox.add(new Msg.LearnerDemoPrepared(prepared));
            });
            case Effect.RunLearnerDemo r -> lendTerminalToLearnerDemo.accept(r.demo());
            case Effect.Quit q -> {
                demos.stop();
                compiling.shutdownNow();
                return false;
            }
        }
        return true;
    }
}
