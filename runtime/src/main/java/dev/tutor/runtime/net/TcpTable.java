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

/**
 * The TCP sockets of this network namespace as Linux lists them in {@code /proc/net/tcp} and {@code tcp6},
 * found by inode: the number that {@code /proc/self/fd/N -> socket:[inode]} gives a socket descriptor.
 *
 * <p>Each row shows addresses as hex words in the host's byte order ({@code 0100007F:9BF3} is
 * 127.0.0.1:39923 on a little-endian machine) and the state as a hex code ({@code 0A} is LISTEN). Read once,
 * when first asked; used by {@link EpollInterest} only.
 */
final class TcpTable {

    /** A socket's addresses and state; {@code remote} is null when the socket is not connected. */
    record Row(InetSocketAddress local, InetSocketAddress remote, String state) {
    }

    /** The kernel's TCP states by their code, from include/net/tcp_states.h. */
    private static final List<String> STATES = List.of("?", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1",
            "FIN_WAIT2", "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING", "NEW_SYN_RECV");

    private final Path net;
    private Map<Long, Row> byInode;

    TcpTable(Path net) {
        this.net = net;
    }

    Optional<Row> find(long inode) throws IOException {
        if (byInode == null) {
            byInode = new HashMap<>();
            read(net.resolve("tcp"));
            read(net.resolve("tcp6"));
        }
        return Optional.ofNullable(byInode.get(inode));
    }

    private void read(Path table) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(table);
        } catch (NoSuchFileException noIpv6) {
            return;
        }
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            parse(line).ifPresent(entry -> byInode.put(entry.getKey(), entry.getValue()));
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
            return Optional.of(Map.entry(inode, new Row(local,
                    remote.getPort() == 0 && remote.getAddress().isAnyLocalAddress() ? null : remote, state)));
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
