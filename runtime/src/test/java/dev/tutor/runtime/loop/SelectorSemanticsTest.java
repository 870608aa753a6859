package dev.tutor.runtime.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The selector behaviours the loop relies on, after the list in CPython's Lib/test/test_selectors.py:
 * first pinned on java.nio's Selector itself, then on the loop's reader/writer registrations.
 */
@Timeout(10)
class SelectorSemanticsTest {

    private Selector selector;
    private SocketChannel left;
    private SocketChannel right;

    @BeforeEach
    void openPair() throws IOException {
        selector = Selector.open();
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            left = SocketChannel.open(server.getLocalAddress());
            right = server.accept();
        }
        left.configureBlocking(false);
        right.configureBlocking(false);
    }

    @AfterEach
    void closeAll() throws IOException {
        left.close();
        right.close();
        selector.close();
    }

    @Test
    void registeringTwiceReturnsTheSameKeyWithTheNewInterest() throws IOException {
        // Python's selectors raise KeyError here; java.nio quietly updates the key instead.
        SelectionKey first = left.register(selector, SelectionKey.OP_READ);
        SelectionKey second = left.register(selector, SelectionKey.OP_WRITE);
        assertThat(second).isSameAs(first);
        assertThat(second.interestOps()).isEqualTo(SelectionKey.OP_WRITE);
    }

    @Test
    void anUnknownChannelHasNoKey() {
        assertThat(left.keyFor(selector)).isNull();
    }

    @Test
    void modifyChangesWhatSelectReports() throws IOException {
        SelectionKey key = left.register(selector, SelectionKey.OP_READ);
        assertThat(selector.selectNow()).isZero();
        key.interestOps(SelectionKey.OP_WRITE);
        assertThat(selector.selectNow()).isEqualTo(1);
        assertThat(key.readyOps()).isEqualTo(SelectionKey.OP_WRITE);
    }

    @Test
    void aFreshPairIsWritableButNotReadable() throws IOException {
        left.register(selector, SelectionKey.OP_READ | SelectionKey.OP_WRITE);
        List<Integer> ready = new ArrayList<>();
        selector.selectNow(key -> ready.add(key.readyOps()));
        assertThat(ready).containsExactly(SelectionKey.OP_WRITE);
    }

    @Test
    void dataMakesThePeerReadable() throws IOException {
        right.register(selector, SelectionKey.OP_READ);
        left.write(ByteBuffer.wrap(new byte[] {42}));
        assertThat(selector.select(5_000)).isEqualTo(1);
    }

    @Test
    void aZeroTimeoutNeverBlocks() throws IOException {
        right.register(selector, SelectionKey.OP_READ);
        long start = System.nanoTime();
        for (int i = 0; i < 100; i++) {
            assertThat(selector.selectNow()).isZero();
        }
        assertThat(System.nanoTime() - start).isLessThan(2_000_000_000L);
    }

    @Test
    void closingTheSelectorInvalidatesKeysAndRefusesSelect() throws IOException {
        SelectionKey key = left.register(selector, SelectionKey.OP_READ);
        selector.close();
        assertThat(key.isValid()).isFalse();
        assertThat(left.isOpen()).as("the channel stays open").isTrue();
        assertThatThrownBy(() -> selector.selectNow()).isInstanceOf(ClosedSelectorException.class);
    }

    @Test
    void closingAChannelCancelsItsKey() throws IOException {
        SelectionKey key = left.register(selector, SelectionKey.OP_READ);
        left.close();
        assertThat(key.isValid()).isFalse();
    }

    @Test
    void registeringABlockingChannelIsRefused() throws IOException {
        left.configureBlocking(true);
        assertThatThrownBy(() -> left.register(selector, SelectionKey.OP_READ))
                .isInstanceOf(java.nio.channels.IllegalBlockingModeException.class);
    }

    // ---- the same ideas through the loop -----------------------------------------------------------

    @Test
    void addReaderTwiceReplacesTheCallback() throws IOException {
        try (EventLoop loop = EventLoop.create(LoopOptions.defaults().withLog(new RecordingLog()))) {
            List<String> ran = new ArrayList<>();
            Handle first = loop.addReader(right, () -> ran.add("first"));
            loop.addReader(right, () -> {
                ran.add("second");
                loop.removeReader(right);
            });
            assertThat(first.isCancelled()).isTrue();
            left.write(ByteBuffer.wrap(new byte[] {1}));
            loop.runOnce();
            assertThat(ran).containsExactly("second");
        }
    }

    @Test
    void removingAnUnknownReaderOrWriterReturnsFalse() {
        try (EventLoop loop = EventLoop.create()) {
            assertThat(loop.removeReader(left)).isFalse();
            assertThat(loop.removeWriter(left)).isFalse();
            loop.addReader(left, () -> { });
            assertThat(loop.removeWriter(left)).isFalse();
            assertThat(loop.removeReader(left)).isTrue();
            assertThat(loop.removeReader(left)).isFalse();
        }
    }

    @Test
    void onlyTheWriterOfAFreshPairRuns() {
        try (EventLoop loop = EventLoop.create()) {
            List<String> ran = new ArrayList<>();
            loop.addReader(left, () -> ran.add("reader"));
            loop.addWriter(left, () -> {
                ran.add("writer");
                loop.removeWriter(left);
            });
            loop.runOnce();
            assertThat(ran).containsExactly("writer");
        }
    }

    @Test
    void addReaderOnAClosedChannelFailsClearly() throws IOException {
        try (EventLoop loop = EventLoop.create()) {
            left.close();
            assertThatThrownBy(() -> loop.addReader(left, () -> { })).hasMessageContaining("closed");
        }
    }
}
