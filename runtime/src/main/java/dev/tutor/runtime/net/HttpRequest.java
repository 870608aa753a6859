package dev.tutor.runtime.net;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One parsed HTTP request head: what the slow server needs of it and nothing more.
 *
 * @param method GET, HEAD, …
 * @param target the path and query as sent, such as {@code /delay/200?x=1}
 * @param keepAlive whether the connection stays open after the response
 * @param bodyLength bytes of body that follow the head (skipped, never read as a request)
 * @param delay the delay the request asks for, or null to use the server's default
 * @param problem why the request is bad (answered with 400), or null
 */
record HttpRequest(String method, String target, boolean keepAlive, long bodyLength, Duration delay, String problem) {

    private static final Pattern DELAY_PATH = Pattern.compile("^/delay/([^/?#]*)");
    private static final Pattern DELAY_QUERY = Pattern.compile("[?&]delay=([^&#]*)");

    /** Finds the end of a request head ("\r\n\r\n" or a bare "\n\n") in bytes [0, limit); -1 if not there yet. */
    static int headEnd(byte[] bytes, int limit) {
        for (int i = 0; i + 1 < limit; i++) {
            if (bytes[i] == '\n') {
                if (bytes[i + 1] == '\n') return i + 2;
                if (bytes[i + 1] == '\r' && i + 2 < limit && bytes[i + 2] == '\n') return i + 3;
            }
        }
        return -1;
    }

    /** Parses a request head of {@code length} bytes. Never throws: a bad request has a {@code problem}. */
    static HttpRequest parse(byte[] bytes, int length) {
        String head = new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
        String[] lines = head.split("\r?\n");
        String[] requestLine = lines[0].split(" ");
        if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/1.")) {
            return bad("Bad request line '" + lines[0].strip() + "': expected like 'GET /delay/200 HTTP/1.1'.");
        }
        boolean http11 = requestLine[2].equals("HTTP/1.1");
        String connection = "";
        long bodyLength = 0;
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) continue;
            String name = lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = lines[i].substring(colon + 1).strip();
            if (name.equals("connection")) {
                connection = value.toLowerCase(Locale.ROOT);
            } else if (name.equals("content-length")) {
                try {
                    bodyLength = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    return bad("Bad Content-Length '" + value + "'.");
                }
            }
        }
        boolean keepAlive = http11 ? !connection.contains("close") : connection.contains("keep-alive");
        String target = requestLine[1];
        Duration delay = null;
        Matcher path = DELAY_PATH.matcher(target);
        Matcher query = DELAY_QUERY.matcher(target);
        String asked = path.find() ? path.group(1) : query.find() ? query.group(1) : null;
        if (asked != null) {
            delay = parseDelay(asked);
            if (delay == null) {
                return new HttpRequest(requestLine[0], target, keepAlive, bodyLength, null,
                        "Bad delay '" + asked + "': use a whole number of milliseconds from 0 to "
                                + ServerOptions.MAX_DELAY.toMillis() + ", as in /delay/200 or ?delay=200.");
            }
        }
        return new HttpRequest(requestLine[0], target, keepAlive, bodyLength, delay, null);
    }

    private static Duration parseDelay(String text) {
        try {
            long millis = Long.parseLong(text);
            if (millis < 0 || millis > ServerOptions.MAX_DELAY.toMillis()) return null;
            return Duration.ofMillis(millis);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static HttpRequest bad(String problem) {
        return new HttpRequest("?", "?", false, 0, null, problem);
    }
}
