package dev.tutor.app.cli;

import picocli.CommandLine;

/**
 * The tutor's command line: {@code java -jar tutor.jar [command]}, reached through {@code dev.tutor.Launch}
 * once the Java version is known to be good.
 */
public final class TutorMain {
    private TutorMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs one command line and returns its exit code: 0 done or passed, 1 not passed, 2 usage or environment. */
    public static int run(String... args) {
        CommandLine cli = TutorCommand.commandLine(new TutorContext());
        return cli.execute(args);
    }
}
