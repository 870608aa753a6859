package dev.tutor.exercises.sockets;

import static dev.tutor.exercises.sockets.ServerClients.connect;
import static dev.tutor.exercises.sockets.ServerClients.exchange;
import static dev.tutor.exercises.sockets.ServerThreads.THREAD_END_MILLIS;
import static dev.tutor.exercises.sockets.ServerThreads.names;
import static dev.tutor.exercises.sockets.ServerThreads.threadsStillAliveAfter;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tutor.runtime.net.OpenSockets;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;

/**
 * The checks of {@link ThreadPerClientServerTest} that a client's connection, once over, is closed on the server's
 * side too: a socket left open there costs a descriptor for as long as the server runs, and no client can tell.
 * Seen on Linux, where {@link OpenSockets} gives the inode of the server's end while the connection is up and
 * whether a descriptor of this process still holds it afterwards. Not a test itself.
 */
final class ConnectionLeaks {
    private ConnectionLeaks() {
    }

    /**
     * The end of a client's stream ends its connection on the server: the thread closes the socket, not only its
     * own sending side. A client cannot tell the two apart (it sees the end of the stream either way), so the
     * server's end is looked for among this process's open descriptors (Linux, as in the test of resets below)
     * once the client's thread has ended; where there is no /proc only the threads are checked.
     */
    static void assertHalfClosedConnectionsClosed(ThreadPerClientServer server, Random random,
            Set<Thread> before) throws Exception {
        int port = server.address().getPort();
        int count = 1 + random.nextInt(3);
        List<String> open = new ArrayList<>();
        for (int c = 0; c < count; c++) {
            String who = "client " + (c + 1) + " of " + count;
            try (Socket client = connect(server)) {
                exchange(client, random, who);
                OptionalLong serverEnd = OpenSockets.ofConnection(port, client.getLocalPort());
                client.shutdownOutput();
                assertEquals(-1, client.getInputStream().read(), who + " half-closed after its echo and then read"
                        + " a byte where the end of the stream belonged.");
                threadsStillAliveAfter(before, THREAD_END_MILLIS, 1);
                if (serverEnd.isPresent() && OpenSockets.inodes().orElse(Set.of()).contains(serverEnd.getAsLong())) {
                    open.add(who);
                }
            }
        }
        assertTrue(open.isEmpty(), (count == 1 ? "A client had its echo, half-closed and got the end of the"
                + " stream, and its thread on the server ended. Yet the server's end of the connection was still"
                + " open, a descriptor of this process."
                : count + " clients, one after another, had their echo, half-closed and got the end of the stream,"
                + " and each client's thread on the server ended. Yet the server's end of " + open.size() + " of"
                + " those connections was still open, a descriptor of this process: " + open + ".")
                + (count == 1 ? " The client" : " Each client") + " saw the end of the stream, so the server had"
                + " shut down its sending side, but the socket itself was never closed. When a client ends its stream,"
                + " its thread closes the socket,"
                + " not only its output, and then ends; otherwise each such client leaves an open descriptor"
                + " behind for as long as the server runs.");
    }

    /**
     * Clients one after another have their echo and then reset their connections; fails unless each one's thread on
     * the server ends and closes the server's end of its connection.
     */
    static void assertResetConnectionsClosed(ThreadPerClientServer server, Random random, Set<Thread> before)
            throws Exception {
        int port = server.address().getPort();
        int count = 2 + random.nextInt(7);
        List<String> leaked = new ArrayList<>();
        for (int c = 0; c < count; c++) {
            String who = "client " + (c + 1) + " of " + count;
            OptionalLong serverEnd;
            int unread;
            try (Socket client = connect(server)) {
                exchange(client, random, who);
                serverEnd = OpenSockets.ofConnection(port, client.getLocalPort());
                // The first resets while its thread waits in read(); others may reset with bytes on their way,
                // so that the exception may come from a write.
                unread = c == 0 || random.nextBoolean() ? 0 : 1 + random.nextInt(4_000);
                if (unread > 0) {
                    byte[] more = new byte[unread];
                    random.nextBytes(more);
                    client.getOutputStream().write(more);
                }
                client.setSoLinger(true, 0); // closing now resets the connection instead of ending the stream
            }
            List<Thread> left = threadsStillAliveAfter(before, THREAD_END_MILLIS, 1);
            assertTrue(left.size() <= 1, who + " had its echo and then reset its connection; "
                    + THREAD_END_MILLIS + " ms later the server still had " + left.size() + " threads: "
                    + names(left) + ". A reset is an IOException in that client's thread: it ends that thread.");
            if (serverEnd.isPresent() && OpenSockets.inodes().orElse(Set.of()).contains(serverEnd.getAsLong())) {
                leaked.add(who + (unread == 0 ? " (reset while idle)"
                        : " (reset after sending " + unread + " more bytes)"));
            }
        }
        assertTrue(leaked.isEmpty(), count + " clients one after another had their echo and then reset their"
                + " connections, and each time the server's thread for that client ended. Yet the server's end of "
                + leaked.size() + " of those connections was still open, a descriptor of this process with no"
                + " thread left to close it: " + leaked + ". A client's thread closes its connection however it"
                + " ends, on an exception too; otherwise every client that resets leaves one more open"
                + " descriptor behind, until the process can open no more.");
    }
}
