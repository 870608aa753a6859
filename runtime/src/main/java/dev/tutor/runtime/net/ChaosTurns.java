package dev.tutor.runtime.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Clients that take turns by a script, each waiting for its echo before the next turn, as CodeCrafters'
 * tester does: "1 2 1 1 2 close1 3" opens client 1, then 2, lets 1 talk twice, 2 once, closes 1 and opens 3.
 * A server that serves one client at a time answers client 1 and then never client 2.
 */
final class ChaosTurns {
    private ChaosTurns() {
    }

    static Optional<String> run(InetSocketAddress server, String script, ChaosClient.Pieces pieces, int maxBytes,
                                Random random, int turnMillis) {
        Map<Integer, Socket> open = new LinkedHashMap<>();
        List<String> done = new ArrayList<>();
        try {
            for (String step : script.trim().split("\\s+")) {
                if (step.startsWith("close")) {
                    int id = Integer.parseInt(step.substring("close".length()));
                    Socket socket = open.remove(id);
                    if (socket != null) {
                        socket.close();
                    }
                    done.add("client " + id + " closed");
                    continue;
                }
                int id = Integer.parseInt(step);
                Socket socket = open.get(id);
                if (socket == null) {
                    socket = new Socket();
                    socket.setTcpNoDelay(true);
                    socket.connect(server, turnMillis);
                    socket.setSoTimeout(turnMillis);
                    open.put(id, socket);
                }
                byte[] message = new byte[1 + random.nextInt(maxBytes)];
                for (int i = 0; i < message.length; i++) {
                    message[i] = (byte) ('a' + random.nextInt(26));
                }
                OutputStream out = socket.getOutputStream();
                for (byte[] piece : ChaosPieces.cut(List.of(message), pieces, random)) {
                    out.write(piece);
                    out.flush();
                }
                byte[] back = readEcho(socket.getInputStream(), message.length);
                String before = done.isEmpty() ? "first turn" : "after " + String.join(", ", done);
                if (back == null) {
                    return Optional.of("Turn " + (done.size() + 1) + " (" + before + "): client " + id + " sent "
                            + message.length + " bytes and got no complete echo within " + turnMillis + " ms"
                            + (open.size() > 1 ? " while " + (open.size() - 1) + " other client(s) were connected:"
                            + " the server serves one client at a time, or waits on another client's socket." : "."));
                }
                if (!Arrays.equals(back, message)) {
                    return Optional.of("Turn " + (done.size() + 1) + ": client " + id + " sent \""
                            + new String(message, StandardCharsets.US_ASCII) + "\" and got back \""
                            + new String(back, StandardCharsets.US_ASCII) + "\".");
                }
                done.add("client " + id + " talked");
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("Turn " + (done.size() + 1) + ": " + e + " (after " + String.join(", ", done) + ").");
        } finally {
            for (Socket socket : open.values()) {
                try {
                    socket.close();
                } catch (IOException e) {
                    // the run is over
                }
            }
        }
    }

    /** The next {@code length} bytes, or null when they did not all come before the socket's time-out. */
    private static byte[] readEcho(InputStream in, int length) throws IOException {
        byte[] back = new byte[length];
        int got = 0;
        try {
            while (got < length) {
                int n = in.read(back, got, length - got);
                if (n < 0) {
                    return Arrays.copyOf(back, got);
                }
                got += n;
            }
        } catch (SocketTimeoutException e) {
            return null;
        }
        return back;
    }
}
