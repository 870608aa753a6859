package dev.tutor.runtime.poll;

import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A {@link Poller} over a real {@link Selector}: what an event loop runs on outside a test. */
final class SelectorPoller implements Poller {
    private final Selector selector;

    SelectorPoller() throws IOException {
        this.selector = Selector.open();
    }

    @Override
    public void watch(SelectableChannel channel, int interestOps, Object attachment) throws IOException {
        SelectionKey key = channel.keyFor(selector);
        if (key == null || !key.isValid()) {
            channel.register(selector, interestOps, attachment);
        } else {
            key.interestOps(interestOps);
            key.attach(attachment);
        }
    }

    @Override
    public void forget(SelectableChannel channel) {
        SelectionKey key = channel.keyFor(selector);
        if (key != null) {
            key.cancel();
        }
    }

    @Override
    public List<Ready> poll(long timeoutNanos) throws IOException {
        if (timeoutNanos == 0) {
            selector.selectNow();
        } else if (timeoutNanos < 0) {
            selector.select();
        } else {
            // select(ms) would round 0.4 ms down to 0, which means "for ever": wait at least 1 ms.
            selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(timeoutNanos)));
        }
        List<Ready> ready = new ArrayList<>(selector.selectedKeys().size());
        for (SelectionKey key : selector.selectedKeys()) {
            if (key.isValid()) {
                ready.add(new Ready(key.channel(), key.attachment(), key.readyOps()));
            }
        }
        selector.selectedKeys().clear();
        return ready;
    }

    @Override
    public void wakeUp() {
        selector.wakeup();
    }

    @Override
    public void close() throws IOException {
        selector.close();
    }
}
