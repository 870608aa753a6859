package dev.tutor.runtime.loop;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * The socket helpers of {@link EventLoop} (asyncio's {@code sock_connect}, {@code sock_accept},
 * {@code sock_recv}, {@code sock_sendall}) and {@code sleep}, each built the same way: try the
 * operation at once; if the socket is not ready, register a reader or writer that retries when the
 * selector says it will not block, and complete a future when done. Called only on the loop thread.
 */
final class SocketOps {

    private SocketOps() {
    }

    static Future<Void> sleep(EventLoop loop, Duration delay) {
        Future<Void> done = loop.createFuture();
        TimerHandle timer = loop.callAt(loop.time() + Math.max(0, delay.toNanos()), "sleep " + delay.toMillis() + "ms",
                () -> {
                    if (!done.isDone()) done.setResult(null);
                });
        done.addDoneCallback(future -> timer.cancel()); // a cancelled sleep drops its timer
        return done;
    }

    static Future<SocketChannel> connect(EventLoop loop, SocketAddress address) {
        Future<SocketChannel> connected = loop.createFuture();
        SocketChannel channel;
        try {
            channel = SocketChannel.open();
        } catch (IOException e) {
            connected.setException(e);
            return connected;
        }
        try {
            channel.configureBlocking(false);
            if (channel.connect(address)) { // loopback connections often finish at once
                connected.setResult(channel);
                return connected;
            }
        } catch (IOException | RuntimeException e) {
            // An address that does not resolve fails with an unchecked exception: the future fails with it as
            // with any other, as asyncio's sock_connect raises its resolver's error from the await, and the
            // channel opened for it is closed rather than left behind.
            SelectorEventLoop.closeQuietly(channel);
            connected.setException(e);
            return connected;
        }
        Handle waiting = loop.addWriter(channel, new Op("connect " + address) {
            @Override
            public void run() {
                if (connected.isDone()) {
                    return; // cancelled; the done-callback below unregisters
                }
                try {
                    if (!channel.finishConnect()) {
                        return; // not yet; the selector will call again
                    }
                    loop.removeWriter(channel);
                    connected.setResult(channel);
                } catch (IOException e) {
                    loop.removeWriter(channel);
                    SelectorEventLoop.closeQuietly(channel);
                    connected.setException(e);
                }
            }
        });
        connected.addDoneCallback(future -> {
            if (future.isCancelled()) {
                if (!waiting.isCancelled()) loop.removeWriter(channel);
                SelectorEventLoop.closeQuietly(channel);
            }
        });
        return connected;
    }

    static Future<SocketChannel> accept(EventLoop loop, ServerSocketChannel server) {
        Future<SocketChannel> accepted = loop.createFuture();
        if (tryAccept(server, accepted)) {
            return accepted;
        }
        Handle waiting = loop.addReader(server, new Op("accept") {
            @Override
            public void run() {
                if (accepted.isDone()) {
                    return; // cancelled; the done-callback below unregisters
                }
                if (tryAccept(server, accepted)) {
                    loop.removeReader(server);
                }
            }
        });
        accepted.addDoneCallback(future -> {
            if (future.isCancelled() && !waiting.isCancelled()) loop.removeReader(server);
        });
        return accepted;
    }

    private static boolean tryAccept(ServerSocketChannel server, Future<SocketChannel> accepted) {
        try {
            server.configureBlocking(false);
            SocketChannel client = server.accept();
            if (client == null) {
                return false; // another accept got it first, or a spurious wake-up
            }
            client.configureBlocking(false);
            accepted.setResult(client);
        } catch (IOException e) {
            accepted.setException(e);
        }
        return true;
    }

    static Future<Integer> recv(EventLoop loop, SocketChannel channel, ByteBuffer buffer) {
        Future<Integer> received = loop.createFuture();
        if (tryRead(channel, buffer, received)) {
            return received;
        }
        Handle waiting = loop.addReader(channel, new Op("recv") {
            @Override
            public void run() {
                if (received.isDone()) {
                    return; // cancelled; the done-callback below unregisters
                }
                if (tryRead(channel, buffer, received)) {
                    loop.removeReader(channel);
                }
            }
        });
        received.addDoneCallback(future -> {
            if (future.isCancelled() && !waiting.isCancelled()) loop.removeReader(channel);
        });
        return received;
    }

    private static boolean tryRead(SocketChannel channel, ByteBuffer buffer, Future<Integer> received) {
        try {
            channel.configureBlocking(false);
            int count = channel.read(buffer);
            if (count == 0 && buffer.hasRemaining()) {
                return false; // non-blocking read with nothing there: wait for the selector
            }
            received.setResult(count);
        } catch (IOException e) {
            received.setException(e);
        }
        return true;
    }

    static Future<Void> sendAll(EventLoop loop, SocketChannel channel, ByteBuffer buffer) {
        Future<Void> sent = loop.createFuture();
        if (tryWrite(channel, buffer, sent)) {
            return sent;
        }
        // A partial write: the kernel's send buffer is full. Wait until the peer drains it.
        Handle waiting = loop.addWriter(channel, new Op("sendAll") {
            @Override
            public void run() {
                if (sent.isDone()) {
                    return; // cancelled; the done-callback below unregisters
                }
                if (tryWrite(channel, buffer, sent)) {
                    loop.removeWriter(channel);
                }
            }
        });
        sent.addDoneCallback(future -> {
            if (future.isCancelled() && !waiting.isCancelled()) loop.removeWriter(channel);
        });
        return sent;
    }

    private static boolean tryWrite(SocketChannel channel, ByteBuffer buffer, Future<Void> sent) {
        try {
            channel.configureBlocking(false);
            while (buffer.hasRemaining()) {
                if (channel.write(buffer) == 0) {
                    return false;
                }
            }
            sent.setResult(null);
        } catch (IOException e) {
            sent.setException(e);
        }
        return true;
    }

    /** A readiness callback with a name for traces. */
    private abstract static class Op implements Runnable {
        private final String name;

        Op(String name) {
            this.name = name;
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
