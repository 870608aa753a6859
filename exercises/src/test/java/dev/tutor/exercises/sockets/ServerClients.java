package dev.tutor.exercises.sockets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The clients {@link ThreadPerClientServerTest} drives by hand, beside the chaos client: each connects with a
 * time-out, exchanges a message and checks its echo, and fails the test with what it saw when the server does
 * not answer as an echo server must. Not a test itself.
 */
final class ServerClients {
    /** How long a client waits for an echo in the tests' own exchanges. */
    static final int ECHO_WAIT_MILLIS = 1_000;
    /** How long one slice of a watched read lasts before the test looks at the server again. */
    private static final int LOOK_EVERY_MILLIS = 20;

    private ServerClients() {
    }

    /** A client connected to {@code server}, whose connect and reads wait {@link #ECHO_WAIT_MILLIS} at most. */
    static Socket connect(ThreadPerClientServer server) throws IOException {
        Socket client = new Socket();
        client.setTcpNoDelay(true);
        client.connect(server.address(), ECHO_WAIT_MILLIS);
        client.setSoTimeout(ECHO_WAIT_MILLIS);
        return client;
    }

    /** Sends a few random bytes on {@code client} and fails unless the same bytes come back. */
    static void exchange(Socket client, Random random, String who) throws IOException {
        exchange(client, letters(random, 'a', 1 + random.nextInt(100)), who);
    }

    /** {@code length} random letters from the alphabet that begins at {@code first}, 'a' or 'A'. */
    static byte[] letters(Random random, char first, int length) {
        byte[] letters = new byte[length];
        for (int i = 0; i < letters.length; i++) {
            letters[i] = (byte) (first + random.nextInt(26));
        }
        return letters;
    }

    /** Sends {@code message} on {@code client} and fails unless the same bytes come back. */
    static void exchange(Socket client, byte[] message, String who) throws IOException {
        exchange(client, message, who, null);
    }

    /**
     * As {@link #exchange(Socket, byte[], String)}, watching {@code server} meanwhile: it fails as soon as the
     * server is seen unable to send anything until a client acts ({@link StuckServer#blockedForGood()}), since the
     * echo then never comes, rather than after {@link #ECHO_WAIT_MILLIS}.
     */
    static void exchange(Socket client, byte[] message, String who, StuckServer server) throws IOException {
        client.getOutputStream().write(message);
        byte[] echo = new byte[message.length];
        int got = 0;
        int timeout = client.getSoTimeout();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ECHO_WAIT_MILLIS);
        try {
            InputStream in = client.getInputStream();
            if (server != null) {
                client.setSoTimeout(LOOK_EVERY_MILLIS); // reads in slices, with a look at the server between them
            }
            while (got < echo.length) {
                int n;
                try {
                    n = in.read(echo, got, echo.length - got);
                } catch (SocketTimeoutException slice) {
                    if (server == null || System.nanoTime() > deadline) {
                        throw slice;
                    }
                    if (server.blockedForGood()) {
                        fail(who + " sent " + message.length + " bytes and got " + got + " of them back, and never"
                                + " would: every thread of the server was blocked in accept(), read() or write() with"
                                + " no time-out, which only another client could end, and the other clients did"
                                + " nothing. These were the server's threads: " + String.join("; ",
                                ServerThreads.describe(server.threads())) + ". Each client needs a thread of its"
                                + " own, started as soon as it is accepted.");
                    }
                    continue;
                }
                if (n == -1) {
                    fail(who + " sent " + message.length + " bytes and the server ended the stream after " + got
                            + " of them came back.");
                }
                got += n;
            }
        } catch (SocketTimeoutException e) {
            fail(who + " sent " + message.length + " bytes and got " + got + " of them back within "
                    + ECHO_WAIT_MILLIS + " ms.");
        } finally {
            client.setSoTimeout(timeout);
        }
        assertEquals(new String(message), new String(echo), who + " got back other bytes than it sent.");
    }

    /**
     * Writes to a non-blocking channel without reading until no byte has gone out for 200 ms, at most
     * 256 MiB; returns how many went. By then the server's thread for it is blocked writing the echo.
     */
    static long floodUntilStuck(SocketChannel channel) throws IOException, InterruptedException {
        channel.configureBlocking(false);
        ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
        long total = 0;
        long lastProgress = System.nanoTime();
        while (total < 256L * 1024 * 1024 && System.nanoTime() - lastProgress < 200_000_000L) {
            chunk.clear();
            int n = channel.write(chunk);
            if (n > 0) {
                total += n;
                lastProgress = System.nanoTime();
            } else {
                Thread.sleep(5);
            }
        }
        return total;
    }

    /**
     * Connects {@code idle} clients, each of which has one echo and then stays, silent; adds them to
     * {@code clients}.
     */
    static void connectIdle(ThreadPerClientServer server, Random random, int idle, List<Socket> clients)
            throws IOException {
        for (int c = 0; c < idle; c++) {
            Socket client = connect(server);
            clients.add(client);
            exchange(client, random, "idle client " + (c + 1) + " of " + idle);
        }
    }

    /**
     * {@code count} clients one after another each send a message of random bytes, half-close and read their echo
     * up to the server's end of the stream; fails unless each gets back as many bytes as it sent. Returns the
     * messages' sizes.
     */
    static List<Integer> sendAndHalfCloseOneAfterAnother(ThreadPerClientServer server, Random random, int count)
            throws IOException {
        List<Integer> sizes = new ArrayList<>();
        for (int c = 0; c < count; c++) {
            try (Socket client = connect(server)) {
                byte[] message = new byte[random.nextInt(2_000)];
                random.nextBytes(message);
                sizes.add(message.length);
                client.getOutputStream().write(message);
                client.shutdownOutput();
                byte[] echo = client.getInputStream().readAllBytes(); // up to the server's end of the stream
                assertEquals(message.length, echo.length, "Client " + (c + 1) + " of " + count + " sent "
                        + message.length + " bytes and half-closed; the server sent back " + echo.length
                        + " bytes and then ended the stream.");
            }
        }
        return sizes;
    }

    /**
     * Fails unless each of the first {@code idle} of {@code clients}, connected by {@link #connectIdle}, sees the end
     * of the stream; {@code after} follows each one's name ("idle client 1 of 3") in a message.
     */
    static void assertIdleClientsEnded(List<Socket> clients, int idle, String after) throws IOException {
        for (int c = 0; c < idle; c++) {
            assertEndOfStream(clients.get(c), "idle client " + (c + 1) + " of " + idle + after);
        }
    }

    /** Fails unless the next read on {@code client} sees the end of the stream: the server closed its end. */
    static void assertEndOfStream(Socket client, String who) throws IOException {
        try {
            int next = client.getInputStream().read();
            assertEquals(-1, next, who + " read a byte (" + next + ") after close(); it expected the end of the"
                    + " stream.");
        } catch (SocketTimeoutException e) {
            fail("After close() returned, " + who + " waited " + ECHO_WAIT_MILLIS + " ms and saw neither bytes nor"
                    + " the end of the stream: its connection was still open. close() must close every client's"
                    + " socket.");
        }
    }

    /**
     * Whether the server's end of {@code client}'s connection is still open: a read sees neither bytes nor its
     * end.
     */
    static boolean isOpen(Socket client) throws IOException {
        client.setSoTimeout(100);
        try {
            return client.getInputStream().read() != -1;
        } catch (SocketTimeoutException open) {
            return true;
        } catch (IOException reset) {
            return false;
        } finally {
            client.setSoTimeout(ECHO_WAIT_MILLIS);
        }
    }
}
