package dev.tutor.runtime.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Predicate;

/**
 * The TCP sockets of this network namespace as Linux lists them in {@code /proc/net/tcp} and {@code tcp6},
 * found by inode: the number that {@code /proc/self/fd/N -> socket:[inode]} gives a socket descriptor.
 *
 * <p>Each row shows addresses as hex words in the host's byte order ({@code 0100007F:9BF3} is
 * 127.0.0.1:39923 on a little-endian machine), the state as a hex code ({@code 0A} is LISTEN), and the bytes
 * in the socket's queues as two hex numbers. Read once, when first asked; used by {@link EpollInterest} and
 * {@link TcpQueues}.
 */
final class TcpTable {

    /**
     * A socket's addresses, state and queues; {@code remote} is null when the socket is not connected.
     *
     * @param sending   bytes written and not yet acknowledged by the peer (tx_queue)
     * @param receiving bytes received and not yet read (rx_queue)
     */
    record Row(InetSocketAddress local, InetSocketAddress remote, String state, long sending, long receiving) {
    }

    /** The kernel's TCP states by their code, from include/net/tcp_states.h. */
    private static final List<String> STATES = List.of("?", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1",
            "FIN_WAIT2", "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING", "NEW_SYN_RECV");

    private final Path net;
    /** Which raw rows are worth parsing: all of them, or those that mention given ports. */
    private final Predicate<String> keep;
    private Map<Long, Row> byInode;

    TcpTable(Path net) {
        this(net, line -> true);
    }

    private TcpTable(Path net, Predicate<String> keep) {
        this.net = net;
        this.keep = keep;
    }

    /**
     * A table of the rows that mention both ports only: a busy machine lists thousands of sockets (most in
     * TIME_WAIT), and parsing every row each time a test looks would cost it milliseconds.
     */
    static TcpTable withPorts(Path net, int portA, int portB) {
        String a = String.format(":%04X ", portA);
        String b = String.format(":%04X ", portB);
        return new TcpTable(net, line -> line.contains(a) && line.contains(b));
    }

    Optional<Row> find(long inode) throws IOException {
        return Optional.ofNullable(rows().get(inode));
    }

    /** The connected socket with these two ports, one end of a loopback connection; empty if there is none. */
    Optional<Row> find(int localPort, int remotePort) throws IOException {
        return rows().values().stream()
                .filter(row -> row.remote() != null && row.local().getPort() == localPort
                        && row.remote().getPort() == remotePort)
                .findFirst();
    }

    /** The inode of the connected socket with these two ports; empty if there is none. */
    OptionalLong inodeOf(int localPort, int remotePort) throws IOException {
        return rows().entrySet().stream()
                .filter(e -> e.getValue().remote() != null && e.getValue().local().getPort() == localPort
                        && e.getValue().remote().getPort() == remotePort)
                .mapToLong(Map.Entry::getKey).findFirst();
    }

    private Map<Long, Row> rows() throws IOException {
        if (byInode == null) {
            byInode = new HashMap<>();
            read(net.resolve("tcp"));
            read(net.resolve("tcp6"));
        }
        return byInode;
    }

    private void read(Path table) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(table);
        } catch (NoSuchFileException noIpv6) {
            return;
        }
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            if (keep.test(line)) {
                parse(line).ifPresent(entry -> byInode.put(entry.getKey(), entry.getValue()));
            }
        }
    }

    /** One row of /proc/net/tcp or tcp6: its inode and what it says; empty for a row it cannot read. */
    static Optional<Map.Entry<Long, Row>> parse(String line) {
        // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...
        String[] fields = line.trim().split("\\s+");
        if (fields.length < 10) {
            return Optional.empty();
        }
        try {
            long inode = Long.parseLong(fields[9]);
            InetSocketAddress local = address(fields[1]);
            InetSocketAddress remote = address(fields[2]);
            int code = Integer.parseInt(fields[3], 16);
            String state = code < STATES.size() ? STATES.get(code) : "state " + fields[3];
            String[] queues = fields[4].split(":");
            long sending = queues.length == 2 ? Long.parseLong(queues[0], 16) : 0;
            long receiving = queues.length == 2 ? Long.parseLong(queues[1], 16) : 0;
            return Optional.of(Map.entry(inode, new Row(local,
                    remote.getPort() == 0 && remote.getAddress().isAnyLocalAddress() ? null : remote, state,
                    sending, receiving)));
        } catch (NumberFormatException | UnknownHostException e) {
            return Optional.empty();
        }
    }

    /** {@code 0100007F:9BF3}, or the 32-digit IPv6 form, as an address. */
    static InetSocketAddress address(String hex) throws UnknownHostException {
        int colon = hex.indexOf(':');
        String host = hex.substring(0, colon);
        if (host.length() != 8 && host.length() != 32) {
            throw new UnknownHostException("not an address: " + hex);
        }
        // Each 32-bit word was printed as a number in the host's byte order: put it back into memory that way.
        ByteBuffer bytes = ByteBuffer.allocate(host.length() / 2).order(ByteOrder.nativeOrder());
        for (int word = 0; word < host.length(); word += 8) {
            bytes.putInt((int) Long.parseLong(host.substring(word, word + 8), 16));
        }
        // A v4-mapped IPv6 address (::ffff:127.0.0.1) comes back as the IPv4 address it maps.
        InetAddress address = InetAddress.getByAddress(bytes.array());
        return new InetSocketAddress(address, Integer.parseInt(hex.substring(colon + 1), 16));
    }
}
