package dev.tutor.app.cli;

import dev.tutor.app.course.CourseException;
import dev.tutor.app.grading.GradingException;
import dev.tutor.app.tui.FullScreenTutor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The root command: global options, the list of subcommands, and what a bare {@code tutor} does. */
@Command(name = "tutor", mixinStandardHelpOptions = true, versionProvider = TutorCommand.Version.class,
        description = "The Concurrency Tutor: what Python's asyncio is built on, hands-on in Java.",
        subcommands = {InitCommand.class, ListCommand.class, NextCommand.class, LessonCommand.class,
                CheckCommand.class, WatchCommand.class, HintCommand.class, SolutionCommand.class, ResetCommand.class,
                DemoCommand.class, ServeCommand.class, VerifyCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done, or the exercise passed", "1:the exercise did not pass", "2:usage or environment error"})
final class TutorCommand implements Callable<Integer> {
    static final int PASSED = 0;
    static final int NOT_PASSED = 1;
    static final int USAGE = 2;

    final TutorContext context;

    @Option(names = "--workspace", paramLabel = "DIR", scope = ScopeType.INHERIT,
            description = "The learner's workspace (default: the nearest folder upwards with .tutor/, else ~/concurrency-tutor).")
    void workspace(Path dir) {
        context.workspaceOption(dir);
    }

    boolean verbose;

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "Show stack traces of errors and where each grading's time went.")
    void verbose(boolean on) {
        verbose = on;
        context.verbose(on);
    }

    TutorCommand(TutorContext context) {
        this.context = context;
    }

    static CommandLine commandLine(TutorContext context) {
        TutorCommand root = new TutorCommand(context);
        CommandLine cli = new CommandLine(root, new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                try {
                    return type.getDeclaredConstructor(TutorContext.class).newInstance(context);
                } catch (NoSuchMethodException e) {
                    return CommandLine.defaultFactory().create(type);
                }
            }
        });
        cli.setOut(context.out());
        cli.setErr(context.err());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            boolean usage = e instanceof UsageException || e instanceof CourseException
                    || e instanceof GradingException || e instanceof UncheckedIOException;
            context.err().println(usage ? e.getMessage() : "Unexpected error: " + e);
            if (root.verbose || !usage) {
                e.printStackTrace(context.err());
            }
            context.err().flush();
            return USAGE;
        });
        return cli;
    }

    @Option(names = "--plain", description = "Use the line-by-line prompt instead of the full screen"
            + " (also the default when the output is not a terminal).")
    boolean plain;

    /**
     * A bare {@code tutor}: the full-screen tutor on a terminal, else (or with {@code --plain}) the plain mode;
     * both after offering to make the workspace on the first start.
     */
    @Override
    public Integer call() throws java.io.IOException {
        if (plain || !FullScreenTutor.terminalAvailable()) {
            return new PlainMode(context).run();
        }
        if (!PlainMode.offerWorkspace(context)) {
            return PASSED;
        }
        return FullScreenTutor.run(context.course(), context.source(), context.existingWorkspace(),
                context.attempts(), context.progress(), context.grader());
    }

    /** The version from the build, for {@code --version}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            Properties p = new Properties();
            try (InputStream in = TutorCommand.class.getResourceAsStream("/dev/tutor/app/version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new String[] {"Concurrency Tutor " + p.getProperty("version", "unknown") + " on Java "
                    + Runtime.version() + " (" + System.getProperty("java.home") + ")"};
        }
    }
}
