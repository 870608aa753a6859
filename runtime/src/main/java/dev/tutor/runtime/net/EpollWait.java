package dev.tutor.runtime.net;

import java.util.Optional;

/**
 * A thread blocked in the kernel waiting on an epoll instance, as Linux shows it: which instance, and for how
 * long the thread asked to wait. A Java {@code Selector.select()} on Linux is an {@code epoll_wait} on the
 * selector's instance with no time-out (-1); {@code select(200)} waits 200 ms; {@code selectNow()} does not
 * block at all.
 *
 * <p>Why it exists: a test of an event loop needs to know that the loop waits for the next event rather than
 * coming round for nothing. Watching the thread's CPU clock for a while shows that, slowly; the kernel says it
 * at once. {@code /proc/<pid>/task/<tid>/syscall} holds the system call a thread is blocked in and its
 * arguments ({@code 232 0x5 0x7f.. 0x400 0xffffffff ...}: epoll_wait on descriptor 5, -1 ms), readable by the
 * process's own threads without privileges (proc(5)).
 *
 * @param epfd          the epoll instance's descriptor
 * @param timeoutMillis the time-out the thread asked for, in milliseconds; -1 for none
 */
public record EpollWait(int epfd, int timeoutMillis) {

    /**
     * Whether only an event (or a wake-up) can end this wait: it was asked with no time-out, or with the longest
     * one there is, Integer.MAX_VALUE ms (about 25 days), which is what Java's {@code select(timeout)} makes of
     * any longer one.
     */
    public boolean withoutTimeOut() {
        return timeoutMillis < 0 || timeoutMillis == Integer.MAX_VALUE;
    }

    /**
     * The epoll wait the thread {@code task} ("PID/task/TID", as {@code /proc/thread-self} names it) is
     * blocked in now; empty if it is in no such wait, has ended, or this is not Linux on x86-64 or AArch64.
     */
    public static Optional<EpollWait> of(String task) {
        return SystemCall.of(task).flatMap(call -> from(call, System.getProperty("os.arch", "")));
    }

    /** Reads a {@code syscall} file's line (see {@link SystemCall}) as an epoll wait on {@code arch}. */
    static Optional<EpollWait> parse(String line, String arch) {
        return SystemCall.parse(line).flatMap(call -> from(call, arch));
    }

    private static Optional<EpollWait> from(SystemCall call, String arch) {
        return isEpollWait(call.number(), arch)
                ? Optional.of(new EpollWait(call.intArg(0), call.intArg(3)))
                : Optional.empty();
    }

    /** epoll_wait and epoll_pwait, whose fourth argument is the time-out in milliseconds (not epoll_pwait2's). */
    private static boolean isEpollWait(int call, String arch) {
        return switch (arch) {
            case "amd64", "x86_64" -> call == 232 || call == 281;
            case "aarch64" -> call == 22; // AArch64 has no epoll_wait, only epoll_pwait
            default -> false;
        };
    }
}
