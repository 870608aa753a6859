package dev.tutor.runtime.net;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The servers the tutor can start, by the name {@code tutor serve NAME} uses, each with what its
 * delay means and its default.
 */
public enum ServerKind {

    /** HTTP/1.1 server that waits before each answer: {@code /delay/200}, {@code ?delay=200} or the default. */
    HTTP("http", Duration.ofMillis(100), "the wait before each response, unless the request names one"),
    /** Sends back every byte it receives. */
    ECHO("echo", Duration.ZERO, "unused: echoes at once"),
    /** Answers each HTTP request a few bytes at a time, so clients see partial reads. */
    TRICKLE("trickle", Duration.ofMillis(50), "the pause between two small pieces of the response"),
    /** Reads a little at a time from a small buffer, so clients see partial writes. */
    SLOW_READER("slow-reader", Duration.ofMillis(20), "the pause between two small reads");

    private final String cliName;
    private final Duration defaultDelay;
    private final String delayMeaning;

    ServerKind(String cliName, Duration defaultDelay, String delayMeaning) {
        this.cliName = cliName;
        this.defaultDelay = defaultDelay;
        this.delayMeaning = delayMeaning;
    }

    /** Returns the name used on the command line, such as {@code slow-reader}. */
    public String cliName() {
        return cliName;
    }

    /** Returns the delay used when none is given. */
    public Duration defaultDelay() {
        return defaultDelay;
    }

    /** Returns what {@code --delay} means for this kind, for help text. */
    public String delayMeaning() {
        return delayMeaning;
    }

    /** Starts a server of this kind; see {@link LoopbackServer} for what "started" promises. */
    public LoopbackServer start(ServerOptions options) throws IOException {
        return switch (this) {
            case HTTP -> SlowHttpServer.start(options);
            case ECHO -> EchoServer.start(options);
            case TRICKLE -> TrickleServer.start(options);
            case SLOW_READER -> SlowReadingServer.start(options);
        };
    }

    /**
     * Finds a kind by its command-line name, ignoring case. Throws {@link IllegalArgumentException} with a
     * one-line message listing the names when there is none.
     */
    public static ServerKind fromName(String name) {
        for (ServerKind kind : values()) {
            if (kind.cliName.equalsIgnoreCase(name.trim()) || kind.name().equalsIgnoreCase(name.trim())) {
                return kind;
            }
        }
        throw new IllegalArgumentException("No server called '" + name + "'. Pick one of: " + names() + ".");
    }

    /** Returns the command-line names, comma-separated. */
    public static String names() {
        return Arrays.stream(values()).map(ServerKind::cliName).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return cliName.toLowerCase(Locale.ROOT);
    }
}
