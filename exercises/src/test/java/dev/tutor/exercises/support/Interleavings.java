package dev.tutor.exercises.support;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jetbrains.lincheck.Lincheck;
import org.jetbrains.lincheck.LincheckAssertionError;
import org.opentest4j.AssertionFailedError;

/**
 * Runs a scenario of threads under Lincheck's model checker, which takes control of the scheduler and
 * tries the interleavings one by one, so that a race whose window is a few nanoseconds fails on every
 * run instead of once in ten thousand. When one breaks the scenario, the failure says what the scenario
 * saw and lists the schedule that did it, cut down to the lines of the learner's classes.
 *
 * <p>Not a test itself. Two rules keep the exploration honest (each a silent pass when broken, seen on
 * JDK 25): the object under test must be reachable from a static field before threads share it, which
 * {@link #explore} does; and the supplier must be a lambda ({@code () -> new Counter()}), not a
 * constructor reference. Every test that uses this must be proven by the build to fail on a racy answer.
 */
public final class Interleavings {
    /**
     * Set to {@code stress} to run each scenario as many times on real threads instead of exploring: for
     * mutation testing (PIT's coverage probes are fields Lincheck cannot follow), never for grading.
     */
    public static final String MODE_PROPERTY = "tutor.interleavings";

    /** Where the object under test is published, so that Lincheck sees it shared between threads. */
    @SuppressWarnings("unused")
    private static Object published;

    private Interleavings() {
    }

    /**
     * Explores up to {@code schedules} interleavings of {@code scenario}, each on a fresh object from
     * {@code create}. The scenario starts its threads, joins them, and asserts what must hold.
     *
     * @throws AssertionFailedError with what the scenario saw and the schedule that broke it
     */
    public static <T> void explore(int schedules, Supplier<T> create, Consumer<T> scenario) {
        if ("stress".equals(System.getProperty(MODE_PROPERTY))) {
            for (int run = 0; run < schedules; run++) {
                scenario.accept(create.get());
            }
            return;
        }
        try {
            Lincheck.runConcurrentTest(schedules, () -> {
                T underTest = create.get();
                published = underTest;
                scenario.accept(underTest);
            });
        } catch (LincheckAssertionError e) {
            throw new AssertionFailedError(describe(String.valueOf(e.getMessage())));
        } finally {
            published = null;
        }
    }

    /**
     * Runs two actions on two new threads, as a scenario does, and waits for both. An assertion that fails
     * on either thread fails the scenario as it is; anything else either throws fails it with
     * "{@code whatMustNotFail} must not fail".
     */
    public static void runTogether(String whatMustNotFail, Runnable first, Runnable second) {
        Throwable[] thrown = new Throwable[2];
        Thread one = new Thread(() -> {
            try {
                first.run();
            } catch (RuntimeException | Error e) {
                thrown[0] = e;
            }
        });
        Thread two = new Thread(() -> {
            try {
                second.run();
            } catch (RuntimeException | Error e) {
                thrown[1] = e;
            }
        });
        one.start();
        two.start();
        try {
            one.join();
            two.join();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        for (Throwable t : thrown) {
            if (t instanceof AssertionError assertion) {
                throw assertion;
            }
            if (t != null) {
                throw new AssertionFailedError(whatMustNotFail + " must not fail, but it threw " + t + ".");
            }
        }
    }

    /** What the scenario saw, then the schedule cut to the learner's lines. */
    static String describe(String lincheckReport) {
        String seen = failureMessage(lincheckReport);
        List<String> schedule = schedule(lincheckReport);
        if (schedule.isEmpty()) {
            return seen;
        }
        return seen + "\nOne schedule that does it (main is the test's thread, T1, T2, ... the threads it"
                + " started; the lines are yours):\n" + String.join("\n", schedule);
    }

    /** The message of the exception that ended the failing interleaving, without its class or stack. */
    static String failureMessage(String report) {
        String[] lines = report.split("\n");
        int i = 0;
        while (i < lines.length && !lines[i].contains("= Concurrent test failed =")) {
            i++;
        }
        i++;
        while (i < lines.length && lines[i].isBlank()) {
            i++;
        }
        StringBuilder message = new StringBuilder();
        for (; i < lines.length && !lines[i].startsWith("\tat ") && !lines[i].startsWith("The following"); i++) {
            message.append(message.length() == 0 ? "" : "\n").append(lines[i]);
        }
        String text = message.toString().strip();
        for (String prefix : List.of("org.opentest4j.AssertionFailedError: ", "java.lang.AssertionError: ")) {
            if (text.startsWith(prefix)) {
                return text.substring(prefix.length());
            }
        }
        return text.isEmpty() ? "An interleaving of the threads broke the test." : "It threw " + text;
    }

    /**
     * The rows of Lincheck's detailed trace that happen in the learner's classes (not in a test or in
     * this package), each as {@code T1  RefCounted.java:31  count.get(): 0}, with a marker where the
     * scheduler switched threads between two of them.
     */
    static List<String> schedule(String report) {
        int start = report.indexOf("Detailed trace:");
        String table = start >= 0 ? report.substring(start) : report;
        List<String[]> steps = new ArrayList<>();
        for (String row : table.split("\n")) {
            if (!row.startsWith("|") || row.startsWith("| -")) {
                continue;
            }
            String[] cells = row.substring(1).split("\\|", -1);
            for (int column = 0; column < cells.length; column++) {
                String cell = cells[column].strip();
                int at = cell.lastIndexOf(" at ");
                if (at < 0 || cell.contains(".<init>(")) {
                    continue;
                }
                String where = cell.substring(at + 4);
                int open = where.lastIndexOf('(');
                int close = where.lastIndexOf(')');
                if (open < 0 || close < open) {
                    continue;
                }
                String file = where.substring(open + 1, close);
                if (file.contains("Test.java") || isSupport(where)) {
                    continue;
                }
                steps.add(new String[] {column == 0 ? "main" : "T" + column, file, cell.substring(0, at).strip()});
            }
        }
        int fileWidth = steps.stream().mapToInt(step -> step[1].length()).max().orElse(0);
        List<String> out = new ArrayList<>();
        String lastThread = null;
        for (String[] step : steps) {
            if (lastThread != null && !lastThread.equals(step[0])) {
                out.add("        -- switch to " + step[0] + " --");
            }
            lastThread = step[0];
            out.add("  " + String.format("%-4s  %-" + fileWidth + "s  %s", step[0], step[1], step[2]));
        }
        return out;
    }

    private static boolean isSupport(String where) {
        return where.startsWith("Interleavings.") || where.startsWith("Seeded.");
    }
}
