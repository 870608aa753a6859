package dev.tutor.lessons.processes;

import dev.tutor.lessons.Prediction;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The demo of lesson 3, "Processes": a parent JVM starts child JVMs, hands them work, and waits for them.
 *
 * <p>Part 1 prints this process's PID, starts one child ({@link ProcessesDemoChild}) with the same
 * {@code java} and class path, and shows that the child's change to {@link #counter} never reaches the
 * parent: each process has memory of its own. Part 2 counts the primes below a limit (3,000,000 unless
 * the first argument says otherwise) in one child, then split over two children at once, and prints the
 * wall time of each way. When a person is at the terminal, part 2 first asks for the lesson's two
 * predictions, and prints each beside what was measured.
 *
 * <p>Every child gets a time limit, and a shutdown hook kills any child still running when the demo ends,
 * however it ends.
 */
public final class ProcessesDemo {
    /** A static field. Every JVM that loads this class has a copy of its own, which starts at 1. */
    static int counter = 1;

    private static final long DEFAULT_LIMIT = 3_000_000;
    private static final Duration CHILD_LIMIT = Duration.ofSeconds(30);
    private static final List<Process> STARTED = new CopyOnWriteArrayList<>();

    private ProcessesDemo() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        long limit = args.length > 0 ? Long.parseLong(args[0].replace("_", "").replace(",", "")) : DEFAULT_LIMIT;
        Runtime.getRuntime().addShutdownHook(new Thread(ProcessesDemo::killChildren, "kill-children"));
        try {
            childWithItsOwnMemory();
            System.out.println();
            cpuWorkOnOneAndTwoProcesses(limit);
        } finally {
            killChildren();
        }
    }

    private static void childWithItsOwnMemory() throws IOException, InterruptedException {
        System.out.println("1. A child process and its memory");
        ProcessHandle me = ProcessHandle.current();
        System.out.println("parent | my pid is " + me.pid() + ", I run " + javaLauncher());
        counter = 100;
        System.out.println("parent | counter = " + counter + " in my memory (the class starts it at 1; I set it)");
        System.out.println("parent | starting: java -cp <my class path> " + ProcessesDemoChild.class.getName());

        long started = System.nanoTime();
        Process child = start(ProcessesDemoChild.class.getName());
        List<String> said = finish(child);
        double seconds = (System.nanoTime() - started) / 1e9;
        said.forEach(line -> System.out.println("child  | " + line));
        System.out.printf("parent | child %d ended with exit code %d, %.2f s after I started it%n",
                child.pid(), child.exitValue(), seconds);
        System.out.println("parent | counter = " + counter + " in my memory: the child changed its own copy");
    }

    private static void cpuWorkOnOneAndTwoProcesses(long limit) throws IOException, InterruptedException {
        System.out.printf("2. CPU-bound work: the primes below %,d, on one process and on two%n", limit);
        System.out.printf("This machine offers %d cores to Java.%n", Runtime.getRuntime().availableProcessors());
        Optional<String> wallGuess = Prediction.ask("Will two children, each counting half of the numbers, take"
                + " about the same wall time as one child, or about half of it?");
        Optional<String> halvesGuess = Prediction.ask("Will the two halves take equally long?");

        Run one = countWith(limit, 1);
        System.out.printf("one child    : %,d primes, wall %.2f s   %s%n", one.primes, one.seconds, one.detail);
        Run two = countWith(limit, 2);
        System.out.printf("two children : %,d primes, wall %.2f s   %s%n", two.primes, two.seconds, two.detail);
        System.out.printf("Two children took %.2f of the time one child took. Each wall time includes starting"
                + " the JVMs.%n", two.seconds / one.seconds);
        Prediction.printBeside(wallGuess, String.format("two children took %.2f s and one child %.2f s:"
                + " %.2f of the time", two.seconds, one.seconds, two.seconds / one.seconds));
        Prediction.printBeside(halvesGuess, String.format("the lower half counted in %.2f s, the upper half in %.2f s",
                two.countingSeconds.get(0), two.countingSeconds.get(1)));
        System.out.println("The halves are equal in numbers, not in work: trial division costs more for bigger"
                + " numbers, so");
        System.out.println("on a quiet machine the upper half takes longer. On a busy one the second core is not"
                + " free, and the gain shrinks.");
    }

    /** What one way of counting found, how long it took on the wall clock, and each child's counting time. */
    private record Run(long primes, double seconds, String detail, List<Double> countingSeconds) {
    }

    /** Starts one child per range, all at once, then waits for each and adds up their answers. */
    private static Run countWith(long limit, int children) throws IOException, InterruptedException {
        long started = System.nanoTime();
        List<Process> running = new ArrayList<>();
        List<String> ranges = new ArrayList<>();
        for (int i = 0; i < children; i++) {
            long from = limit * i / children;
            long to = limit * (i + 1) / children;
            ranges.add(String.format("[%,d, %,d)", from, to));
            running.add(start(ProcessesDemoChild.class.getName(), "primes", Long.toString(from), Long.toString(to)));
        }
        long primes = 0;
        List<String> details = new ArrayList<>();
        List<Double> countingSeconds = new ArrayList<>();
        for (int i = 0; i < children; i++) {
            Process child = running.get(i);
            String[] answer = finish(child).get(0).split(" ");
            primes += Long.parseLong(answer[1]);
            countingSeconds.add(Long.parseLong(answer[2]) / 1e3);
            details.add(String.format("child %s: %s in %.2f s", answer[0], ranges.get(i), countingSeconds.get(i)));
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        return new Run(primes, seconds, "(" + String.join("; ", details) + ")", List.copyOf(countingSeconds));
    }

    /** Starts {@code java -cp <this JVM's class path> mainClass args...}, the same Java as this one. */
    private static Process start(String mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(javaLauncher().toString(), "-cp",
                System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(args));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        STARTED.add(child);
        return child;
    }

    /**
     * Waits for a child, at most {@link #CHILD_LIMIT}, and returns what it printed. These children print a
     * line or three, far less than a pipe holds, so reading after the wait is safe here; a child that
     * prints more must be read while it runs.
     */
    private static List<String> finish(Process child) throws IOException, InterruptedException {
        if (!child.waitFor(CHILD_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
            child.destroyForcibly().waitFor();
            throw new IOException("child " + child.pid() + " still ran after " + CHILD_LIMIT.toSeconds()
                    + " s and was killed");
        }
        return child.inputReader().lines().toList();
    }

    private static Path javaLauncher() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    private static void killChildren() {
        for (Process child : STARTED) {
            if (child.isAlive()) {
                child.destroyForcibly();
            }
        }
    }
}
