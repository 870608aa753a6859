package dev.tutor.exercises.support;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the virtual threads that run a learner's class, which {@link Thread#getAllStackTraces()} does not list
 * (it lists platform threads only): from a thread dump, which does. Not a test itself.
 */
public final class VirtualThreads {
    /** A virtual thread's first line in a plain thread dump: {@code #31 "its name" virtual ...}. */
    private static final Pattern VIRTUAL_THREAD = Pattern.compile("#\\d+ \"(.*)\" virtual\\b");

    private VirtualThreads() {
    }

    /**
     * The names of the virtual threads alive now with a frame of {@code owner} (or of a class nested in it) on
     * their stacks; empty when the dump cannot be taken.
     */
    public static Optional<List<String>> running(Class<?> owner) {
        Pattern frame = Pattern.compile(Pattern.quote(owner.getName()) + "[.$]");
        Path file = null;
        try {
            file = Files.createTempFile("threads", ".txt");
            Files.delete(file); // the dump is written to a file that does not exist yet
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .dumpThreads(file.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.TEXT_PLAIN);
            // One block per thread, its first line #<id> "<name>" followed by "virtual" for a virtual thread.
            List<String> names = new ArrayList<>();
            for (String block : Files.readString(file).split("\\R\\s*\\R")) {
                Matcher header = VIRTUAL_THREAD.matcher(block.strip());
                if (header.lookingAt() && frame.matcher(block).find()) {
                    names.add(header.group(1).isEmpty() ? "(no name)" : header.group(1));
                }
            }
            return Optional.of(names);
        } catch (IOException | RuntimeException cannotDump) {
            return Optional.empty();
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    // a file in the temporary folder
                }
            }
        }
    }
}
