package dev.tutor.exercises.selectors;

import static dev.tutor.exercises.selectors.ChatLines.LINE_LIMIT;
import static dev.tutor.exercises.selectors.LoopUnderTest.check;
import static dev.tutor.runtime.net.EpollWatch.EPOLLOUT;

import dev.tutor.exercises.selectors.ChatClients.Client;
import dev.tutor.runtime.net.EpollWatch;
import dev.tutor.runtime.net.TcpQueues;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.Optional;
import java.util.Set;

/**
 * What the kernel shows of the chat server's side of its clients' connections, for {@link ChatServerTest}: what
 * the server's selector watches each connection for, and how many bytes the kernel holds for one. Only Linux
 * shows it ({@link LoopUnderTest#interestList()}, {@link TcpQueues}); elsewhere a look finds nothing, and the
 * tests that need it judge less. Not a test itself.
 */
final class KernelView {
    private final LoopUnderTest loop;

    /** The view of the server that {@code loop} runs. */
    KernelView(LoopUnderTest loop) {
        this.loop = loop;
    }

    /** The descriptor of the server's side of {@code client}'s connection, where the kernel's view can be read. */
    Optional<Integer> serverSideDescriptor(Client client) throws IOException {
        return serverSideWatch(client).map(EpollWatch::fd);
    }

    /** The server's selector's watch on its side of {@code client}'s connection, where the kernel shows it. */
    Optional<EpollWatch> serverSideWatch(Client client) throws IOException {
        int port = ((InetSocketAddress) client.channel.getLocalAddress()).getPort();
        return loop.interestList().flatMap(watches -> watches.stream()
                .filter(w -> w.remotePort() == port && w.localPort() == loop.address().getPort())
                .findFirst());
    }

    /**
     * What the server has queued for {@code stalled} and not yet written, by the kernel's count: everything
     * sent to it less what reached it and what the kernel holds at both ends of its connection.
     */
    long queuedByTheKernelsCount(Client stalled, long sent) throws IOException {
        int clientPort = ((InetSocketAddress) stalled.channel.getLocalAddress()).getPort();
        long inKernel = TcpQueues.between(clientPort, loop.address().getPort())
                .map(TcpQueues.Connection::inKernel).orElse(0L);
        return sent - stalled.receivedBytes - inKernel;
    }

    /**
     * Waits until the server's loop has been round select() once more. A channel the server closes while it is
     * registered leaves the selector's watch only at its next select(), so "still watched" means "not closed"
     * only after that. A new connection is made: the select() that reports it comes after the one that let a
     * closed channel go, and the selector watches the new connection only from the select() after that.
     */
    void awaitASelectAfterwards() throws IOException {
        Set<Long> before = loop.watchedInodes().orElse(Set.of());
        try (SocketChannel knock = SocketChannel.open(loop.address())) {
            boolean seen = loop.awaitWhileServing(() -> !before.containsAll(loop.watchedInodes().orElse(Set.of())),
                    LINE_LIMIT);
            check(seen, () -> "A client connected, and within " + LINE_LIMIT.toMillis() + " ms the server's selector"
                    + " did not watch its connection. Accept every connection and register it for OP_READ.");
        }
    }

    /**
     * Fails if the server's selector still watches {@code late}'s connection (descriptor {@code fd}) for EPOLLOUT
     * once late has caught up, its queue empty: judged as soon as the loop has come to rest, or has been seen
     * busy with nothing to do.
     */
    void assertWriteInterestDropped(Client late, int fd) {
        // A right loop takes OP_WRITE off as it writes the last byte; the kernel sees it at the next select().
        Optional<long[]> busy = loop.settle();
        int events = loop.watchedEvents(fd).orElse(0);
        check((events & EPOLLOUT) == 0, () -> late + " fell behind, lines waited in its queue, and then it read"
                + " every one of them; with its queue empty, the server's selector still watched its connection for"
                + " EPOLLOUT (room to write). A socket with room is always writable, so select() returns at once,"
                + " turn after turn, and the loop spins while the room is quiet" + busy.map(b -> String.format(
                " (it used %.0f ms of CPU in %.0f ms with nothing to do)", b[0] / 1e6, b[1] / 1e6)).orElse("")
                + ". Ask for OP_WRITE only while something waits: when a write empties the queue, set the key's"
                + " interest back to OP_READ.");
    }
}
