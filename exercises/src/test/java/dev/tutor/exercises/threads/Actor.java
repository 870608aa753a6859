package dev.tutor.exercises.threads;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A thread of the test's own that makes the calls it is given, one at a time, so that a test can fix the
 * order of calls on several threads. A call stuck on a lock inside {@link LineLog} while every other actor
 * is idle can never go on: that is reported at once, not after a time limit.
 */
final class Actor implements AutoCloseable {
    /** How long a call may take at all; far more than any right answer needs. */
    private static final long LIMIT_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** How long a call must stay stuck before it is called a deadlock: stuck is stuck, this only confirms it. */
    private static final int STUCK_POLLS = 30;

    private final BlockingQueue<Runnable> calls = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean busy;

    private Actor(Thread.Builder builder) {
        thread = builder.unstarted(this::serve);
        thread.setDaemon(true);
        thread.start();
    }

    /** A {@code "platform"} thread with {@code name}, or a {@code "virtual"} thread, which has no name. */
    static Actor start(String kind, String name) {
        return new Actor(kind.equals("virtual") ? Thread.ofVirtual() : Thread.ofPlatform().name(name));
    }

    private void serve() {
        try {
            while (true) {
                calls.take().run();
            }
        } catch (InterruptedException e) {
            // closed
        }
    }

    /** Makes {@code action} on this actor's thread and waits for it; a throw fails the test. */
    void call(String how, Runnable action, Actor other) throws InterruptedException {
        Throwable thrown = run(how, action, other);
        if (thrown != null) {
            fail(how + ". No call may fail there, but one threw " + thrown + ".");
        }
    }

    /** Makes {@code action} on this actor's thread and returns what it threw, or null. */
    Throwable callExpectingFailure(String how, Runnable action, Actor other) throws InterruptedException {
        return run(how, action, other);
    }

    private Throwable run(String how, Runnable action, Actor other) throws InterruptedException {
        CompletableFuture<Void> done = new CompletableFuture<>();
        busy = true;
        calls.add(() -> {
            try {
                action.run();
                done.complete(null);
            } catch (Throwable t) {
                done.completeExceptionally(t);
            } finally {
                busy = false;
            }
        });
        long deadline = System.nanoTime() + LIMIT_NANOS;
        int stuck = 0;
        while (true) {
            try {
                done.get(1, TimeUnit.MILLISECONDS);
                return null;
            } catch (ExecutionException e) {
                return e.getCause();
            } catch (TimeoutException e) {
                stuck = waitsInsideTheLog() && !other.busy ? stuck + 1 : 0;
                if (stuck >= STUCK_POLLS) {
                    fail(how + ". A call on one thread is waiting inside LineLog, for a lock that the other thread"
                            + " still holds although it has returned from every call and is doing nothing: it can"
                            + " never go on. No lock may stay held after a call returns, or after it throws.");
                }
                if (System.nanoTime() > deadline) {
                    fail(how + ". A call did not return within " + TimeUnit.NANOSECONDS.toSeconds(LIMIT_NANOS)
                            + " s.");
                }
            }
        }
    }

    private boolean waitsInsideTheLog() {
        Thread.State state = thread.getState();
        if (state != Thread.State.BLOCKED && state != Thread.State.WAITING && state != Thread.State.TIMED_WAITING) {
            return false;
        }
        for (StackTraceElement frame : thread.getStackTrace()) {
            if (frame.getClassName().startsWith(LineLog.class.getName())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
