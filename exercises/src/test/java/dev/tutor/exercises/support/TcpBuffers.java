package dev.tutor.exercises.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * The sizes Linux allows a TCP socket's buffers, which bound how many bytes a loopback connection can hold
 * between a client that has stopped reading and its server. Tests that must tell "the server stopped taking
 * bytes" from "the kernel is still holding them" take their limits from here.
 *
 * <p>Read line by line on purpose: a sysctl file under /proc reports no size, and {@code Files.readString}
 * then returns only its first few bytes ("4" of "4096 131072 33554432"), which once made a limit of 80 MiB
 * into 16 MiB without a word.
 */
public final class TcpBuffers {
    /** Which of a setting's three figures: the least, the one a socket starts with, the most autotuning gives. */
    public enum Figure { LEAST, START, MOST }

    private TcpBuffers() {
    }

    /** A receive buffer's size ({@code tcp_rmem}) in bytes; empty where the kernel does not say (not Linux). */
    public static OptionalLong receive(Figure figure) {
        return read("tcp_rmem", figure);
    }

    /** A send buffer's size ({@code tcp_wmem}) in bytes; empty where the kernel does not say (not Linux). */
    public static OptionalLong send(Figure figure) {
        return read("tcp_wmem", figure);
    }

    private static OptionalLong read(String setting, Figure figure) {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/sys/net/ipv4", setting));
            String[] figures = lines.isEmpty() ? new String[0] : lines.get(0).trim().split("\\s+");
            return figures.length == Figure.values().length
                    ? OptionalLong.of(Long.parseLong(figures[figure.ordinal()]))
                    : OptionalLong.empty();
        } catch (IOException | RuntimeException notLinux) {
            return OptionalLong.empty();
        }
    }
}
