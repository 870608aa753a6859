package dev.tutor.exercises.processes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A child for {@link ChildProcessTest} whose output outlives it: it prints a few lines, starts a process of
 * its own (a {@code /bin/sh} one-liner, "the printer") that inherits its standard output and standard error,
 * and ends. The printer waits until the test opens a gate, a file the test creates only once the child is
 * gone, then prints the rest of the lines and ends; only then does the child's output come to its end.
 *
 * <p>So the late lines are certainly printed after the child has ended, however fast or slow the machine: a
 * run() that takes the lines as soon as the child has ended cannot have them, and one that reads to the end
 * of the output has every one.
 */
final class LateOutput {
    /** The shell that runs the printer; the test is skipped where there is none. */
    static final Path SH = Path.of("/bin/sh");
    /**
     * The printer: waits for the gate ($1), at most about a minute (a test that never opens it must not leave
     * it behind for long), then prints the other arguments, a line each.
     */
    private static final String PRINTER = "i=0; while [ ! -e \"$1\" ] && [ $i -lt 6000 ]; do sleep 0.01;"
            + " i=$((i+1)); done; shift; printf '%s\\n' \"$@\"";

    private LateOutput() {
    }

    /** What the child prints itself, what its printer prints after it, and the child's exit code. */
    record Plan(List<String> early, List<String> late, int exitCode) {
        static Plan of(Random random) {
            List<String> early = new ArrayList<>();
            for (int i = 1, n = 1 + random.nextInt(3); i <= n; i++) {
                early.add("from the child, line " + i + " of " + n + ": " + Integer.toHexString(random.nextInt()));
            }
            List<String> late = new ArrayList<>();
            for (int i = 1, n = 2 + random.nextInt(4); i <= n; i++) {
                late.add("after the child, line " + i + " of " + n + ": " + Integer.toHexString(random.nextInt()));
            }
            return new Plan(early, late, 1 + random.nextInt(120));
        }

        /** Every line, in the order printed. */
        List<String> all() {
            List<String> all = new ArrayList<>(early);
            all.addAll(late);
            return all;
        }

        /** The child's arguments: where to report, the two files it and its printer wait for, then the plan. */
        List<String> args(String port, Path end, Path gate) {
            List<String> args = new ArrayList<>(List.of(port, end.toString(), gate.toString(),
                    Integer.toString(exitCode), Integer.toString(early.size())));
            args.addAll(early);
            args.addAll(late);
            return args;
        }
    }

    /**
     * Prints the early lines, starts the printer with the late ones, reports the printer's PID and then its
     * own, and ends once the test creates the file {@code end}: until it has reported in, the test could miss
     * its end.
     */
    public static void main(String[] args) throws IOException, InterruptedException {
        RollCall.Member roll = RollCall.connect(args[0]);
        Path end = Path.of(args[1]);
        String gate = args[2];
        int exitCode = Integer.parseInt(args[3]);
        int early = Integer.parseInt(args[4]);
        for (int i = 5; i < 5 + early; i++) {
            System.out.println(args[i]);
        }
        System.out.flush();
        List<String> printer = new ArrayList<>(List.of(SH.toString(), "-c", PRINTER, "printer", gate));
        printer.addAll(List.of(args).subList(5 + early, args.length));
        Process started = new ProcessBuilder(printer).redirectOutput(ProcessBuilder.Redirect.INHERIT)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        roll.say("printer " + started.pid());
        roll.sayPid();
        // A polled file, as the printer does: the child's standard input belongs to run(), not to the test.
        for (int i = 0; i < 12_000 && !Files.exists(end); i++) {
            Thread.sleep(5);
        }
        Runtime.getRuntime().halt(exitCode);
    }
}
