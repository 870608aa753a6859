package dev.tutor.app.cli;

import dev.tutor.app.workspace.Workspace;
import dev.tutor.app.workspace.WorkspaceWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code tutor init [DIR]}: writes the workspace, never overwriting a learner's file. */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = "Write every exercise and its tests into a workspace your IDE opens (default ~/concurrency-tutor)."
                + " Run again after an update to add new exercises; your files are never overwritten.")
final class InitCommand implements Callable<Integer> {
    private final TutorContext context;

    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", description = "Where to put the workspace.")
    Path dir;

    InitCommand(TutorContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        Workspace workspace = dir != null ? new Workspace(dir) : context.workspace();
        WorkspaceWriter.InitReport report = new WorkspaceWriter(context.course(), context.source()).init(workspace);
        context.out().println("Workspace ready at " + report.root() + " (" + report.written().size()
                + (report.written().size() == 1 ? " file" : " files") + " written" + (report.kept().isEmpty() ? ")."
                : ", " + report.kept().size() + " already there kept as they were)."));
        String tutor = "tutor" + (dir == null ? "" : " --workspace " + report.root());
        context.out().println("Open it in your IDE as a Maven project and keep '" + tutor + "' open beside it:"
                + " every save is graded ('" + tutor + " watch' does the same line by line).");
        return TutorCommand.PASSED;
    }
}
