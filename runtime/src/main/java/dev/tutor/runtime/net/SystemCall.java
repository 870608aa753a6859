package dev.tutor.runtime.net;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The system call a thread is blocked in, as Linux shows it in {@code /proc/<pid>/task/<tid>/syscall}
 * (proc(5)): the call's number, then its six arguments in hexadecimal, readable by the process's own threads
 * without privileges. Kept to what {@link EpollWait} and {@link PollWait} read from it.
 *
 * @param number the call's number, which depends on the architecture
 * @param args   its arguments, as the kernel holds them
 */
record SystemCall(int number, long[] args) {

    /** The call the thread {@code task} ("PID/task/TID") is blocked in; empty if none or unreadable. */
    static Optional<SystemCall> of(String task) {
        try {
            return parse(Files.readString(Path.of("/proc", task, "syscall")));
        } catch (IOException | RuntimeException unreadable) {
            return Optional.empty();
        }
    }

    /** Reads a {@code syscall} file's line; "running" or "-1 ..." is a thread in no system call. */
    static Optional<SystemCall> parse(String line) {
        String[] fields = line.trim().split("\\s+");
        if (fields.length < 7 || !fields[0].matches("\\d+")) {
            return Optional.empty();
        }
        long[] args = new long[6];
        for (int i = 0; i < args.length; i++) {
            String hex = fields[i + 1];
            args[i] = Long.parseUnsignedLong(hex.startsWith("0x") ? hex.substring(2) : hex, 16);
        }
        return Optional.of(new SystemCall(Integer.parseInt(fields[0]), args));
    }

    /** Argument {@code i} as a C int, as a time-out or a descriptor is: -1 shows as 0xffffffff or sign-extended. */
    int intArg(int i) {
        return (int) args[i];
    }
}
