package dev.tutor.exercises.processes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Finds a worker stuck writing to its standard error because that is a pipe nobody reads, in about a second
 * rather than at the end of a long wait. Linux only: it reads where a process sleeps ({@code /proc/PID/wchan}),
 * what its descriptor 2 is, and how many bytes it has written ({@code /proc/PID/io}); elsewhere it never finds
 * one, and the caller's own time limit applies.
 */
final class BlockedWriters {
    /** How long a worker must sit in a write to a pipe, writing nothing more, to count as stuck. */
    static final long STUCK_MS = 1_000;

    private record Seen(long written, long sinceNanos) {
    }

    private final Map<Long, Seen> blocked = new HashMap<>();
    private String found;
    private final String ownStandardError = link(Path.of("/proc/self/fd/2")).orElse("");

    /**
     * Looks at {@code pids} once; returns a description of one stuck for {@link #STUCK_MS}, if any. A pipe this
     * JVM's own standard error shares is read by the tutor, and never counts.
     */
    Optional<String> look(Collection<Long> pids) {
        long now = System.nanoTime();
        for (long pid : pids) {
            Optional<String> err = link(Path.of("/proc", Long.toString(pid), "fd", "2"));
            Optional<Long> written = written(pid);
            boolean writingToAPipe = read(Path.of("/proc", Long.toString(pid), "wchan")).contains("pipe_write")
                    && err.filter(e -> e.startsWith("pipe:") && !e.equals(ownStandardError)).isPresent();
            if (!writingToAPipe || written.isEmpty()) {
                blocked.remove(pid);
                continue;
            }
            Seen seen = blocked.get(pid);
            if (seen == null || seen.written() != written.get()) {
                blocked.put(pid, new Seen(written.get(), now));
            } else if (now - seen.sinceNanos() >= STUCK_MS * 1_000_000) {
                found = "worker " + pid + " had been waiting " + STUCK_MS + " ms to write to its standard"
                        + " error, a pipe (" + err.get() + "), after writing " + written.get() + " bytes, and nothing"
                        + " read from that pipe meanwhile";
                return found();
            }
        }
        return Optional.empty();
    }

    /** What {@link #look} last found stuck, if anything. */
    Optional<String> found() {
        return Optional.ofNullable(found);
    }

    private static Optional<Long> written(long pid) {
        for (String line : read(Path.of("/proc", Long.toString(pid), "io")).split("\n")) {
            if (line.startsWith("wchar:")) {
                return Optional.of(Long.parseLong(line.substring("wchar:".length()).strip()));
            }
        }
        return Optional.empty();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static Optional<String> link(Path file) {
        try {
            return Optional.of(Files.readSymbolicLink(file).toString());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
