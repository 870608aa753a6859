package dev.tutor.runtime.net;

import dev.tutor.runtime.loop.LoopListener;
import java.time.Duration;

/**
 * How to start a server: which port (0 lets the system pick a free one), what delay to use, and
 * optionally a listener that sees every turn of the server's event loop (for {@code --trace}).
 *
 * <p>Immutable; {@code ServerOptions.defaults().withPort(8471).withDelay(Duration.ofMillis(200))}.
 *
 * @param port the TCP port on 127.0.0.1, from 0 (any free port) to 65535
 * @param delay the server's delay (see each {@link ServerKind}); null means that kind's default
 * @param listener watches the server's loop; null for none. Called on the server's thread.
 */
public record ServerOptions(int port, Duration delay, LoopListener listener) {

    /** The longest delay a server accepts, so a typo cannot hang a client for hours. */
    public static final Duration MAX_DELAY = Duration.ofSeconds(60);

    public ServerOptions {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("Port " + port + " is out of range: use 1 to 65535, or 0 for a free one.");
        }
        if (delay != null && (delay.isNegative() || delay.compareTo(MAX_DELAY) > 0)) {
            throw new IllegalArgumentException("Delay " + delay.toMillis() + " ms is out of range: use 0 to "
                    + MAX_DELAY.toMillis() + " ms.");
        }
    }

    /** Any free port, each kind's default delay, no listener. */
    public static ServerOptions defaults() {
        return new ServerOptions(0, null, null);
    }

    /** Returns a copy listening on {@code newPort} (0 for any free port). */
    public ServerOptions withPort(int newPort) {
        return new ServerOptions(newPort, delay, listener);
    }

    /** Returns a copy with {@code newDelay}. */
    public ServerOptions withDelay(Duration newDelay) {
        return new ServerOptions(port, newDelay, listener);
    }

    /** Returns a copy whose server loop reports to {@code newListener}. */
    public ServerOptions withListener(LoopListener newListener) {
        return new ServerOptions(port, delay, newListener);
    }

    /** Returns the delay, or {@code fallback} when none was given. */
    Duration delayOr(Duration fallback) {
        return delay != null ? delay : fallback;
    }
}
