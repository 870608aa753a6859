package dev.tutor.lessons.waiting;

import dev.tutor.lessons.Prediction;
import dev.tutor.runtime.net.LoopbackServer;
import dev.tutor.runtime.net.ServerOptions;
import dev.tutor.runtime.net.SlowHttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * Lesson 1's demo: the four steps of fetch (I/O), format (CPU), join (CPU) and write (I/O), timed with
 * two clocks, the wall clock ({@link System#nanoTime()}) and the thread's CPU clock
 * ({@link ThreadMXBean#getCurrentThreadCpuTime()}), each step labelled by the lesson's rule: CPU-bound
 * when its CPU time is at least half its wall time, I/O-bound otherwise.
 *
 * <p>The bundled slow HTTP server runs in this JVM on loopback and answers every request after 300 ms,
 * or after the number of milliseconds given as the only argument ({@code tutor demo waiting 1000}). The
 * steps run twice: the first round pays for loading the classes each step needs, the second shows the
 * steps themselves. When a person is at the terminal, the demo asks for the lesson's three predictions
 * first and prints each beside what the second round measured. It takes
 * about two delays plus the JVM's start, and deletes its temporary file.
 *
 * <p>The lesson's {@code timed} listing prints each step as it ends; here {@link Round#timed} keeps the
 * readings and prints them after the round, so that printing does not land in the whole round's times.
 */
public final class FourStepsDemo {

    static final Duration DEFAULT_DELAY = Duration.ofMillis(300);
    /** The longest delay this demo accepts, so that it stays a few seconds long. */
    static final Duration MAX_DELAY = Duration.ofSeconds(10);
    /** Steps shorter than this are too short for the label to mean much: one pause by the scheduler flips it. */
    private static final long SHORT_NANOS = 1_000_000;

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private FourStepsDemo() {
    }

    public static void main(String[] args) throws IOException {
        Duration delay = delay(args);
        Path file = Files.createTempFile("tutor-four-steps-", ".txt");
        try (LoopbackServer server = SlowHttpServer.start(ServerOptions.defaults().withDelay(delay))) {
            URI page = URI.create("http://127.0.0.1:" + server.port() + "/page");
            System.out.println("Lesson 1: waiting is the problem. Four steps against the slow HTTP server at");
            System.out.println(page + ", which answers every request after " + delay.toMillis() + " ms:");
            System.out.println("fetch the page, format its headers, join them, write them to a file.");
            Optional<String> wallGuess = Prediction.ask("Which step will take most of the wall time?"
                    + " (fetch / format / join / write)");
            Optional<String> cpuGuess = Prediction.ask("Which step will take most of the CPU time?");
            Optional<String> ioGuess = Prediction.ask("Which steps will come out I/O-bound?");

            Round cold = runSteps(page, file);
            Round warm = runSteps(page, file);
            cold.print("First round: a cold JVM loads the classes each step needs as it first runs it");
            warm.print("Second round: the same steps again, classes loaded");

            System.out.println();
            System.out.println("* A step under 1 ms: one pause by the scheduler can flip its label.");
            Timing fetch = warm.step("fetch");
            Timing whole = warm.whole();
            System.out.printf(Locale.ROOT, "In the second round the fetch took %.1f%% of the wall time, and the"
                    + " thread ran on a CPU for %.1f ms of the %.1f ms.%n",
                    100.0 * fetch.wallNanos() / whole.wallNanos(), whole.cpuNanos() / 1e6, whole.wallNanos() / 1e6);
            Prediction.printBeside(wallGuess, warm.most("wall time", Timing::wallNanos));
            Prediction.printBeside(cpuGuess, warm.most("CPU time", Timing::cpuNanos));
            Prediction.printBeside(ioGuess, "I/O-bound: " + warm.ioBound());
            System.out.println("The write step stored " + Files.size(file) + " bytes in " + file
                    + " (deleted as the demo ends):");
            System.out.print(indent(Files.readString(file)));
            System.out.println("Run it with another delay, 'tutor demo waiting 1000', and see which numbers follow it.");
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** One round of the four steps and of the whole, as the lesson's listings write them. */
    static Round runSteps(URI page, Path file) {
        Round round = new Round();
        long wallStart = System.nanoTime();
        long cpuStart = THREADS.getCurrentThreadCpuTime();

        var headers = round.timed("fetch", () -> fetchHeaders(page));
        var lines = round.timed("format", () -> formatHeaders(headers));
        var text = round.timed("join", () -> String.join("\n", lines));
        round.timed("write", () -> writeText(file, text));

        long cpuNanos = THREADS.getCurrentThreadCpuTime() - cpuStart;
        long wallNanos = System.nanoTime() - wallStart;
        round.timings.add(new Timing("whole", wallNanos, cpuNanos));
        return round;
    }

    /** Step 1, I/O: asks the server for the page and waits for the reply. */
    static Map<String, List<String>> fetchHeaders(URI page) {
        try {
            HttpURLConnection connection = (HttpURLConnection) page.toURL().openConnection();
            connection.setConnectTimeout(5_000);
            connection.setReadTimeout(5_000 + (int) MAX_DELAY.toMillis());
            try (InputStream body = connection.getInputStream()) {   // waits for the reply
                body.readAllBytes();
            }
            return connection.getHeaderFields();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not fetch " + page, e);
        }
    }

    /** Step 2, CPU: one {@code Name: value} line per header value; the status line (name null) is no header. */
    static List<String> formatHeaders(Map<String, List<String>> headers) {
        List<String> lines = new ArrayList<>();
        headers.forEach((name, values) -> {
            if (name != null) {
                values.forEach(value -> lines.add(name + ": " + value));
            }
        });
        lines.sort(String.CASE_INSENSITIVE_ORDER);
        return lines;
    }

    /** Step 4, I/O: hands the text to the operating system for {@code file}. */
    static Path writeText(Path file, String text) {
        try {
            return Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write " + file, e);
        }
    }

    /** Lesson 1's rule: CPU-bound when the CPU time is at least half the wall time. */
    static String bound(long wallNanos, long cpuNanos) {
        return 2 * cpuNanos >= wallNanos ? "CPU-bound" : "I/O-bound";
    }

    /** One step's two readings. */
    record Timing(String step, long wallNanos, long cpuNanos) {
    }

    /** The timings of one round, in the order the steps ran, the whole last. */
    static final class Round {
        final List<Timing> timings = new ArrayList<>();

        /** Runs one step between two readings of both clocks, the wall clock outermost. */
        <T> T timed(String step, Supplier<T> work) {
            long wallStart = System.nanoTime();
            long cpuStart = THREADS.getCurrentThreadCpuTime();
            T result = work.get();
            long cpuNanos = THREADS.getCurrentThreadCpuTime() - cpuStart;
            long wallNanos = System.nanoTime() - wallStart;
            timings.add(new Timing(step, wallNanos, cpuNanos));
            return result;
        }

        Timing step(String name) {
            return timings.stream().filter(t -> t.step().equals(name)).findFirst().orElseThrow();
        }

        Timing whole() {
            return step("whole");
        }

        /** Which of the four steps has the most of {@code what}, and how much of the whole round's that is. */
        String most(String what, ToLongFunction<Timing> nanos) {
            Timing top = steps().stream().max(Comparator.comparingLong(nanos)).orElseThrow();
            return String.format(Locale.ROOT, "%s: %.3f ms of the round's %.3f ms of %s", top.step(),
                    nanos.applyAsLong(top) / 1e6, nanos.applyAsLong(whole()) / 1e6, what);
        }

        /** The steps the rule of one half labels I/O-bound, in the order they ran. */
        String ioBound() {
            List<String> names = steps().stream().filter(t -> bound(t.wallNanos(), t.cpuNanos()).equals("I/O-bound"))
                    .map(Timing::step).toList();
            return names.isEmpty() ? "none" : String.join(", ", names);
        }

        private List<Timing> steps() {
            return timings.stream().filter(t -> !t.step().equals("whole")).toList();
        }

        void print(String title) {
            System.out.println();
            System.out.println(title);
            System.out.printf(Locale.ROOT, "  %-7s %11s %11s %9s   %s%n", "step", "wall", "CPU", "CPU/wall", "label");
            for (Timing t : timings) {
                double share = t.wallNanos() > 0 ? 100.0 * t.cpuNanos() / t.wallNanos() : 0;
                String mark = t.wallNanos() < SHORT_NANOS ? " *" : "";
                System.out.printf(Locale.ROOT, "  %-7s %8.3f ms %8.3f ms %8.0f%%   %s%s%n", t.step(),
                        t.wallNanos() / 1e6, t.cpuNanos() / 1e6, share, bound(t.wallNanos(), t.cpuNanos()), mark);
            }
        }
    }

    private static Duration delay(String[] args) {
        if (args.length == 0) {
            return DEFAULT_DELAY;
        }
        try {
            Duration delay = Duration.ofMillis(Long.parseLong(args[0].strip()));
            if (!delay.isNegative() && delay.compareTo(MAX_DELAY) <= 0) {
                return delay;
            }
        } catch (NumberFormatException e) {
            // explained below
        }
        System.err.println("The argument is the server's delay in milliseconds, from 0 to " + MAX_DELAY.toMillis()
                + "; '" + args[0] + "' is not. For example: tutor demo waiting 1000");
        System.exit(2);
        return DEFAULT_DELAY;
    }

    private static String indent(String text) {
        StringBuilder indented = new StringBuilder();
        text.lines().forEach(line -> indented.append("  ").append(line).append('\n'));
        return indented.toString();
    }
}
