package dev.tutor.runtime.meter;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * An echo server that a meter can watch: where it listens and which threads are its own, so that their CPU can be
 * told apart from the probe clients'. Closing it stops all its threads and closes all its sockets before it
 * returns.
 */
public interface MeteredServer extends AutoCloseable {
    /** A short name for the meter's row. */
    String name();

    /** Where it listens: 127.0.0.1 and a port the system picked. */
    InetSocketAddress address();

    /** The ids of the server's live threads now. */
    List<Long> threadIds();

    @Override
    void close();
}
