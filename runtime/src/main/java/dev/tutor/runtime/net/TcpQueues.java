package dev.tutor.runtime.net;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The bytes a TCP connection's kernel buffers hold at one end, as Linux lists them in {@code /proc/net/tcp}:
 * what tests need to tell how much of what a server wrote is still in the kernel rather than in the server's
 * own queue.
 *
 * <p>Nothing is read elsewhere: every method is empty where {@code /proc/net/tcp} does not exist.
 */
public final class TcpQueues {
    private static final Path NET = Path.of("/proc/net");

    /**
     * One end's queues.
     *
     * @param sending   bytes written at this end and not yet acknowledged by the other (sent or still to send)
     * @param receiving bytes that arrived at this end and have not been read
     */
    public record Queued(long sending, long receiving) {
    }

    private TcpQueues() {
    }

    /** Both ends of one loopback connection, as seen from the end that {@code a} names. */
    public record Connection(Queued a, Queued b) {
        /** Every byte the kernel holds for this connection, at both ends. */
        public long inKernel() {
            return a.sending() + a.receiving() + b.sending() + b.receiving();
        }
    }

    /** Whether the queues can be read here (Linux). */
    public static boolean available() {
        return Files.isReadable(NET.resolve("tcp"));
    }

    /**
     * Both ends of the loopback connection between ports {@code portA} and {@code portB}, read in one look;
     * empty where they cannot be read or either end is gone.
     */
    public static Optional<Connection> between(int portA, int portB) {
        return between(NET, portA, portB);
    }

    static Optional<Connection> between(Path net, int portA, int portB) {
        try {
            TcpTable table = TcpTable.withPorts(net, portA, portB);
            Optional<TcpTable.Row> a = table.find(portA, portB);
            Optional<TcpTable.Row> b = table.find(portB, portA);
            return a.isEmpty() || b.isEmpty() ? Optional.empty() : Optional.of(new Connection(
                    new Queued(a.get().sending(), a.get().receiving()),
                    new Queued(b.get().sending(), b.get().receiving())));
        } catch (IOException unreadable) {
            return Optional.empty();
        }
    }
}
