package dev.tutor.app.cli;

import dev.tutor.app.course.Exercise;
import dev.tutor.app.progress.Progress;
import dev.tutor.app.workspace.Workspace;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code tutor next}: the exercise to do now, and the file to open for it. */
@Command(name = "next", mixinStandardHelpOptions = true, description = "Show the exercise to do now and the file to open.")
final class NextCommand implements Callable<Integer> {
    private final TutorContext context;

    NextCommand(TutorContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        Workspace workspace = context.existingWorkspace();
        Progress progress = context.progress().load();
        Exercise next = dev.tutor.app.session.Standing.resume(context.course(), progress);
        context.saveProgress(progress.withCurrent(next.id()));
        String lesson = context.course().lesson(next.lessonId()).map(l -> l.number() + ". " + l.title()).orElse("");
        context.out().println(next.id() + ": " + next.title() + "  (lesson " + lesson + ", "
                + dev.tutor.app.session.Standing.label(progress.exercise(next.id()).status()) + ")");
        for (String file : next.files()) {
            context.out().println("  open " + workspace.learnerFile(file));
        }
        context.out().println("  then save it and run 'tutor check " + next.id() + "' (or keep 'tutor watch' running).");
        return TutorCommand.PASSED;
    }
}
