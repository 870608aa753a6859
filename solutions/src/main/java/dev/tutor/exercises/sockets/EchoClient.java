package dev.tutor.exercises.sockets;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/**
 * A blocking echo client: it sends one message to an echo server and reads the echo back, the way
 * Python's {@code socket.create_connection}, {@code sendall} and a {@code recv} loop do.
 *
 * <p>A TCP connection carries a stream of bytes, not messages. The server may send the echo back in one
 * piece or in twenty, with pauses between them, and one {@code read} returns whatever has arrived so far:
 * one byte, or all of it. It may also end the connection before the echo is complete, or stop answering.
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
     * @throws EOFException the server ended the stream before the whole echo came; its message says how
     *                many of how many bytes came, as in "the server ended the stream after 5 of 12 bytes"
     * @throws IOException the connection was refused or reset, or failed in another way
     */
    public static byte[] exchange(InetSocketAddress server, byte[] message, Duration timeout) throws IOException {
        int millis = (int) timeout.toMillis();   // at least 1 by the contract: 0 would mean "no limit"
        try (Socket socket = new Socket()) {
            socket.connect(server, millis);
            socket.setSoTimeout(millis);          // each read waits at most this long for a byte
            socket.getOutputStream().write(message);
            InputStream in = socket.getInputStream();
            byte[] echo = new byte[message.length];
            int got = 0;
            while (got < echo.length) {
                int count = in.read(echo, got, echo.length - got);
                if (count == -1) {
                    throw new EOFException("the server ended the stream after " + got + " of " + echo.length
                            + " bytes");
                }
                got += count;
            }
            return echo;
        }
    }
}
