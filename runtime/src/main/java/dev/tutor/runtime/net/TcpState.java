package dev.tutor.runtime.net;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The state of one end of a loopback TCP connection, as Linux lists it in {@code /proc/net/tcp}: what a test
 * needs to tell, the moment a call has returned, whether it closed its socket. close() moves an end out of
 * ESTABLISHED before it returns (to FIN_WAIT1, sending the FIN), so an end still ESTABLISHED after the call was
 * never closed by it, with no wait for the peer to notice.
 *
 * <p>Nothing is read elsewhere: {@link #of} is empty where {@code /proc/net/tcp} does not exist.
 */
public final class TcpState {
    private static final Path NET = Path.of("/proc/net");

    /** The state an end that is open both ways is in. */
    public static final String ESTABLISHED = "ESTABLISHED";

    private TcpState() {
    }

    /**
     * The state of the end whose own port is {@code localPort}, connected to {@code remotePort}: ESTABLISHED,
     * FIN_WAIT1, CLOSE_WAIT and so on, the kernel's names; empty where it cannot be read or there is no such end
     * (a closed one may already be gone).
     */
    public static Optional<String> of(int localPort, int remotePort) {
        return of(NET, localPort, remotePort);
    }

    static Optional<String> of(Path net, int localPort, int remotePort) {
        try {
            return TcpTable.withPorts(net, localPort, remotePort).find(localPort, remotePort).map(TcpTable.Row::state);
        } catch (IOException unreadable) {
            return Optional.empty();
        }
    }
}
