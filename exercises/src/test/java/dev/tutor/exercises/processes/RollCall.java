package dev.tutor.exercises.processes;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Where the children that need to tell the test something check in: a socket on the loopback address,
 * one child at a time. A child says its PID first, then whatever it has to report, a line at a time.
 */
final class RollCall implements AutoCloseable {
    private final ServerSocket server;
    private final CompletableFuture<ProcessHandle> child = new CompletableFuture<>();
    private final List<String> said = Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch askedToStop = new CountDownLatch(1);
    private volatile long reportedAtNanos;

    RollCall() throws IOException {
        server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        Thread listener = new Thread(this::listen, "roll call");
        listener.setDaemon(true);
        listener.start();
    }

    String port() {
        return Integer.toString(server.getLocalPort());
    }

    private void listen() {
        try (Socket socket = server.accept();
             BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                     StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("pid ") && !child.isDone()) {
                    reportedAtNanos = System.nanoTime();
                    ProcessHandle.of(Long.parseLong(line.substring(4))).ifPresent(child::complete);
                } else if (line.equals("asked to stop")) {
                    askedToStop.countDown();
                }
                said.add(line);
            }
        } catch (IOException | RuntimeException e) {
            // the socket closed: the test is over, or the child is gone
        }
    }

    /** The child, once it has reported in: the test's handle on it, wherever run() keeps its own. */
    Optional<ProcessHandle> child() {
        return Optional.ofNullable(child.getNow(null));
    }

    Optional<ProcessHandle> child(Duration within) throws InterruptedException {
        try {
            return Optional.of(child.get(within.toMillis(), TimeUnit.MILLISECONDS));
        } catch (ExecutionException | TimeoutException e) {
            return Optional.empty();
        }
    }

    /** When the child reported in, by System.nanoTime(), or 0 if it has not. */
    long reportedAtNanos() {
        return reportedAtNanos;
    }

    boolean askedToStop() {
        return askedToStop.getCount() == 0;
    }

    /** The last progress report that starts with {@code prefix}, or empty. */
    Optional<String> last(String prefix) {
        synchronized (said) {
            for (int i = said.size() - 1; i >= 0; i--) {
                if (said.get(i).startsWith(prefix)) {
                    return Optional.of(said.get(i));
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }

    /** The child's side: connects, says its PID, and keeps the line open for later reports. */
    static Member join(String port) throws IOException {
        Member member = connect(port);
        member.sayPid();
        return member;
    }

    /** The child's side: connects, and keeps the line open for its PID and later reports. */
    static Member connect(String port) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), Integer.parseInt(port));
        return new Member(new PrintStream(socket.getOutputStream(), true, StandardCharsets.UTF_8));
    }

    record Member(PrintStream out) {
        void say(String line) {
            out.println(line);
        }

        void sayPid() {
            say("pid " + ProcessHandle.current().pid());
        }
    }
}
