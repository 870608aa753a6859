package dev.tutor.exercises.sockets;

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
}
