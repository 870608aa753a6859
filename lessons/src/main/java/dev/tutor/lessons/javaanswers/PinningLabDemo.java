package dev.tutor.lessons.javaanswers;

import dev.tutor.lessons.Prediction;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lesson 12's third demo, the pinning lab: the same code, virtual threads that block inside
 * {@code synchronized} and inside a class initializer, run in a child JVM ({@link PinningLabChild}) on
 * every JDK 21 or later this machine has, each limited to two carriers
 * ({@code -Djdk.virtualThreadScheduler.parallelism=2}), with the JFR event {@code jdk.VirtualThreadPinned}
 * streamed live from inside the child and printed as it arrives.
 *
 * <p>Bounded: at most {@link #MOST_JDKS} JDKs, four threads per scene, each child killed after
 * {@link #CHILD_LIMIT_SECONDS}. The slow server runs in a child JVM of its own on a loopback port the
 * system picks. About five seconds per JDK.
 */
public final class PinningLabDemo {

    private static final int MOST_JDKS = 6;
    private static final int CHILD_LIMIT_SECONDS = 60;
    private static final int DELAY_MS = 200;
    private static final int FIRST_WITH_VIRTUAL_THREADS = 21;
    private static final int FIRST_WITHOUT_MONITOR_PINNING = 24;
    /** JDK-8318422 (JDK 22) brought jdk.pollerMode; on Linux, JDK 25 defaults to virtual sub-pollers. */
    private static final int FIRST_WITH_POLLER_MODE = 22;
    /** A scene's line from the child: "[+1.70 s] synchronized: fetch ... 4 threads took  226 ms". */
    private static final Pattern SCENE = Pattern.compile("\\] ([a-z ]+): .* took\\s+(\\d+) ms");
    private static final List<Process> STARTED = new CopyOnWriteArrayList<>();

    private PinningLabDemo() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        Runtime.getRuntime().addShutdownHook(new Thread(PinningLabDemo::killChildren, "kill-children"));
        System.out.println("The pinning lab: " + PinningLabChild.THREADS + " virtual threads per scene, two carriers,"
                + " each thread fetching a page the server answers after " + DELAY_MS + " ms.");
        List<Jdks.Jdk> usable = new ArrayList<>();
        for (Jdks.Jdk jdk : Jdks.installed()) {
            boolean old = jdk.feature() < FIRST_WITH_VIRTUAL_THREADS;
            System.out.printf("  JDK %-8s %s%s%n", jdk.version(), jdk.home(),
                    old ? "  (too old: virtual threads came in JDK 21)" : "");
            if (!old && usable.size() < MOST_JDKS) {
                usable.add(jdk);
            }
        }
        Optional<String> guess = Prediction.ask("With two carriers, four threads that each wait 200 ms take one round"
                + " if waiting frees the carrier, two if it pins it. How long will the synchronized scene take, and"
                + " which scene still pins on a JDK 24 or later?");
        Process server = start(Path.of(System.getProperty("java.home")), List.of(),
                List.of(ServeHttp.class.getName(), Integer.toString(DELAY_MS)));
        List<String> summary = new ArrayList<>();
        try {
            String port = serverPort(server);
            for (Jdks.Jdk jdk : usable) {
                System.out.println();
                System.out.println("JDK " + jdk.version() + ":");
                summary.add(jdk.version() + ": " + runChild(jdk, port, List.of()));
                if (jdk.feature() >= FIRST_WITH_POLLER_MODE && isLinux()) {
                    System.out.println();
                    System.out.println("JDK " + jdk.version() + " again, with its pollers on platform threads as on JDK 21"
                            + " (-Djdk.pollerMode=1, an internal switch):");
                    summary.add(jdk.version() + " with platform pollers: "
                            + runChild(jdk, port, List.of("-Djdk.pollerMode=1")));
                }
            }
        } finally {
            server.getOutputStream().close();
            if (!server.waitFor(5, TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor();
            }
            killChildren();
        }
        System.out.println();
        if (usable.stream().noneMatch(jdk -> jdk.feature() < FIRST_WITHOUT_MONITOR_PINNING)) {
            System.out.println("No JDK 21 to 23 here. On those, the synchronized scene pins as well. On JDK 21, whose"
                    + " pollers are");
            System.out.println("platform threads, four fetches on two carriers then take two rounds, about " + 2 * DELAY_MS
                    + " ms, as the class");
            System.out.println("initializers do above with -Djdk.pollerMode=1; on JDK 22 and 23 on Linux they wait for"
                    + " their time-outs.");
            System.out.println("JEP 491 (JDK 24) lets a virtual thread leave its carrier while it holds a monitor.");
        }
        System.out.println("A class initializer still pins after JEP 491: the JVM runs it with a frame of its own on"
                + " the stack.");
        System.out.println("Where the pollers are virtual threads, pinning every carrier also stops the poller that"
                + " would wake");
        System.out.println("the pinned threads: their reads end only at their time-out ("
                + PinningLabChild.PINNED_READ_TIMEOUT.toSeconds() + " s here), one round after another.");
        Prediction.printBeside(guess, String.join("; ", summary));
    }

    /**
     * Runs the lab's child on {@code jdk} with two carriers, prints its lines as they come, and returns the
     * scenes' times in a few words.
     */
    private static String runChild(Jdks.Jdk jdk, String port, List<String> moreOptions)
            throws IOException, InterruptedException {
        List<String> times = new ArrayList<>();
        List<String> options = new ArrayList<>(List.of("-Djdk.virtualThreadScheduler.parallelism=2"));
        options.addAll(moreOptions);
        Process child = start(jdk.home(), options,
                List.of(PinningLabChild.class.getName(), port, Integer.toString(DELAY_MS)));
        try (BufferedReader out = child.inputReader()) {
            String line;
            while ((line = out.readLine()) != null) {
                System.out.println("  " + line);                  // as it comes: the events are live
                sceneTime(line).ifPresent(times::add);
            }
        }
        if (!child.waitFor(CHILD_LIMIT_SECONDS, TimeUnit.SECONDS)) {
            child.destroyForcibly().waitFor();
            System.out.println("  (stopped after " + CHILD_LIMIT_SECONDS + " s)");
        }
        return times.isEmpty() ? "no scene finished" : String.join(", ", times);
    }

    /** "synchronized 251 ms" from a child's scene line, empty for any other line. */
    static Optional<String> sceneTime(String line) {
        Matcher matcher = SCENE.matcher(line);
        return matcher.find() ? Optional.of(matcher.group(1) + " " + matcher.group(2) + " ms") : Optional.empty();
    }

    private static boolean isLinux() {
        return System.getProperty("os.name", "").startsWith("Linux");
    }

    private static String serverPort(Process server) throws IOException {
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
        return line.substring("port ".length()).strip();
    }

    /** Starts {@code JDK/bin/java OPTIONS -cp <this class path> ARGS}, standard error merged. */
    private static Process start(Path jdk, List<String> options, List<String> args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(jdk.resolve("bin").resolve("java").toString());
        command.addAll(options);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.addAll(args);
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        STARTED.add(child);
        return child;
    }

    private static void killChildren() {
        for (Process child : STARTED) {
            if (child.isAlive()) {
                child.destroyForcibly();
            }
        }
    }
}
