package dev.tutor.exercises.sockets;

import static dev.tutor.exercises.sockets.ServerClients.ECHO_WAIT_MILLIS;
import static dev.tutor.exercises.sockets.ServerClients.connect;
import static dev.tutor.exercises.sockets.ServerThreads.CLOSE_MILLIS;
import static dev.tutor.exercises.sockets.ServerThreads.closeWithin;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Holds the thread that creates a thread inside {@code new Thread(...)}, once armed: the constructor asks
 * this inheritable thread-local for the new thread's value on the creating thread, and no socket call there
 * can be woken by closing a socket. Set on the test's thread before the server starts, so that every thread
 * the server starts inherits it; threads the test creates are never held. Not a test itself.
 *
 * <p>An interrupt does not end the hold either: it stands for a thread stuck where nothing close() can do
 * wakes it, and the held thread gets its interrupt back once it is let go.
 *
 * <p>The tests of close() hold the accepting thread of a {@link ThreadPerClientServer} with it ({@link
 * #holdTheAcceptingThread}), and at their end let it go and close their clients and the server ({@link
 * #letGoAndClose}).
 */
final class ThreadStartHold extends InheritableThreadLocal<String> implements AutoCloseable {
    /** The longest a thread is held if the test never lets it go: longer than any test runs. */
    private static final long MOST_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final Thread test = Thread.currentThread();
    private final AtomicBoolean armed = new AtomicBoolean();
    private final CountDownLatch held = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private volatile Thread holding;

    ThreadStartHold() {
        set("inherited by every thread the server starts");
    }

    @Override
    protected String childValue(String parentValue) {
        if (Thread.currentThread() != test && armed.get()) {
            holding = Thread.currentThread();
            held.countDown();
            long deadline = System.nanoTime() + MOST_NANOS;
            boolean interrupted = false;
            while (true) {
                try {
                    release.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        return parentValue;
    }

    /** From now on, a thread of the server that creates a thread is held until {@link #letGo()}. */
    void arm() {
        armed.set(true);
    }

    /** Waits up to {@code millis} for a thread of the server to be held; false if none was. */
    boolean awaitHeld(long millis) throws InterruptedException {
        return held.await(millis, TimeUnit.MILLISECONDS);
    }

    /** The thread that was held, or null while none has been. */
    Thread holding() {
        return holding;
    }

    void letGo() {
        release.countDown();
    }

    @Override
    public void close() {
        letGo();
        remove();
    }

    /**
     * Connects one more client to {@code server} after the {@code idle} ones, and holds the thread that accepts
     * it inside {@code new Thread(...)} for it; fails unless a thread of the server is held. Returns what was
     * done, for a message.
     */
    String holdTheAcceptingThread(ThreadPerClientServer server, int idle, List<Socket> clients)
            throws IOException, InterruptedException {
        arm();
        clients.add(connect(server));
        String setting = idle + " client(s) were connected and idle; then one more connected, and the test kept the"
                + " thread that accepted it from ever ending: it stopped it inside new Thread(...), where no socket"
                + " call is waiting and closing a socket wakes nothing. ";
        if (!awaitHeld(ECHO_WAIT_MILLIS)) {
            fail(setting + "But no thread of the server created a thread for that client within " + ECHO_WAIT_MILLIS
                    + " ms of its connecting.");
        }
        return setting;
    }

    /** After a test that held a thread of the server: lets it go, closes the test's clients and the server. */
    void letGoAndClose(List<Socket> clients, ThreadPerClientServer server) throws Exception {
        close();
        for (Socket client : clients) {
            client.close();
        }
        closeWithin(server, CLOSE_MILLIS, List.of());
    }
}
