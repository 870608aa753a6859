package dev.tutor.runtime.net;

import java.net.InetSocketAddress;
import java.util.OptionalLong;

/**
 * One descriptor in an epoll instance's interest list, as the kernel holds it: what the descriptor is and
 * which events the instance waits for on it. Made by {@link EpollInterest}.
 *
 * <p>The kernel adds {@code EPOLLERR} and {@code EPOLLHUP} to every watch whatever was asked, so a
 * selector key with {@code OP_READ} shows as {@code EPOLLIN|EPOLLERR|EPOLLHUP}; {@link #wantsRead()} and
 * {@link #wantsWrite()} look only at what was asked for.
 *
 * @param fd       the watched descriptor's number in this process
 * @param events   the event mask the instance waits for (EPOLLIN 0x1, EPOLLOUT 0x4, EPOLLET 1 &lt;&lt; 31, ...)
 * @param target   what the descriptor is, as {@code /proc/self/fd} names it: {@code socket:[174771]},
 *                 {@code pipe:[174770]}, {@code anon_inode:[eventfd]}
 * @param local    a TCP socket's own address, or null when the descriptor is not a TCP socket
 * @param remote   a connected TCP socket's peer, or null when not connected (a listening socket) or not TCP
 * @param tcpState a TCP socket's state as the kernel names it (LISTEN, ESTABLISHED, CLOSE_WAIT, ...), or ""
 */
public record EpollWatch(int fd, int events, String target, InetSocketAddress local, InetSocketAddress remote,
                         String tcpState) {

    /** The bit of an event mask for reading. */
    public static final int EPOLLIN = 0x001;
    /** The bit of an event mask for writing. */
    public static final int EPOLLOUT = 0x004;
    private static final int EPOLLET = 1 << 31;
    private static final int EPOLLONESHOT = 1 << 30;

    /**
     * The inode of the socket watched, from its name ({@code socket:[174771]}): unlike the descriptor's number,
     * which the next descriptor opened may take once this one is closed, it names this one socket for good.
     * Empty when what is watched is not a socket.
     */
    public OptionalLong socketInode() {
        return OpenSockets.inodeOf(target);
    }

    /** Whether the instance waits for this descriptor to become readable (a selector's OP_READ or OP_ACCEPT). */
    public boolean wantsRead() {
        return (events & EPOLLIN) != 0;
    }

    /** Whether the instance waits for this descriptor to become writable (a selector's OP_WRITE or OP_CONNECT). */
    public boolean wantsWrite() {
        return (events & EPOLLOUT) != 0;
    }

    /** Whether the watch is edge-triggered: reported once per change rather than as long as it holds. */
    public boolean edgeTriggered() {
        return (events & EPOLLET) != 0;
    }

    /** Whether the watch is disarmed after one report until it is armed again. */
    public boolean oneShot() {
        return (events & EPOLLONESHOT) != 0;
    }

    /** The local port of a TCP socket, or 0. */
    public int localPort() {
        return local == null ? 0 : local.getPort();
    }

    /** The peer's port of a connected TCP socket, or 0. */
    public int remotePort() {
        return remote == null ? 0 : remote.getPort();
    }

    /** The event mask by name: {@code EPOLLIN|EPOLLERR|EPOLLHUP}. */
    public String eventNames() {
        return EpollInterest.eventNames(events);
    }

    /**
     * One line: the descriptor, what it is and what is waited for, e.g.
     * {@code fd 11  tcp 127.0.0.1:40001 <- 127.0.0.1:52110 ESTABLISHED  EPOLLIN|EPOLLERR|EPOLLHUP}.
     */
    public String describe() {
        String what;
        if (local == null) {
            what = target;
        } else {
            what = "tcp " + show(local) + (remote == null ? "" : " <- " + show(remote)) + " " + tcpState;
        }
        return String.format("fd %3d  %-58s %s", fd, what, eventNames());
    }

    private static String show(InetSocketAddress address) {
        return address.getAddress().getHostAddress() + ":" + address.getPort();
    }
}
