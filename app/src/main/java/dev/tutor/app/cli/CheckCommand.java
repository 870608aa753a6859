package dev.tutor.app.cli;

import dev.tutor.app.course.Exercise;
import dev.tutor.app.session.Attempt;
import dev.tutor.app.session.AttemptText;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tutor check [ID]}: grades the learner's files for one exercise once. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Grade an exercise now (default: the one you are on). Exit code 0 when it passes, 1 when not.")
final class CheckCommand implements Callable<Integer> {
    private final TutorContext context;

    @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "The exercise, as 'tutor list' names it.")
    String id;

    @Option(names = "--seed", paramLabel = "N",
            description = "Replay the inputs a failure reported (its seed), instead of fresh ones.")
    Long seed;

    CheckCommand(TutorContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        Exercise exercise = ExerciseLookup.named(context.course(), id, context.progress().load());
        Attempt attempt = context.attempts().check(exercise,
                seed == null ? OptionalLong.empty() : OptionalLong.of(seed));
        AttemptText.lines(attempt, context.course(), context.existingWorkspace()).forEach(context.out()::println);
        if (context.verbose()) {
            context.out().println("  (" + attempt.report().phases() + ")");
        }
        return attempt.passed() ? TutorCommand.PASSED : TutorCommand.NOT_PASSED;
    }
}
