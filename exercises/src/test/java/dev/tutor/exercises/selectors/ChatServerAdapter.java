package dev.tutor.exercises.selectors;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * Hands a learner's {@link ChatServer} to {@link LoopUnderTest}, which runs {@code serve()} on a thread of the
 * test's own and calls {@code stop()} from the test's thread. Not a test itself.
 */
final class ChatServerAdapter implements LoopUnderTest.Server {
    private final ChatServer server;

    ChatServerAdapter(ChatServer server) {
        this.server = server;
    }

    @Override
    public void serve() throws IOException {
        server.serve();
    }

    @Override
    public void stop() {
        server.stop();
    }

    @Override
    public InetSocketAddress address() {
        return server.address();
    }

    @Override
    public Object instance() {
        return server;
    }
}
