package dev.tutor.exercises.sockets;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;

/**
 * A blocking echo client: it sends one message to an echo server and reads the echo back, the way
 * Python's {@code socket.create_connection}, {@code sendall} and a {@code recv} loop do.
 *
 * <p>A TCP connection carries a stream of bytes, not messages. The server may send the echo back in one
 * piece or in twenty, with pauses between them, and one {@code read} returns whatever has arrived so far:
 * one byte, or all of it. It may also end the connection before the echo is complete, or stop answering.
 *
 * <p>Exercise: complete {@link #exchange}. As given, it shows the three traps of the lesson: it takes one
 * read for the whole echo, it does not look for the end of the stream, and it never closes its socket.
 */
public final class EchoClient {

    private EchoClient() {
    }

    /**
     * Connects to the echo server at {@code server}, sends all of {@code message}, and reads until
     * {@code message.length} bytes have come back, in any number of reads of any size. Returns exactly
     * those bytes; anything the server sends after them is left unread. An empty message is no exception:
     * the client connects (so a refused or unanswered connection fails as it would for any message), sends
     * nothing, and returns an empty echo without waiting for a byte.
     *
     * <p>Messages are small (the tests send at most 16 KiB): the kernel's buffers hold a whole echo while
     * the client is still writing, so write everything first, then read. Once the message is sent, the
     * client may half-close the connection with {@code shutdownOutput()} or leave it open: the server echoes
     * the same bytes either way, and it is the client's read loop that decides when the echo is complete.
     *
     * <p>Every way out closes the socket, the ones that throw as well as the one that returns.
     *
     * @param timeout how long to wait for the connection, and how long any single read may wait with no
     *                byte arriving. It is for silence, not for the whole exchange: an echo that keeps
     *                coming, piece after piece, may take longer than {@code timeout} in all. At least one
     *                millisecond (sockets count their time-outs in whole milliseconds, and take 0 for "no
     *                limit"), and under {@code Integer.MAX_VALUE} milliseconds.
     * @return the echo, {@code message.length} bytes
     * @throws java.net.SocketTimeoutException the connection was not made within {@code timeout}, or no byte
     *                arrived for {@code timeout} while the echo was incomplete
     * @throws java.io.EOFException the server ended the stream before the whole echo came; its message says
     *                how many of how many bytes came, as in "the server ended the stream after 5 of 12 bytes"
     * @throws IOException the connection was refused or reset, or failed in another way
     */
    public static byte[] exchange(InetSocketAddress server, byte[] message, Duration timeout) throws IOException {
        // TODO: make the socket with new Socket() and connect it within `timeout`; give every read the same
        //       time-out, so that a server that goes silent ends the exchange instead of blocking it for ever.
        // TODO: close the socket on every way out of this method.
        Socket socket = new Socket(server.getAddress(), server.getPort());
        OutputStream out = socket.getOutputStream();
        out.write(message);
        InputStream in = socket.getInputStream();
        byte[] echo = new byte[message.length];
        // TODO: one read returns what has arrived so far, not the whole echo. Read until all of it has come,
        //       and notice when the server ends the stream first.
        int count = in.read(echo);
        return Arrays.copyOf(echo, Math.max(count, 0));
    }
}
