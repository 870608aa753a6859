package dev.tutor.runtime.net;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The name Linux gives the calling thread under {@code /proc}, "PID/task/TID", which {@link EpollWait},
 * {@link PollWait} and {@link ReadWait} take to look at that thread later from another one. A thread must ask for
 * its own name: Java does not tell one thread's kernel id to another.
 */
public final class NativeTask {
    private NativeTask() {
    }

    /** The calling thread's name under {@code /proc}; empty where there is no {@code /proc/thread-self}. */
    public static Optional<String> current() {
        try {
            return Optional.of(Files.readSymbolicLink(Path.of("/proc/thread-self")).toString());
        } catch (IOException | RuntimeException notLinux) {
            return Optional.empty();
        }
    }
}
