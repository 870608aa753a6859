package dev.tutor.runtime.net;

import java.util.Optional;

/**
 * A thread blocked in the kernel's {@code poll} with a time-out, as Linux shows it: how long the thread asked to
 * wait, from the moment it began. A Java socket with a time-out waits there: {@code connect(address, millis)}
 * and a read after {@code setSoTimeout(millis)} poll the socket for at most the time left, so the time-out a
 * learner's code gave a socket can be read while it waits, long before it runs out.
 *
 * <p>x86-64 only, where glibc's {@code poll()} is the {@code poll} system call (number 7, the time-out its third
 * argument); elsewhere it is {@code ppoll}, whose time-out lies in memory this does not read, and nothing is seen.
 *
 * @param timeoutMillis the time-out the thread asked for, in milliseconds; -1 for none
 */
public record PollWait(int timeoutMillis) {
    private static final int POLL_ON_X86_64 = 7;

    /** The poll the thread {@code task} ("PID/task/TID") is blocked in now; empty if none, or not seen here. */
    public static Optional<PollWait> of(String task) {
        return SystemCall.of(task).flatMap(call -> from(call, System.getProperty("os.arch", "")));
    }

    /** Reads a {@code syscall} file's line (see {@link SystemCall}) as a poll on {@code arch}. */
    static Optional<PollWait> parse(String line, String arch) {
        return SystemCall.parse(line).flatMap(call -> from(call, arch));
    }

    private static Optional<PollWait> from(SystemCall call, String arch) {
        boolean x86 = arch.equals("amd64") || arch.equals("x86_64");
        return x86 && call.number() == POLL_ON_X86_64 ? Optional.of(new PollWait(call.intArg(2))) : Optional.empty();
    }
}
