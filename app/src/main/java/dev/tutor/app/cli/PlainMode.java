package dev.tutor.app.cli;

import dev.tutor.app.workspace.Workspace;
import java.util.ArrayList;
import java.util.List;

/**
 * A bare {@code tutor} until the full-screen tutor exists: offers to make the workspace on the first start,
 * shows where the learner stands, then reads commands a line at a time (the same ones as on the command
 * line) until {@code quit} or end of input.
 */
final class PlainMode {
    private final TutorContext context;

    PlainMode(TutorContext context) {
        this.context = context;
    }

    /**
     * On the first start, offers to make the workspace and makes it; false when the learner declined. Also used
     * before the full screen opens, so both faces greet a new learner the same way.
     */
    static boolean offerWorkspace(TutorContext context) {
        Workspace workspace = context.workspace();
        if (!workspace.exists()) {
            context.out().println("Welcome to the Concurrency Tutor. Your exercises will live in a workspace folder"
                    + " that your IDE opens.");
            if (!context.interactive()) {
                context.out().println("No workspace yet: run 'tutor init [DIR]' to make one (default "
                        + workspace.root() + ").");
                return false;
            }
            if (!context.confirm("Create it at " + workspace.root() + "?", true)) {
                context.out().println("Then run 'tutor init DIR' with the folder you want.");
                return false;
            }
            TutorCommand.commandLine(context).execute("--workspace", workspace.root().toString(), "init");
        }
        return workspace.exists();
    }

    int run() {
        Workspace workspace = context.workspace();
        if (!offerWorkspace(context)) {
            return TutorCommand.PASSED;
        }
        TutorCommand.commandLine(context).execute("--workspace", workspace.root().toString(), "list");
        context.session().warmUpInBackground(); // while the learner reads and edits, before their first check
        context.out().println("Commands: " + String.join(", ", LinePrompt.COMMANDS) + " (tab completes; 'help COMMAND'"
                + " explains one).");
        try (LinePrompt prompt = LinePrompt.open(context, context.course(), workspace.tutorDir().resolve("history"))) {
            while (true) {
                context.out().flush();
                String line = prompt.readLine("tutor> ");
                if (line == null || line.strip().equals("quit") || line.strip().equals("exit")) {
                    return TutorCommand.PASSED;
                }
                if (line.isBlank()) {
                    continue;
                }
                List<String> args = new ArrayList<>(List.of("--workspace", workspace.root().toString()));
                args.addAll(List.of(line.strip().split("\\s+")));
                TutorCommand.commandLine(context).execute(args.toArray(String[]::new));
            }
        }
    }
}
