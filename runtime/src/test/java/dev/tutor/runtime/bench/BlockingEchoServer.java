package dev.tutor.runtime.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** The classic blocking server: one thread per connection, platform or virtual. */
final class BlockingEchoServer implements EchoContender {
    private final ServerSocket listener;
    private final ExecutorService threads;
    private final List<Socket> sockets = new java.util.concurrent.CopyOnWriteArrayList<>();

    BlockingEchoServer(boolean virtual) throws IOException {
        listener = new ServerSocket(0, 2048, InetAddress.getLoopbackAddress());
        threads = virtual ? Executors.newVirtualThreadPerTaskExecutor() : Executors.newCachedThreadPool();
        threads.execute(this::acceptLoop);
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                socket.setTcpNoDelay(true);
                sockets.add(socket);
                threads.execute(() -> echo(socket));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private static void echo(Socket socket) {
        byte[] buffer = new byte[64 * 1024];
        try (socket) {
            var in = socket.getInputStream();
            var out = socket.getOutputStream();
            int count;
            while ((count = in.read(buffer)) >= 0) out.write(buffer, 0, count);
        } catch (IOException closed) {
            // the client went away
        }
    }

    @Override
    public InetSocketAddress address() {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }


    @Override
    public void close() {
        try {
            listener.close();
            for (Socket socket : sockets) socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        threads.shutdownNow();
        try {
            threads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
