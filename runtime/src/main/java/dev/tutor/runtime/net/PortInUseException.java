package dev.tutor.runtime.net;

import java.net.BindException;

/**
 * Thrown when a server is asked for a port another program already listens on; its message is one
 * line telling the user what to do.
 */
public final class PortInUseException extends BindException {

    private static final long serialVersionUID = 1L;

    private final int port;

    /** Creates the exception for {@code port}. */
    public PortInUseException(int port) {
        super("Port " + port + " is already in use: pick another with --port or leave it out for a free one.");
        this.port = port;
    }

    /** Returns the port that was taken. */
    public int port() {
        return port;
    }
}
