package dev.tutor.runtime.net;

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

    /** Reads a {@code syscall} file's line (see {@link SystemCall}) as a read on {@code arch}. */
    static Optional<ReadWait> parse(String line, String arch) {
        return SystemCall.parse(line).flatMap(call -> from(call, arch));
    }

    private static Optional<ReadWait> from(SystemCall call, String arch) {
        boolean x86 = arch.equals("amd64") || arch.equals("x86_64");
        return x86 && call.number() == READ_ON_X86_64 ? Optional.of(new ReadWait(call.intArg(0))) : Optional.empty();
    }
}
