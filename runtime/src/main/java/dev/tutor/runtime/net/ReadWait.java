package dev.tutor.runtime.net;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A thread blocked in the kernel's {@code read}, as Linux shows it: the descriptor it reads. A Java stream over a
 * pipe (a child process's output, say) waits there, so what a thread is reading can be told while it waits.
 *
 * <p>x86-64 only (the {@code read} system call, number 0, its descriptor the first argument); elsewhere nothing is
 * seen.
 *
 * @param fd the descriptor the thread reads, one of this process's ({@code /proc/self/fd})
 */
public record ReadWait(int fd) {
    private static final int READ_ON_X86_64 = 0;

    /** The read the thread {@code task} ("PID/task/TID") is blocked in now; empty if none, or not seen here. */
    public static Optional<ReadWait> of(String task) {
        return SystemCall.of(task).flatMap(call -> from(call, System.getProperty("os.arch", "")));
    }

    /**
     * Whether the read the thread {@code task} ("PID/task/TID") may be blocked in can be seen here at all: an empty
     * {@link #of} then means it is in no read, not that nothing can be told.
     */
    public static boolean seenHere(String task) {
        return !task.isEmpty() && isX86(System.getProperty("os.arch", ""))
                && Files.isReadable(Path.of("/proc", task, "syscall"));
    }

    /** Reads a {@code syscall} file's line (see {@link SystemCall}) as a read on {@code arch}. */
    static Optional<ReadWait> parse(String line, String arch) {
        return SystemCall.parse(line).flatMap(call -> from(call, arch));
    }

    private static Optional<ReadWait> from(SystemCall call, String arch) {
        return isX86(arch) && call.number() == READ_ON_X86_64 ? Optional.of(new ReadWait(call.intArg(0))) : Optional.empty();
    }

    private static boolean isX86(String arch) {
        return arch.equals("amd64") || arch.equals("x86_64");
    }
}
