package dev.tutor.lessons.sockets;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * An echo server with one thread for everything, for lesson 7's demo and its listing of the server that
 * answers one person at a time: while its thread waits in {@code read} on one client's socket, no other
 * client is accepted, however long it has been waiting.
 *
 * <p>Why it exists: the demo runs the same turns of two clients against it and against
 * {@link ThreadPerClientEchoServer}, so that the difference can be seen. Its thread is a daemon thread;
 * {@link #close()} closes the listening socket, and the thread ends once its current client has gone.
 */
final class OneClientAtATimeEchoServer implements AutoCloseable {

    private final ServerSocket listening;

    private OneClientAtATimeEchoServer(ServerSocket listening) {
        this.listening = listening;
    }

    /** Listens on 127.0.0.1 at a port the system picks, and starts the server's one thread. */
    static OneClientAtATimeEchoServer start() throws IOException {
        OneClientAtATimeEchoServer server = new OneClientAtATimeEchoServer(
                new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
        Thread thread = new Thread(server::serveForever, "one-at-a-time");
        thread.setDaemon(true);
        thread.start();
        return server;
    }

    InetSocketAddress address() {
        return (InetSocketAddress) listening.getLocalSocketAddress();
    }

    private void serveForever() {
        while (!listening.isClosed()) {
            try (Socket client = listening.accept()) {      // waits for the next client
                InputStream in = client.getInputStream();
                OutputStream out = client.getOutputStream();
                byte[] buffer = new byte[8 * 1024];
                int n;
                while ((n = in.read(buffer)) != -1) {       // waits until this client sends
                    out.write(buffer, 0, n);
                }
            } catch (IOException resetOrClosed) {
                // the client went away abruptly, or close() closed the listening socket
            }
        }
    }

    @Override
    public void close() throws IOException {
        listening.close();
    }
}
