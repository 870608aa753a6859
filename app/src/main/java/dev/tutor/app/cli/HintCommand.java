package dev.tutor.app.cli;

import dev.tutor.app.course.Exercise;
import dev.tutor.app.progress.Progress;
import dev.tutor.app.session.Hints;
import java.util.Optional;
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
        Optional<Hints.Shown> next = Hints.takeNext(exercise, progress);
        if (next.isEmpty()) {
            int all = exercise.hints().size();
            context.out().println("You have taken all " + all + " hints of " + exercise.id() + ". The last one:");
            context.out().println("Hint " + all + " of " + all + ": " + exercise.hints().get(all - 1));
            context.out().println("'tutor solution " + exercise.id() + "' shows the answer.");
            return TutorCommand.PASSED;
        }
        Hints.Shown hint = next.get();
        context.out().println("Hint " + hint.number() + " of " + hint.of() + ": " + hint.text());
        context.out().println(hint.last() ? "That was the last hint. 'tutor solution " + exercise.id()
                + "' shows the answer." : "Run 'tutor hint " + exercise.id() + "' again for the next one.");
        context.saveProgress(hint.progress());
        return TutorCommand.PASSED;
    }
}
