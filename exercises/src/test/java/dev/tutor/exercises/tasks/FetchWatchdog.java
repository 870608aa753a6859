package dev.tutor.exercises.tasks;

import dev.tutor.runtime.loop.EventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The watchdog of an {@link AnswerRig} run, for the fetch-tasks tests: it reports a loop that sits in select for
 * 1.5 s with nothing on the way, which a right answer never does, and interrupts the loop thread when it waits
 * inside a step of {@link FetchAll} (a sleep, an acquire) for more than 100 ms. It runs on a thread of its own and
 * reports on the loop thread; the rig tells it of the loop's events.
 */
final class FetchWatchdog {
    private static final long STUCK_NANOS = TimeUnit.MILLISECONDS.toNanos(1_500);
    private static final long WAIT_NOTICED_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final EventLoop loop;
    /** Reports a problem and stops the loop; called on the loop thread. */
    private final Consumer<String> problem;
    /** What the fetches in flight wait for, for the message of a loop stuck in select; called on the loop thread. */
    private final Supplier<String> stuckMessage;
    private volatile long lastEventNanos = System.nanoTime();
    private volatile boolean inSelect;
    private volatile boolean stuckReported;
    private volatile Thread loopThread;
    private volatile String waitedIn;

    FetchWatchdog(EventLoop loop, Consumer<String> problem, Supplier<String> stuckMessage) {
        this.loop = loop;
        this.problem = problem;
        this.stuckMessage = stuckMessage;
    }

    /** The loop has sent an event: it is not stuck. */
    void sawEvent() {
        lastEventNanos = System.nanoTime();
    }

    /** Whether the loop is in select (waiting for the network), where a wait is no step's. */
    void inSelect(boolean now) {
        inSelect = now;
    }

    /** The thread that runs the loop. */
    void loopThread(Thread thread) {
        loopThread = thread;
    }

    /** The watchdog thread's work, until it is interrupted. */
    void watch() {
        long waitingSince = 0;
        while (!Thread.currentThread().isInterrupted()) {
            if (inSelect && System.nanoTime() - lastEventNanos > STUCK_NANOS && !stuckReported) {
                stuckReported = true;
                loop.callSoonThreadsafe(() -> problem.accept(stuckMessage.get()));
            }
            Thread.State state = loopThread.getState();
            if (!inSelect && (state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING
                    || state == Thread.State.BLOCKED)) {
                StackTraceElement[] stack = loopThread.getStackTrace();
                String where = framesInFetchAll(stack);
                if (where == null) {
                    waitingSince = 0;
                } else if (waitingSince == 0) {
                    waitingSince = System.nanoTime();
                } else if (System.nanoTime() - waitingSince > WAIT_NOTICED_NANOS && waitedIn == null) {
                    waitedIn = state + " in " + where;
                    loopThread.interrupt(); // ends a sleep or an acquire that nothing else would end
                    loop.callSoonThreadsafe(() -> problem.accept("The loop thread waited inside a step (" + waitedIn
                            + "), and while it waits no other fetch, no answer and no callback can run. A fetch waits"
                            + " only by returning Step.await(future): for its place, a loop future that the fetch"
                            + " freeing the place completes."));
                }
            } else {
                waitingSince = 0;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static String framesInFetchAll(StackTraceElement[] stack) {
        List<String> shown = new ArrayList<>();
        for (StackTraceElement frame : stack) {
            shown.add(frame.getClassName().substring(frame.getClassName().lastIndexOf('.') + 1) + "."
                    + frame.getMethodName() + (frame.getLineNumber() > 0 ? ":" + frame.getLineNumber() : ""));
            if (frame.getClassName().startsWith(FetchAll.class.getName())) {
                return String.join(" <- ", shown);
            }
            if (shown.size() == 16) {
                return null;
            }
        }
        return null;
    }
}
