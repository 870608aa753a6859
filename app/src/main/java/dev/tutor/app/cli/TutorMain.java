package dev.tutor.app.cli;

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
        // Closing stops the spare test JVM and a start-up cache training under way, which would outlive the tutor.
        try (TutorContext context = new TutorContext()) {
            context.loadCourseInBackground();
            return TutorCommand.execute(context, args);
        }
    }
}
