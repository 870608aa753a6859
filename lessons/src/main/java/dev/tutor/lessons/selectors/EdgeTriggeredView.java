package dev.tutor.lessons.selectors;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * An imitation of edge-triggered waiting on top of Java's level-triggered selector, for lesson 9's demo.
 * Java's {@code Selector} cannot be edge-triggered; this view can show safely what epoll's edge-triggered
 * mode would do in the pipe scenario of epoll(7).
 *
 * <p>The rule it imitates: a channel is reported once when it becomes ready, and then not again until the
 * program has drained it, that is, until a read on it has returned 0 (EAGAIN in C), which the program
 * says with {@link #drained(SelectionKey)}. Real epoll in edge-triggered mode would also report new data
 * arriving; in the demo's scenario none arrives, so both wait forever. The demo's waits have a time limit.
 */
final class EdgeTriggeredView {

    private final Selector selector;
    /** Keys reported and not drained since, with the interest they had: disarmed in the kernel meanwhile. */
    private final Map<SelectionKey, Integer> reported = new HashMap<>();

    EdgeTriggeredView(Selector selector) {
        this.selector = selector;
    }

    /** Waits up to {@code timeoutMillis} for a channel that has become ready; empty if none did. */
    Set<SelectionKey> select(long timeoutMillis) throws IOException {
        selector.select(timeoutMillis);
        Set<SelectionKey> fresh = new HashSet<>(selector.selectedKeys());
        selector.selectedKeys().clear();
        for (SelectionKey key : fresh) {
            // Reported once: take it out of the kernel's interest until it has been drained, so that a
            // channel that is still ready does not wake the next select() at once.
            reported.put(key, key.interestOps());
            key.interestOps(0);
        }
        return fresh;
    }

    /** The program read until a read returned 0: the next time the channel becomes ready is news again. */
    void drained(SelectionKey key) {
        Integer interest = reported.remove(key);
        if (interest != null && key.isValid()) {
            key.interestOps(interest);
        }
    }
}
