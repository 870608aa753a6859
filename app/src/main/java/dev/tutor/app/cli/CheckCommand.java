package dev.tutor.app.cli;

import dev.tutor.app.course.Exercise;
import dev.tutor.app.progress.Progress;
import dev.tutor.app.session.Attempt;
import dev.tutor.app.session.AttemptText;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tutor check [ID | --all]}: grades the learner's files for one exercise, or for every one, once. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Grade an exercise now (default: the one you are on), or with --all every exercise you have"
                + " begun. Exit code 0 when all graded pass, 1 when not.")
final class CheckCommand implements Callable<Integer> {
    private final TutorContext context;

    @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "The exercise, as 'tutor list' names it.")
    String id;

    @Option(names = "--all", description = "Grade every exercise in the workspace (rebuilds lost progress).")
    boolean all;

    @Option(names = "--seed", paramLabel = "N",
            description = "Replay the inputs a failure reported (its seed), instead of fresh ones.")
    Long seed;

    CheckCommand(TutorContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        if (all) {
            if (id != null || seed != null) {
                throw new UsageException("--all grades every exercise: give it no ID and no --seed.");
            }
            return checkAll();
        }
        Exercise exercise = ExerciseLookup.named(context.course(), id, context.progress().load());
        Attempt attempt = context.attempts().check(exercise,
                seed == null ? OptionalLong.empty() : OptionalLong.of(seed));
        AttemptText.lines(attempt, context.course(), context.existingWorkspace()).forEach(context.out()::println);
        if (context.verbose()) {
            context.out().println("  (" + attempt.report().phases() + ")");
        }
        return attempt.passed() ? TutorCommand.PASSED : TutorCommand.NOT_PASSED;
    }

    /**
     * One line per exercise, then where the learner stands; a stub nobody has touched is not started, and not
     * worth a grading.
     */
    private int checkAll() {
        var course = context.course();
        boolean allPass = true;
        List<String> stubs = new ArrayList<>();
        for (Exercise exercise : course.exercises()) {
            if (context.attempts().untouched(exercise)) {
                context.out().printf("%-24s %s%n", exercise.id(), "not started");
                stubs.add(exercise.id());
                continue;
            }
            Attempt attempt;
            try {
                attempt = context.attempts().check(exercise);
            } catch (dev.tutor.app.session.Attempts.MissingFileException e) {
                context.out().println(exercise.id() + ": " + e.getMessage());
                continue;
            }
            String summary = attempt.untouched() ? "not started" : attempt.report().verdict().summary();
            context.out().printf("%-24s %s%n", exercise.id(), summary);
            context.out().flush();
            allPass &= attempt.untouched() || attempt.passed();
        }
        // An exercise whose files are the stubs again (reset, or put back by hand) is not started, whatever it was.
        Progress graded = context.progress().load();
        Progress now = graded;
        for (String id : stubs) {
            now = now.withStubsAgain(id);
        }
        if (!now.equals(graded)) {
            context.saveProgress(now);
        }
        long passed = dev.tutor.app.session.Standing.passedCount(course, now);
        context.out().println(passed + " of " + course.exercises().size() + " exercises pass.");
        return allPass ? TutorCommand.PASSED : TutorCommand.NOT_PASSED;
    }
}
