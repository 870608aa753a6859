package dev.tutor.exercises.processes;

import dev.tutor.runtime.net.ReadWait;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds a worker stuck writing to its standard error because that is a pipe nobody reads, in about a second
 * rather than at the end of a long wait, and sooner where nobody can read it: every worker stuck so for
 * {@link #ALL_STUCK_MS} while the calling thread, alone, reads another pipe or waits for a worker to end (its
 * own system call says which pipe it reads, on x86-64). Linux only: it reads where a process sleeps
 * ({@code /proc/PID/wchan}), what its descriptor 2 is, and how many bytes it has written ({@code /proc/PID/io});
 * elsewhere it never finds one, and the caller's own time limit applies.
 */
final class BlockedWriters {
    /** How long a worker must sit in a write to a pipe, writing nothing more, to count as stuck. */
    static final long STUCK_MS = 1_000;
    /** How long every worker must sit so while the caller can read none of their pipes. */
    static final long ALL_STUCK_MS = 100;

    private record Seen(long written, long sinceNanos, String pipe) {
    }

    private final Map<Long, Seen> blocked = new HashMap<>();
    private String found;
    private final String ownStandardError = link(Path.of("/proc/self/fd/2")).orElse("");

    /**
     * Looks at {@code pids} once; returns a description of one stuck for {@link #STUCK_MS}, if any. A pipe this
     * JVM's own standard error shares is read by the tutor, and never counts. It also finds every worker of
     * {@code pids} that is alive stuck so for {@link #ALL_STUCK_MS} while {@code caller} (whose {@code /proc} task
     * is {@code callerTask}), {@code alone} of the learner's threads, waits for a worker to end or reads a pipe that
     * is none of theirs: nobody can then read those pipes, so no worker will ever answer.
     */
    Optional<String> look(Collection<Long> pids, Thread caller, String callerTask, boolean alone) {
        long now = System.nanoTime();
        Map<Long, Seen> stuck = new HashMap<>();
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
                blocked.put(pid, new Seen(written.get(), now, err.get()));
            } else if (now - seen.sinceNanos() >= STUCK_MS * 1_000_000) {
                found = "worker " + pid + " had been waiting " + STUCK_MS + " ms to write to its standard"
                        + " error, a pipe (" + err.get() + "), after writing " + written.get() + " bytes, and nothing"
                        + " read from that pipe meanwhile";
                return found();
            } else {
                stuck.put(pid, seen);
            }
        }
        if (alone && !stuck.isEmpty() && stuck.size() == alive(pids)
                && stuck.values().stream().allMatch(seen -> now - seen.sinceNanos() >= ALL_STUCK_MS * 1_000_000)) {
            Optional<String> elsewhere = waitsElsewhere(caller, callerTask, stuck.values().stream().map(Seen::pipe)
                    .toList());
            if (elsewhere.isPresent()) {
                found = "every worker (" + stuck.size() + ") had been waiting at least " + ALL_STUCK_MS + " ms to write"
                        + " to its standard error, a pipe, nothing read from it, while the thread that called it, alone,"
                        + " " + elsewhere.get() + ": nobody was left to read those pipes";
                return found();
            }
        }
        return Optional.empty();
    }

    private static long alive(Collection<Long> pids) {
        return pids.stream().filter(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).count();
    }

    /**
     * What the caller is doing, if it is a wait that none of those {@code pipes} can end: waiting, with no time
     * limit, for a process to end, or in the system's read of a pipe that is none of them. Empty otherwise, or
     * where its system call cannot be read.
     */
    private static Optional<String> waitsElsewhere(Thread caller, String task, List<String> pipes) {
        StackTraceElement[] stack = caller.getStackTrace();
        if (caller.getState() == Thread.State.WAITING && Stream.of(stack).anyMatch(f
                -> f.getClassName().startsWith("java.lang.Process") && f.getMethodName().equals("waitFor"))) {
            return Optional.of("was waiting for a worker to end");
        }
        if (task.isEmpty() || !SplitterCalls.readsAPipe(stack)) {
            return Optional.empty();
        }
        return ReadWait.of(task).flatMap(read -> link(Path.of("/proc/self/fd", Integer.toString(read.fd()))))
                .filter(p -> p.startsWith("pipe:") && !pipes.contains(p))
                .map(p -> "was reading another pipe (" + p + ", a worker's standard output)");
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

    /** Where the symbolic link {@code file} points ("pipe:[123]" for a pipe's descriptor); empty if unreadable. */
    static Optional<String> link(Path file) {
        try {
            return Optional.of(Files.readSymbolicLink(file).toString());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
