package dev.tutor.exercises.threadsio;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Test support for lesson 6's fetch exercises: every thread of the test JVM, virtual ones included, with its
 * stack, for the tests that count the threads a client started.
 *
 * <p>{@link Thread#getAllStackTraces()} and the thread MXBean list platform threads only, so a client that
 * runs each page on a virtual thread would look as if it used none. The JVM's own thread dump
 * ({@link HotSpotDiagnosticMXBean#dumpThreads}) lists the virtual threads as well, parked or not; it is
 * written to a file, read back here and deleted.
 */
final class AllThreads {

    private AllThreads() {
    }

    /** One thread of the dump: its name, whether it is virtual, and its stack's frames as the dump writes them. */
    record Dumped(long id, String name, boolean virtual, List<String> frames) {
        /** Whether a frame of {@code type}, or of a class written inside it (a lambda's, say), is on the stack. */
        boolean runs(Class<?> type) {
            for (String frame : frames) {
                int paren = frame.indexOf('(');
                String method = paren < 0 ? frame : frame.substring(0, paren);
                int at = method.indexOf(type.getName());
                int after = at + type.getName().length();
                if (at >= 0 && (at == 0 || method.charAt(at - 1) == '/') && after < method.length()
                        && (method.charAt(after) == '.' || method.charAt(after) == '$')) {
                    return true;
                }
            }
            return false;
        }
    }

    /** The threads alive now, from a thread dump in the plain text format. */
    static List<Dumped> now() {
        try {
            Path dir = Files.createTempDirectory("threads");
            Path file = dir.resolve("dump.txt");   // dumpThreads refuses a file that exists
            try {
                ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                        .dumpThreads(file.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.TEXT_PLAIN);
                return parse(Files.readAllLines(file));
            } finally {
                Files.deleteIfExists(file);
                Files.deleteIfExists(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not take a thread dump", e);
        }
    }

    /**
     * Each thread is a header line, {@code #25 "name" virtual WAITING 2026-...} ("virtual" only for a virtual
     * thread), followed by its frames, {@code     at java.base/java.lang.Thread.run(Thread.java:1474)}.
     */
    private static List<Dumped> parse(List<String> lines) {
        List<Dumped> threads = new ArrayList<>();
        long id = -1;
        String name = null;
        boolean virtual = false;
        List<String> frames = new ArrayList<>();
        for (String line : lines) {
            if (line.startsWith("#")) {
                if (name != null) {
                    threads.add(new Dumped(id, name, virtual, frames));
                }
                int open = line.indexOf('"');
                int close = line.lastIndexOf('"');
                id = Long.parseLong(line.substring(1, line.indexOf(' ')));
                name = open < close ? line.substring(open + 1, close) : "";
                virtual = line.substring(close + 1).trim().startsWith("virtual");
                frames = new ArrayList<>();
            } else if (name != null && line.trim().startsWith("at ")) {
                frames.add(line.trim().substring(3));
            }
        }
        if (name != null) {
            threads.add(new Dumped(id, name, virtual, frames));
        }
        return threads;
    }
}
