package dev.tutor.exercises.processes;

import dev.tutor.exercises.support.ProcessEnds;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The programs {@link ChildProcessTest} starts as children through the learner's run(), each a main method of
 * its own: they print what the tests compare, report to the test through a {@link RollCall}, and behave as the
 * test needs (print far more than a pipe holds, never end a line, refuse a polite request to stop). Not a test
 * itself.
 */
final class TestChildren {
    private TestChildren() {
    }

    /**
     * Prints its PID, its Java, how it was started and its class path, changes a static field, prints its
     * arguments in brackets, writes two lines to standard error, and exits with the status its first
     * argument names.
     */
    static final class Echo {
        static int counter = 7;

        public static void main(String[] args) {
            System.out.println("pid " + ProcessHandle.current().pid());
            System.out.println("java.home " + System.getProperty("java.home"));
            System.out.println("argv0 " + argv0());
            System.out.println("class.path " + System.getProperty("java.class.path"));
            System.err.println("to stderr, 1 of 2");
            System.out.println("counter " + counter);
            counter = 99;
            System.out.println("counter now " + counter);
            System.out.println("args " + args.length);
            for (String arg : args) {
                System.out.println("[" + arg + "]");
            }
            System.err.println("to stderr, 2 of 2");
            // Lingers a moment after its last line, so that what these tests judge is the parent's handling of
            // arguments, paths and streams; output lost at a child's end is another test's, whose child prints
            // its last lines and ends at once.
            try {
                Thread.sleep(60);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            int status;
            try {
                status = Integer.parseInt(args[0]);
            } catch (RuntimeException e) {
                status = 99;
            }
            System.exit(status);
        }

        /** The first word of this process's command line, where the system shows it (Linux). */
        private static String argv0() {
            try {
                byte[] line = Files.readAllBytes(Path.of("/proc/self/cmdline"));
                int end = 0;
                while (end < line.length && line[end] != 0) {
                    end++;
                }
                return new String(line, 0, end, StandardCharsets.UTF_8);
            } catch (IOException | RuntimeException e) {
                return "?";
            }
        }
    }

    /**
     * Prints numbered lines of many lengths, empty ones too, taking turns between standard output and
     * standard error, each stream far more than a pipe holds. Then it writes a burst of short lines in one
     * write, a pipe's capacity give or take a little, and ends at once with {@code Runtime.halt}: the burst
     * is still in the pipe when the child is gone. It reports its progress to the test as it goes.
     */
    static final class Chatter {
        record Line(boolean onStdout, String text) {
        }

        record Plan(List<Line> script, byte[] burst, List<String> burstLines, boolean burstOnStdout, int exitCode) {
            long bytes() {
                return bytes(true) + bytes(false) + burst.length;
            }

            long bytes(boolean onStdout) {
                return script.stream().filter(l -> l.onStdout() == onStdout).mapToLong(l -> l.text().length() + 1)
                        .sum();
            }
        }

        static Plan plan(long seed) {
            Random random = new Random(seed);
            long outTarget = ChildProcessTest.PIPE + 1 + random.nextInt(ChildProcessTest.PIPE);
            long errTarget = ChildProcessTest.PIPE + 1 + random.nextInt(ChildProcessTest.PIPE);
            long out = 0;
            long err = 0;
            List<Line> lines = new ArrayList<>();
            boolean onStdout = random.nextBoolean();
            while (out < outTarget || err < errTarget) {
                int run = 1 + random.nextInt(30);
                for (int i = 0; i < run; i++) {
                    int length = random.nextInt(10) == 0 ? 0 : 1 + random.nextInt(200);
                    String text = length == 0 ? ""
                            : ((onStdout ? "out " : "err ") + lines.size() + " " + "x".repeat(length)).substring(0, length);
                    lines.add(new Line(onStdout, text));
                    if (onStdout) {
                        out += length + 1;
                    } else {
                        err += length + 1;
                    }
                }
                onStdout = out >= outTarget ? false : err >= errTarget || !onStdout;
            }
            int[] sizes = {ChildProcessTest.PIPE - 1, ChildProcessTest.PIPE, ChildProcessTest.PIPE + 1, ChildProcessTest.PIPE - 2 - random.nextInt(4_000), ChildProcessTest.PIPE + 2 + random.nextInt(4_000)};
            int size = sizes[random.nextInt(sizes.length)];
            StringBuilder burst = new StringBuilder(size);
            while (burst.length() < size) {
                int length = random.nextInt(7);
                for (int i = 0; i < length && burst.length() < size; i++) {
                    burst.append((char) ('a' + random.nextInt(26)));
                }
                if (burst.length() < size) {
                    burst.append('\n');
                }
            }
            List<String> burstLines = new BufferedReader(new StringReader(burst.toString())).lines().toList();
            return new Plan(lines, burst.toString().getBytes(StandardCharsets.US_ASCII), burstLines,
                    random.nextBoolean(), random.nextInt(121));
        }

        public static void main(String[] args) throws IOException {
            Plan plan = plan(Long.parseLong(args[0]));
            RollCall.Member roll = RollCall.join(args[1]);
            long written = 0;
            long reported = 0;
            for (Line line : plan.script()) {
                PrintStream stream = line.onStdout() ? System.out : System.err;
                stream.println(line.text());
                stream.flush();
                written += line.text().length() + 1;
                if (written - reported >= 4_096) {
                    roll.say("wrote " + written);
                    reported = written;
                }
            }
            roll.say("wrote " + written);
            // Straight to the descriptor, in one write, past the streams' buffers.
            FileOutputStream burst = new FileOutputStream(plan.burstOnStdout() ? FileDescriptor.out : FileDescriptor.err);
            roll.say("writing " + plan.burst().length);
            burst.write(plan.burst());
            roll.say("wrote " + (written + plan.burst().length));
            Runtime.getRuntime().halt(plan.exitCode());
        }
    }

    /** Prints half a line, with no line break after it, and then runs on until it is stopped. */
    static final class HalfLine {
        static final String TEXT = "working on it...";

        public static void main(String[] args) throws IOException, InterruptedException {
            System.out.print(TEXT);
            System.out.flush();
            RollCall.join(args[0]);
            ProcessEnds.haltOnceTheParentIsGone(Duration.ofMinutes(2));
        }
    }

    /**
     * Runs until it is killed. Asked politely to stop (a SIGTERM, which is what {@code destroy()} sends on
     * Linux and macOS), it says so to the test and then refuses: its shutdown hook never returns.
     */
    static final class Stubborn {
        public static void main(String[] args) throws IOException, InterruptedException {
            RollCall.Member roll = RollCall.connect(args[0]);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                roll.say("asked to stop");
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            neverPushesItsParentAside();
            // Reports in only now, so that a child that has reported in refuses polite requests.
            roll.sayPid();
            System.out.println("working, and not stopping");
            ProcessEnds.haltOnceTheParentIsGone(Duration.ofMinutes(2));
        }
    }

    /**
     * Moves every thread of this child to Linux's batch scheduling class, where a thread that wakes never
     * preempts a running one. The tests look whether a killed child is still there the instant run() comes
     * back; without this, the SIGKILL wakes the child's threads, one of them often takes the CPU of the
     * thread in run() at once, and a run() that does not wait for the child's end (a known mistake) then
     * comes back only after it, unseen. Where {@code chrt} is missing it stays as it is.
     */
    static void neverPushesItsParentAside() throws InterruptedException {
        try {
            Process chrt = new ProcessBuilder("chrt", "--all-tasks", "--batch", "--pid", "0",
                    Long.toString(ProcessHandle.current().pid()))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!chrt.waitFor(5, TimeUnit.SECONDS)) {
                chrt.destroyForcibly();
            }
        } catch (IOException e) {
            // not Linux, or no util-linux: the look is a little less sure, and nothing else changes
        }
    }
}
