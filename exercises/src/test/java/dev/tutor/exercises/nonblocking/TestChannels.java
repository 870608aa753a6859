package dev.tutor.exercises.nonblocking;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Random;

/**
 * The channels {@link FrameDecoderTest} hands to readFrom: {@link ScriptedChannel}, whose bytes arrive when the
 * test delivers them, {@link WatchedChannel}, which watches how the decoder reads another channel, and
 * {@link SocketPair}, a real TCP connection on loopback. Not a test itself.
 */
final class TestChannels {
    /** How long a real socket may take to show bytes the test has just written. */
    static final int SOCKET_WAIT_MILLIS = 2_000;

    private TestChannels() {
    }

    /**
     * A non-blocking channel the test controls: bytes become readable when the test delivers them, each read
     * hands out a random amount of them, and with none there a read returns 0, or -1 once the peer closed.
     */
    static final class ScriptedChannel implements ReadableByteChannel {
        private final byte[] stream;
        private final Random random;
        private final int mostPerRead;
        private int delivered;
        private int consumed;
        private boolean closedByPeer;

        ScriptedChannel(byte[] stream, Random random, int mostPerRead) {
            this.stream = stream;
            this.random = random;
            this.mostPerRead = mostPerRead;
        }

        void deliver(int bytes) {
            delivered += bytes;
        }

        void closeByPeer() {
            closedByPeer = true;
        }

        int delivered() {
            return delivered;
        }

        int available() {
            return delivered - consumed;
        }

        int mostPerRead() {
            return mostPerRead;
        }

        @Override
        public int read(ByteBuffer dst) {
            int available = available();
            if (available == 0) {
                return closedByPeer ? -1 : 0;
            }
            if (!dst.hasRemaining()) {
                return 0;
            }
            int count = 1 + random.nextInt(Math.min(Math.min(dst.remaining(), available), mostPerRead));
            dst.put(stream, consumed, count);
            consumed += count;
            return count;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    /**
     * Stands between the decoder and a channel and watches how it is read: the largest buffer, whether a
     * read came after a 0 that meant "nothing there" or after -1. Those two throw at once, since on a real
     * socket such a loop never ends; the test reports them when readFrom returns.
     */
    static final class WatchedChannel implements ReadableByteChannel {
        private final ReadableByteChannel source;
        private int readsThisCall;
        private boolean zeroThisCall;
        private boolean lastZeroHadNoRoom;
        private boolean ended;
        private int largestBuffer;
        private AssertionError problem;

        WatchedChannel(ReadableByteChannel source) {
            this.source = source;
        }

        void startCall() {
            readsThisCall = 0;
            zeroThisCall = false;
            lastZeroHadNoRoom = false;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            if (ended) {
                throw problem(new AssertionError("readFrom() read again after a read had returned -1. The end of"
                        + " the stream is final: every further read returns -1 at once, so a loop that does not stop"
                        + " at -1 spins for ever."));
            }
            if (zeroThisCall && !lastZeroHadNoRoom) {
                throw problem(new AssertionError("readFrom() read again right after a read had returned 0 in the same"
                        + " call. 0 means nothing is there now, and on a real socket reading again at once returns 0"
                        + " again and again: the loop spins at 100 % CPU. Return the frames at the first 0."));
            }
            if (zeroThisCall && !dst.hasRemaining()) {
                throw problem(new AssertionError("readFrom() read twice in a row into a buffer with no room left"
                        + " (position == limit); each such read returns 0 whatever is waiting. Make room first."));
            }
            readsThisCall++;
            largestBuffer = Math.max(largestBuffer, dst.capacity());
            boolean hadRoom = dst.hasRemaining();
            int count = source.read(dst);
            if (count == 0) {
                zeroThisCall = true;
                lastZeroHadNoRoom = !hadRoom;
            } else if (count < 0) {
                ended = true;
            }
            return count;
        }

        private AssertionError problem(AssertionError error) {
            if (problem == null) {
                problem = error;
            }
            return error;
        }

        void rethrowProblem() {
            if (problem != null) {
                throw problem;
            }
        }

        int readsThisCall() {
            return readsThisCall;
        }

        boolean sawZeroThisCall() {
            return zeroThisCall;
        }

        boolean lastZeroHadNoRoom() {
            return lastZeroHadNoRoom;
        }

        boolean sawEnd() {
            return ended;
        }

        int largestBuffer() {
            return largestBuffer;
        }

        @Override
        public boolean isOpen() {
            return source.isOpen();
        }

        @Override
        public void close() throws IOException {
            source.close();
        }
    }

    /**
     * Two ends of a real TCP connection on loopback: the test writes into one end in the pieces it chooses,
     * with Nagle's algorithm off so each write leaves at once, and the decoder reads the other, non-blocking.
     */
    record SocketPair(SocketChannel writer, SocketChannel reader, Selector selector) implements AutoCloseable {

        static SocketPair open() throws IOException {
            try (ServerSocketChannel listener = ServerSocketChannel.open()) {
                listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                SocketChannel reader = SocketChannel.open(listener.getLocalAddress());
                SocketChannel writer = listener.accept();
                writer.setOption(StandardSocketOptions.TCP_NODELAY, true);
                reader.configureBlocking(false);
                Selector selector = Selector.open();
                reader.register(selector, SelectionKey.OP_READ);
                return new SocketPair(writer, reader, selector);
            }
        }

        void write(byte[] bytes, int from, int count) throws IOException {
            ByteBuffer piece = ByteBuffer.wrap(bytes, from, count);
            while (piece.hasRemaining()) {
                writer.write(piece); // blocking, and small: the reader's side has room for it
            }
        }

        void endWriting() throws IOException {
            writer.shutdownOutput();
        }

        /** Waits until the reader has bytes (or the end) to read; the test's waiting, not the decoder's. */
        void awaitReadable(String setting) throws IOException {
            selector.selectedKeys().clear();
            if (selector.select(SOCKET_WAIT_MILLIS) == 0 && selector.selectNow() == 0) {
                fail(setting + ". The socket had nothing to read for " + SOCKET_WAIT_MILLIS + " ms, though the test"
                        + " had written bytes it had not yet seen decoded.");
            }
        }

        @Override
        public void close() throws IOException {
            try (selector; reader; writer) {
                // closes all three
            }
        }
    }
}
