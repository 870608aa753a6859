package dev.tutor.runtime.net;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import jdk.net.ExtendedSocketOptions;

/**
 * Quick acknowledgements for the clients that tests and demos drive against a learner's server, so that the
 * server's Nagle algorithm does not wait on them.
 *
 * <p>A learner's server keeps Nagle's algorithm, as any would: a short tail it writes waits for the
 * acknowledgement of what went before, and a receiver that delays its acknowledgements, as Linux does for
 * 40 ms or more, holds that tail back as long. chat-room's test of clients that fall behind spent most of its
 * 3 s that way (bench/RESULTS.md, 2026-12-07). The kernel leaves quick-acknowledgement mode by itself, so it is
 * asked for again after every read. Elsewhere than Linux the option does not exist and nothing is done.
 */
public final class QuickAcks {
    private QuickAcks() {
    }

    /** Asks for {@code channel}'s next acknowledgements to go at once; call it after each read. */
    public static void request(SocketChannel channel) {
        if (channel.supportedOptions().contains(ExtendedSocketOptions.TCP_QUICKACK)) {
            try {
                channel.setOption(ExtendedSocketOptions.TCP_QUICKACK, true);
            } catch (IOException e) {
                // the connection is going away: the next read or write says so
            }
        }
    }
}
