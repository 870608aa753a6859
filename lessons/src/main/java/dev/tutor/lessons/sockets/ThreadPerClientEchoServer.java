package dev.tutor.lessons.sockets;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * The smallest thread-per-client echo server, for lesson 7's demo and listings: one thread accepts, and
 * every accepted client gets a thread of its own that reads, writes back, and ends when its client does.
 *
 * <p>Why it exists: the demo connects many clients to it to show what a thread per client costs. It is
 * deliberately bare. Its threads are daemon threads, and {@link #close()} only stops accepting: each
 * client's thread ends when that client closes its side. A server that must also end connected clients
 * and wait for its threads is the lesson's second exercise.
 */
final class ThreadPerClientEchoServer implements AutoCloseable {

    private final ServerSocket listening;

    private ThreadPerClientEchoServer(ServerSocket listening) {
        this.listening = listening;
    }

    /** Listens on 127.0.0.1 at a port the system picks, and starts the accepting thread. */
    static ThreadPerClientEchoServer start() throws IOException {
        ServerSocket listening = new ServerSocket(0, 1_000, InetAddress.getLoopbackAddress());
        ThreadPerClientEchoServer server = new ThreadPerClientEchoServer(listening);
        Thread acceptor = new Thread(server::acceptClients, "echo-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
        return server;
    }

    InetSocketAddress address() {
        return (InetSocketAddress) listening.getLocalSocketAddress();
    }

    private void acceptClients() {
        try {
            while (true) {
                Socket client = listening.accept();          // waits for the next client
                Thread worker = new Thread(() -> echo(client), "echo-" + client.getPort());
                worker.setDaemon(true);
                worker.start();                             // and goes straight back to accept()
            }
        } catch (IOException closed) {
            // close() closed the listening socket: stop accepting
        }
    }

    private static void echo(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            byte[] buffer = new byte[8 * 1024];
            int n;
            while ((n = in.read(buffer)) != -1) {             // waits until bytes come; -1: the client is done
                out.write(buffer, 0, n);                       // waits until the send buffer has room
            }
        } catch (IOException reset) {
            // this client went away abruptly; the others are not affected
        }
    }

    /** Stops accepting. Connected clients keep their threads until they close. */
    @Override
    public void close() throws IOException {
        listening.close();
    }
}
