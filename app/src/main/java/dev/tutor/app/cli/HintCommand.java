package dev.tutor.app.cli;

import dev.tutor.app.course.Exercise;
import dev.tutor.app.progress.Progress;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code tutor hint [ID]}: the next hint each time, from a nudge to nearly the answer. */
@Command(name = "hint", mixinStandardHelpOptions = true, description = "Show the next hint for an exercise.")
final class HintCommand implements Callable<Integer> {
    private final TutorContext context;

    @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "The exercise (default: the one you are on).")
    String id;

    HintCommand(TutorContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        Progress progress = context.progress().load();
        Exercise exercise = ExerciseLookup.named(context.course(), id, progress);
        int taken = progress.exercise(exercise.id()).hintsTaken();
        int shown = Math.min(taken + 1, exercise.hints().size());
        for (int i = 1; i <= shown; i++) {
            context.out().println("Hint " + i + " of " + exercise.hints().size() + ": " + exercise.hints().get(i - 1));
        }
        if (taken >= exercise.hints().size()) {
            context.out().println("That was the last hint. 'tutor solution " + exercise.id() + "' shows the answer.");
            return TutorCommand.PASSED;
        }
        context.saveProgress(progress.withHintTaken(exercise.id()).withCurrent(exercise.id()));
        return TutorCommand.PASSED;
    }
}
