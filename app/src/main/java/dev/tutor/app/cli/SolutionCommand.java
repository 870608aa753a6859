package dev.tutor.app.cli;

import dev.tutor.app.course.Exercise;
import dev.tutor.app.progress.Progress;
import dev.tutor.app.session.SolutionComparison;
import dev.tutor.app.session.Standing;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tutor solution [ID]}: the reference solution, after a pass or after a confirmation. */
@Command(name = "solution", mixinStandardHelpOptions = true,
        description = "Show the reference solution of an exercise (after you pass it, or after you confirm).")
final class SolutionCommand implements Callable<Integer> {
    private final TutorContext context;

    @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "The exercise (default: the one you are on).")
    String id;

    @Option(names = {"-y", "--yes"}, description = "Show it without asking, even before a pass.")
    boolean yes;

    SolutionCommand(TutorContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        Progress progress = context.progress().load();
        Exercise exercise = ExerciseLookup.named(context.course(), id, progress);
        boolean passed = Standing.solutionUnlocked(progress, exercise.id());
        if (!passed && !yes && !context.confirm("You have not passed '" + exercise.id()
                + "' yet; seeing the answer first spoils the exercise. Show it anyway?", false)) {
            boolean hintsLeft = progress.exercise(exercise.id()).hintsTaken() < exercise.hints().size();
            context.out().println("Not shown." + (hintsLeft ? " 'tutor hint " + exercise.id()
                    + "' gives the next hint instead." : " You have taken all " + exercise.hints().size()
                    + " hints; 'tutor hint " + exercise.id() + "' shows the last one again."));
            return TutorCommand.NOT_PASSED;
        }
        for (String file : exercise.files()) {
            java.util.Optional<String> reference = context.source().solution(file);
            java.util.Optional<String> yours = context.existingWorkspace().read(file);
            if (reference.isPresent() && yours.isPresent()) {
                java.util.List<SolutionComparison.Row> rows = SolutionComparison.rows(yours.get(), reference.get());
                context.out().println("// ---- " + file + ": yours against the reference (- yours, + reference)");
                if (rows.isEmpty()) {
                    context.out().println("   (the same, line for line)");
                }
                for (SolutionComparison.Row row : rows) {
                    context.out().println(switch (row.kind()) {
                        case PLACE -> "   " + row.text();
                        case YOURS -> " - " + row.text();
                        case REFERENCE -> " + " + row.text();
                        case SAME -> "   " + row.text();
                    });
                }
                context.out().println();
            }
            context.out().println("// ---- " + file + " (reference solution)");
            context.out().println(reference.orElse("(missing from tutor.jar)"));
        }
        context.saveProgress(progress.withSolutionViewed(exercise.id()));
        return TutorCommand.PASSED;
    }
}
