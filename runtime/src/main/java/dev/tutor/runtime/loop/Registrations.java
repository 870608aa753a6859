package dev.tutor.runtime.loop;

import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

/**
 * Which callback waits for reading and which for writing on each channel, kept as the attachment of
 * the channel's {@link SelectionKey}. The selector-events half of asyncio's
 * {@code _SelectorEventLoop._add_reader} and friends. Called only on the loop thread.
 */
final class Registrations {

    /** The callbacks registered for one channel; either may be null. */
    static final class Entry {
        LoopHandle reader;
        LoopHandle writer;
    }

    private final Selector selector;

    Registrations(Selector selector) {
        this.selector = selector;
    }

    Handle add(SelectableChannel channel, boolean forReading, LoopHandle handle) {
        SelectionKey key = channel.keyFor(selector);
        try {
            if (key == null) {
                channel.configureBlocking(false); // register() refuses a blocking channel
                Entry entry = new Entry();
                set(entry, forReading, handle);
                channel.register(selector, interest(channel, entry), entry);
            } else {
                Entry entry = (Entry) key.attachment();
                LoopHandle old = forReading ? entry.reader : entry.writer;
                if (old != null) {
                    old.cancel(); // registering again replaces the callback, as in asyncio
                }
                set(entry, forReading, handle);
                key.interestOps(interest(channel, entry));
            }
        } catch (IOException e) {
            throw SelectorEventLoop.unchecked(forReading ? "addReader" : "addWriter", e);
        } catch (java.nio.channels.CancelledKeyException e) {
            throw new IllegalStateException((forReading ? "addReader" : "addWriter")
                    + ": the channel was closed", e);
        }
        return handle;
    }

    boolean remove(SelectableChannel channel, boolean forReading) {
        SelectionKey key = channel.keyFor(selector);
        if (key == null || !key.isValid()) {
            return false;
        }
        Entry entry = (Entry) key.attachment();
        LoopHandle old = forReading ? entry.reader : entry.writer;
        if (old == null) {
            return false;
        }
        old.cancel(); // it may already sit in this turn's ready queue; cancelled, it will not run
        set(entry, forReading, null);
        // An interest set of zero keeps the key: cancelling it would make the next register() fail
        // until the selector has run once more (a CancelledKeyException trap in java.nio).
        key.interestOps(interest(channel, entry));
        return true;
    }

    private static void set(Entry entry, boolean forReading, LoopHandle handle) {
        if (forReading) {
            entry.reader = handle;
        } else {
            entry.writer = handle;
        }
    }

    /** The interest set: read or accept for a reader; connect while connecting, else write, for a writer. */
    private static int interest(SelectableChannel channel, Entry entry) {
        int valid = channel.validOps();
        int ops = 0;
        if (entry.reader != null) {
            ops |= valid & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT);
        }
        if (entry.writer != null) {
            boolean connecting = channel instanceof SocketChannel socket && socket.isConnectionPending();
            ops |= connecting ? SelectionKey.OP_CONNECT : valid & SelectionKey.OP_WRITE;
        }
        return ops;
    }
}
