package dev.tutor.app.cli;

import dev.tutor.app.course.CourseException;
import dev.tutor.app.grading.GradingException;
import dev.tutor.app.tui.FullScreenTutor;
import dev.tutor.app.tui.StartRehearsal;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The root command: global options, the list of subcommands, and what a bare {@code tutor} does. */
@Command(name = "tutor", mixinStandardHelpOptions = true, versionProvider = TutorCommand.Version.class,
        description = "The Concurrency Tutor: what Python's asyncio is built on, hands-on in Java.",
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

    /** The subcommands, in the order the help lists them; loaded only when a command line is parsed. */
    private static List<Class<?>> subcommands() {
        return List.of(InitCommand.class, ListCommand.class, NextCommand.class, LessonCommand.class,
                CheckCommand.class, WatchCommand.class, HintCommand.class, SolutionCommand.class, ResetCommand.class,
                DemoCommand.class, ServeCommand.class, VerifyCommand.class, CommandLine.HelpCommand.class);
    }

    /** The root options a bare {@code tutor} may carry; {@code --workspace} takes the next word too. */
    private static final Set<String> ROOT_FLAGS = Set.of("--plain", "--verbose", "--rehearse-start");

    TutorCommand(TutorContext context) {
        this.context = context;
    }

    /** The whole command line, every subcommand included. */
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
        for (Class<?> subcommand : subcommands()) {
            cli.addSubcommand(subcommand);
        }
        cli.setOut(context.out());
        cli.setErr(context.err());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> root.report(e));
        cli.setParameterExceptionHandler((e, args) -> root.reportBadLine(e));
        return cli;
    }

    /**
     * Runs one command line and returns its exit code. A bare start (root options only: the full screen)
     * does not go through picocli: building picocli's model of even the root command, by reflection in a
     * JVM that has just started, took about a fifth of a second of the first screen. Every other line does.
     */
    static int execute(TutorContext context, String... args) {
        if (!onlyRootOptions(args)) {
            return commandLine(context).execute(args);
        }
        TutorCommand root = new TutorCommand(context);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--plain" -> root.plain = true;
                case "--verbose" -> root.verbose(true);
                case "--rehearse-start" -> root.rehearseStart = true;
                case "--workspace" -> root.workspace(Path.of(args[++i]));
                default -> root.workspace(Path.of(args[i].substring("--workspace=".length())));
            }
        }
        try {
            return root.call();
        } catch (Exception e) {
            return root.report(e);
        }
    }

    /** Whether the arguments are root options only, so that no subcommand can be meant (nor help asked for). */
    static boolean onlyRootOptions(String... args) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--workspace") && i + 1 < args.length && !args[i + 1].isEmpty()) {
                i++;
            } else if (!ROOT_FLAGS.contains(arg) && !(arg.startsWith("--workspace=") && arg.length() > 12)) {
                return false;
            }
        }
        return true;
    }

    /**
     * A line the command line did not understand, in one line: what was not understood, the closest command
     * or the command's own help, and {@code help}; returns 2. (Picocli's default prints the whole usage.)
     */
    private int reportBadLine(CommandLine.ParameterException e) {
        CommandLine where = e.getCommandLine();
        String command = where.getCommandName();
        String line;
        if (e instanceof CommandLine.UnmatchedArgumentException unmatched && where.getCommandSpec().root() ==
                where.getCommandSpec() && !unmatched.getUnmatched().isEmpty()
                && !unmatched.getUnmatched().get(0).startsWith("-")) {
            String word = unmatched.getUnmatched().get(0);
            line = "'" + word + "' is not a command of the tutor" + CommandNames.closest(word,
                    where.getSubcommands().keySet()).map(c -> "; did you mean '" + c + "'?").orElse(".")
                    + " 'help' lists them.";
        } else {
            String message = e.getMessage().replaceAll("\\s+", " ").strip();
            message = message.endsWith(".") ? message : message + ".";
            line = message + (where.getCommandSpec().root() == where.getCommandSpec() ? " 'help' lists the commands."
                    : " 'help " + command + "' explains it.");
        }
        context.err().println(line);
        context.err().flush();
        return USAGE;
    }

    /** Says what went wrong in one line (with the stack trace under --verbose, or for a bug) and returns 2. */
    private int report(Exception e) {
        boolean usage = e instanceof UsageException || e instanceof CourseException
                || e instanceof dev.tutor.app.session.TutorSession.NoWorkspaceException
                || e instanceof GradingException || e instanceof UncheckedIOException
                || e instanceof dev.tutor.app.session.Attempts.MissingFileException;
        context.err().println(usage ? e.getMessage() : "Unexpected error: " + e);
        if (verbose || !usage) {
            e.printStackTrace(context.err());
        }
        context.err().flush();
        return USAGE;
    }

    @Option(names = "--plain", description = "Use the line-by-line prompt instead of the full screen"
            + " (also the default when the output is not a terminal).")
    boolean plain;

    /** Set by {@code ./tutor} when it trains the AOT cache of the tutor's own start-up; see {@link StartRehearsal}. */
    @Option(names = "--rehearse-start", hidden = true,
            description = "Draw the first screens in memory and exit (trains ./tutor's start-up cache).")
    boolean rehearseStart;

    /**
     * A bare {@code tutor}: the full-screen tutor on a terminal, else (or with {@code --plain}) the plain mode;
     * both after offering to make the workspace on the first start.
     */
    @Override
    public Integer call() throws java.io.IOException {
        if (rehearseStart) {
            StartRehearsal.run(context.course(), context.source(), context.workspace());
            return PASSED;
        }
        if (plain || !FullScreenTutor.terminalAvailable()) {
            return new PlainMode(context).run();
        }
        if (!PlainMode.offerWorkspace(context)) {
            return PASSED;
        }
        return FullScreenTutor.run(context.session());
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
