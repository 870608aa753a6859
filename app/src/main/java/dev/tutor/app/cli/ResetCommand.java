package dev.tutor.app.cli;

import dev.tutor.app.course.Exercise;
import dev.tutor.app.workspace.WorkspaceWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tutor reset ID}: puts one exercise's stub back, keeping the learner's version as a backup. */
@Command(name = "reset", mixinStandardHelpOptions = true,
        description = "Put an exercise back as it was, keeping your version as a backup.")
final class ResetCommand implements Callable<Integer> {
    private final TutorContext context;

    @Parameters(index = "0", paramLabel = "ID", description = "The exercise, as 'tutor list' names it.")
    String id;

    @Option(names = {"-y", "--yes"}, description = "Reset without asking.")
    boolean yes;

    ResetCommand(TutorContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        Exercise exercise = context.course().requireExercise(id);
        if (!yes && !context.confirm("Reset '" + id + "' to its stub? Your version will be kept in "
                + context.existingWorkspace().backupsDir() + ".", false)) {
            context.out().println("Nothing changed.");
            return TutorCommand.NOT_PASSED;
        }
        WorkspaceWriter.ResetReport report = new WorkspaceWriter(context.course(), context.source())
                .reset(context.existingWorkspace(), exercise, Instant.now());
        for (Path backup : report.backups()) {
            context.out().println("Kept your version as " + backup);
        }
        for (Path restored : report.restored()) {
            context.out().println("Restored " + restored + " (reload it in your editor if it is open)");
        }
        context.saveProgress(context.progress().load().withStubsAgain(exercise.id()));
        return TutorCommand.PASSED;
    }
}
