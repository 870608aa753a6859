package dev.tutor.runtime.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/** A TCP connection over loopback made for a test: the client's channel and the one the server accepted. */
record LoopbackPair(ServerSocketChannel listener, SocketChannel client, SocketChannel accepted) implements AutoCloseable {

    static LoopbackPair open() throws IOException {
        ServerSocketChannel listener = ServerSocketChannel.open()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        SocketChannel client = SocketChannel.open(listener.getLocalAddress());
        return new LoopbackPair(listener, client, listener.accept());
    }

    int clientPort() throws IOException {
        return ((InetSocketAddress) client.getLocalAddress()).getPort();
    }

    int serverPort() throws IOException {
        return ((InetSocketAddress) accepted.getLocalAddress()).getPort();
    }

    @Override
    public void close() throws IOException {
        try (listener; client; accepted) {
            // all three closed, whatever throws
        }
    }
}
