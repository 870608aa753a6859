package dev.tutor.lessons.javaanswers;

import com.sun.management.UnixOperatingSystemMXBean;
import dev.tutor.lessons.Prediction;
import java.io.BufferedReader;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Lesson 12's second demo: ten thousand fetches from the bundled slow HTTP server, each answered after one
 * three seconds, all started at once, three ways: a virtual thread per fetch, a platform thread per fetch, and
 * tasks on the bundled event loop. Each way runs in a child JVM of its own ({@link FetchRun}) so that its
 * memory and its threads are its own; the server runs here, on loopback, on a port the system picks.
 *
 * <p>Bounded: at most 10,000 fetches per run (fewer when this process may not open enough files for the
 * server's side of them), each child killed after {@link #CHILD_LIMIT}, and {@code --runs N} (1 to 5,
 * default 1) repeats the three runs and prints the median of each figure. {@code --count N} asks for fewer
 * fetches (100 to 10,000). About half a minute per round.
 */
public final class TenThousandFetchesDemo {

    private static final int MOST = 10_000;
    private static final Duration DELAY = Duration.ofSeconds(3);
    private static final Duration CHILD_LIMIT = Duration.ofSeconds(90);
    /** Files this process keeps for itself besides the server's side of each connection. */
    private static final int SPARE_FILES = 512;
    private static final List<String> KINDS = List.of("virtual", "platform", "loop");
    private static final List<Process> STARTED = new CopyOnWriteArrayList<>();

    private TenThousandFetchesDemo() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        int runs = 1;
        int count = MOST;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--runs" -> runs = Math.clamp(Integer.parseInt(args[i + 1]), 1, 5);
                case "--count" -> count = Math.clamp(Integer.parseInt(args[i + 1]), 100, MOST);
                default -> throw new IllegalArgumentException("Unknown option " + args[i] + ": use --runs N or --count N.");
            }
        }
        if (count > fileLimit() - SPARE_FILES) {
            count = Math.max(100, fileLimit() - SPARE_FILES);
            System.out.printf("This machine lets a process open %,d files, one per connection: %,d fetches, not"
                    + " %,d.%n", fileLimit(), count, MOST);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(TenThousandFetchesDemo::killChildren, "kill-children"));
        System.out.printf("%,d fetches, all started at once, each answered by the slow server after %d ms, on this"
                + " machine's %d cores.%n", count, DELAY.toMillis(), Runtime.getRuntime().availableProcessors());
        System.out.println("Each way runs in a child JVM of its own, and so does the server (one thread, the bundled loop).");
        List<Optional<String>> guesses = List.of(
                Prediction.ask("On a virtual thread per fetch: how long will they take in all, and how many platform"
                        + " threads will the JVM start for them?"),
                Prediction.ask("On a platform thread per fetch: how long, and how much memory will their stacks"
                        + " take?"),
                Prediction.ask("As tasks on the bundled event loop, one thread: how long, and how much memory?"));
        List<List<FetchFigures>> byKind = new ArrayList<>();
        KINDS.forEach(kind -> byKind.add(new ArrayList<>()));
        try {
            for (int round = 1; round <= runs; round++) {
                if (runs > 1) {
                    System.out.println();
                    System.out.println("Round " + round + " of " + runs + ":");
                }
                System.out.println(FetchFigures.heading());
                List<String> notes = new ArrayList<>();
                for (int k = 0; k < KINDS.size(); k++) {
                    long overflowsBefore = Memory.listenOverflows();
                    FetchFigures figures = runChild(KINDS.get(k), count);
                    long overflows = Memory.listenOverflows() - overflowsBefore;
                    byKind.get(k).add(figures);
                    System.out.println(figures.row());
                    if (overflowsBefore >= 0 && overflows > 0) {
                        notes.add(String.format("  %s: the kernel dropped %,d connections at a full listen queue (on"
                                + " this whole machine); they retried a second later.", figures.kind(), overflows));
                    }
                }
                notes.forEach(System.out::println);
            }
        } finally {
            killChildren();
        }
        if (runs > 1) {
            System.out.println();
            System.out.println("Medians of " + runs + " rounds:");
            System.out.println(FetchFigures.heading());
            byKind.forEach(figures -> System.out.println(medians(figures).row()));
        }
        explain(byKind, guesses);
    }

    private static void explain(List<List<FetchFigures>> byKind, List<Optional<String>> guesses) {
        FetchFigures virtual = byKind.get(0).getLast();
        System.out.println();
        System.out.println("  The JDK's own platform threads while every virtual fetch waited: " + virtual.jdkThreads());
        System.out.println("  The carriers run the virtual threads; the poller thread waits in epoll for their sockets.");
        System.out.println("  'thread stacks' counts platform threads only: a parked virtual thread keeps its few frames");
        System.out.println("  in the heap, and the loop's tasks are objects in the heap too.");
        for (int k = 0; k < KINDS.size(); k++) {
            FetchFigures last = byKind.get(k).getLast();
            if (!last.failure().isEmpty()) {
                System.out.println("  " + last.kind() + ": first failure: " + last.failure());
            }
            Prediction.printBeside(guesses.get(k), String.format("%s: %.2f s, peak RSS %s, %d platform threads"
                    + " started", last.kind(), last.millis() / 1000.0, FetchFigures.mib(last.peakRssKb()),
                    last.threadsStarted()));
        }
    }

    /** Starts a server in a child JVM and one child that fetches from it; returns the fetching child's figures. */
    private static FetchFigures runChild(String kind, int count) throws IOException, InterruptedException {
        Process server = start(List.of(), List.of(ServeHttp.class.getName(), Long.toString(DELAY.toMillis())));
        try {
            int port = serverPort(server);
            Process child = start(List.of("-XX:NativeMemoryTracking=summary"), List.of(FetchRun.class.getName(), kind,
                    Integer.toString(port), Integer.toString(count), Long.toString(DELAY.toMillis())));
            List<String> other = new ArrayList<>();
            FetchFigures figures = null;
            try (BufferedReader out = child.inputReader()) {
                String line;
                while ((line = out.readLine()) != null) {
                    Optional<FetchFigures> parsed = FetchFigures.parse(line);
                    if (parsed.isPresent()) {
                        figures = parsed.get();
                    } else if (other.size() < 20) {
                        other.add(line);
                    }
                }
            }
            if (!child.waitFor(CHILD_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                child.destroyForcibly().waitFor();
            }
            if (figures == null) {
                throw new IOException("The " + kind + " run printed no figures (exit code " + child.exitValue()
                        + "): " + String.join(" / ", other));
            }
            return figures;
        } finally {
            server.getOutputStream().close(); // end of input: the server stops
            if (!server.waitFor(5, TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor();
            }
        }
    }

    /** Reads the server child's "port N" line; its other output (slow-callback warnings) is dropped. */
    private static int serverPort(Process server) throws IOException {
        BufferedReader out = server.inputReader();
        String line = out.readLine();
        if (line == null || !line.startsWith("port ")) {
            throw new IOException("The server did not start: " + line);
        }
        Thread.ofPlatform().daemon().start(() -> {
            try {
                while (out.readLine() != null) {
                    // drain, so that the server never blocks on a full pipe
                }
            } catch (IOException ignored) {
                // the server has ended
            }
        });
        return Integer.parseInt(line.substring("port ".length()).strip());
    }

    /** Starts {@code java OPTIONS -cp <this class path> ARGS} with this JVM's java, standard error merged. */
    private static Process start(List<String> options, List<String> args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(javaLauncher().toString());
        command.addAll(options);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.addAll(args);
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        STARTED.add(child);
        return child;
    }

    /** The median of each figure over several rounds of one kind. */
    static FetchFigures medians(List<FetchFigures> rounds) {
        FetchFigures last = rounds.getLast();
        return new FetchFigures(last.kind(), last.count(),
                (int) FetchFigures.median(rounds.stream().map(f -> (long) f.ok()).toList()),
                (long) FetchFigures.median(rounds.stream().map(FetchFigures::millis).toList()),
                (long) FetchFigures.median(rounds.stream().map(FetchFigures::allSentMillis).toList()),
                (long) FetchFigures.median(rounds.stream().map(FetchFigures::peakRssKb).toList()),
                (long) FetchFigures.median(rounds.stream().map(FetchFigures::threadStacksKb).toList()),
                (long) FetchFigures.median(rounds.stream().map(FetchFigures::heapUsedKb).toList()),
                (long) FetchFigures.median(rounds.stream().map(FetchFigures::threadsStarted).toList()),
                (int) FetchFigures.median(rounds.stream().map(f -> (long) f.peakThreads()).toList()),
                last.jdkThreads(), last.failure());
    }

    /** How many files this process may open; the server holds one per connection. */
    private static int fileLimit() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof UnixOperatingSystemMXBean unix) {
            return (int) Math.min(Integer.MAX_VALUE, unix.getMaxFileDescriptorCount());
        }
        return MOST + SPARE_FILES;
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
