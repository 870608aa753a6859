package dev.tutor.exercises.tasks;

import dev.tutor.runtime.loop.EventLoop;
import dev.tutor.runtime.loop.LoopEvent;
import dev.tutor.runtime.time.FakeClock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Watches the loop thread while a {@link Board}'s checks run, through a listener on the loop's events and a
 * watchdog thread of its own.
 *
 * <ul>
 * <li>The listener times every callback in real time, from the loop's previous event to its end, and notes every
 *     callback that threw. The loop runs on a {@link FakeClock}, which the listener moves to the next timer
 *     whenever the loop is about to wait for one, so a pause costs no real time.</li>
 * <li>The watchdog looks at the loop's thread every few milliseconds: waiting (sleep, get, join, park) with a
 *     frame of PageCheck on its stack is recorded with the frames, and the pool's job is let go so that the
 *     wait can end; a wait that still does not end is interrupted. A callback that runs long has its stack
 *     sampled. A loop that sits in select with nothing left to wake it is stopped.</li>
 * <li>The {@link SummaryPool} starts a job only once the callback that handed it over has returned, or once the
 *     watchdog has let the jobs go: it waits here for either.</li>
 * </ul>
 *
 * <p>The listener runs on the loop thread; what it sees is read by the watchdog and the pool.
 */
final class LoopWatchdog {

    private static final long WAIT_NOTICED_NANOS = TimeUnit.MILLISECONDS.toNanos(60);
    private static final long WAIT_INTERRUPTED_NANOS = TimeUnit.MILLISECONDS.toNanos(400);
    private static final long LONG_SAMPLE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long STUCK_NANOS = TimeUnit.MILLISECONDS.toNanos(1_500);
    private static final String CHECK_CLASS = PageCheck.class.getName();

    private final FakeClock clock;
    private final EventLoop loop;
    private final PageServer server;

    // what the listener sees (written on the loop thread, read by the watchdog and the pool)
    private final Object gate = new Object();
    private long callbacksEnded;
    private volatile long lastEventReal = System.nanoTime();
    private volatile boolean inCallbacks;
    private volatile boolean inSelect;
    private long longestNanos;
    private String longestName = "";
    /** Every callback that threw on the loop thread, as "its name: what it threw". */
    private final List<String> callbacksThatThrew = new CopyOnWriteArrayList<>();

    // what the watchdog and the pool see
    private volatile Thread loopThread;
    private volatile boolean released;
    private volatile String waitingSeen;
    private volatile String longSample;
    private volatile String stuck;

    // what the watchdog is given for a run
    private IntSupplier poolBusy;
    private Supplier<String> waitingTasks;
    private Thread watchdog;

    LoopWatchdog(FakeClock clock, EventLoop loop, PageServer server) {
        this.clock = clock;
        this.loop = loop;
        this.server = server;
    }

    // ---- a run ----

    /** Notes the calling thread as the one that runs the loop. */
    void watchThisThread() {
        loopThread = Thread.currentThread();
    }

    /**
     * Starts the watchdog on the loop thread noted; poolBusy tells how many of the pool's jobs are under way, and
     * waitingTasks names the tasks still waiting, for a loop found stuck.
     */
    void start(IntSupplier poolBusy, Supplier<String> waitingTasks) {
        this.poolBusy = poolBusy;
        this.waitingTasks = waitingTasks;
        watchdog = new Thread(this::watch, "board-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    /** Forgets the loop thread and stops the watchdog, waiting 2 s at most for it to end. */
    void stop() {
        loopThread = null;
        watchdog.interrupt();
        try {
            watchdog.join(2_000);
        } catch (InterruptedException ignored) {
            Thread.currentThread().interrupt();
        }
    }

    Thread loopThread() {
        return loopThread;
    }

    /** The listener: called on the loop thread for every event of the loop. */
    void onEvent(LoopEvent event) {
        long now = System.nanoTime();
        switch (event) {
            case LoopEvent.CallbackRan ran -> {
                if (ran.error() != null) {
                    callbacksThatThrew.add(ran.name() + ": " + ran.error());
                }
                long took = now - lastEventReal;
                boolean hold = server.holdJustRan(); // the server's own hold, not a step of a check
                if (!hold && took > longestNanos) {
                    longestNanos = took;
                    longestName = ran.name();
                }
                synchronized (gate) {
                    callbacksEnded++;
                    gate.notifyAll();
                }
            }
            case LoopEvent.TimeoutChosen chosen -> {
                if (chosen.reason() == LoopEvent.TimeoutReason.NEXT_TIMER) {
                    clock.advanceNanos(chosen.timeoutNanos()); // the timer is due now, in the loop's time
                    loop.callSoonThreadsafe(() -> { });         // and the select must not wait for it in real time
                }
                inSelect = true;
            }
            case LoopEvent.SelectReturned ignored -> inSelect = false;
            case LoopEvent.TimersDue ignored -> inCallbacks = true;
            case LoopEvent.TurnEnded ignored -> inCallbacks = false;
            default -> { }
        }
        lastEventReal = System.nanoTime();
    }

    private void watch() {
        long waitingSince = 0;
        while (!Thread.currentThread().isInterrupted()) {
            Thread thread = loopThread;
            if (thread == null) {
                return;
            }
            long now = System.nanoTime();
            Thread.State state = thread.getState(); // cheap; the stack is read only when there is something to see
            boolean waiting = state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING;
            boolean longCallback = inCallbacks && now - lastEventReal > LONG_SAMPLE_NANOS && longSample == null;
            if (waiting || longCallback) {
                StackTraceElement[] stack = thread.getStackTrace();
                boolean inCheck = false;
                for (StackTraceElement frame : stack) {
                    inCheck |= isCheck(frame);
                }
                if (waiting && inCheck) {
                    if (waitingSince == 0) {
                        waitingSince = now;
                    } else if (now - waitingSince > WAIT_NOTICED_NANOS && waitingSeen == null) {
                        waitingSeen = state + " in " + frames(stack);
                        release();
                    } else if (now - waitingSince > WAIT_INTERRUPTED_NANOS) {
                        thread.interrupt(); // a wait that nothing else will end, such as a sleep-and-poll loop
                        waitingSince = now;
                    }
                } else {
                    waitingSince = 0;
                }
                if (longCallback && inCheck) {
                    longSample = state + " in " + frames(stack);
                }
            } else {
                waitingSince = 0;
            }
            if (inSelect && now - lastEventReal > STUCK_NANOS && poolBusy.getAsInt() == 0 && server.holding.get() == 0
                    && stuck == null) {
                stuck = waitingTasks.get();
                loop.callSoonThreadsafe(loop::stop);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** A frame of the learner's class or its nested classes (and not of PageCheckTest, whose name it begins). */
    private static boolean isCheck(StackTraceElement frame) {
        return frame.getClassName().equals(CHECK_CLASS) || frame.getClassName().startsWith(CHECK_CLASS + "$");
    }

    private static String frames(StackTraceElement[] stack) {
        List<String> shown = new ArrayList<>();
        for (StackTraceElement frame : stack) {
            shown.add(frame.getClassName().substring(frame.getClassName().lastIndexOf('.') + 1) + "."
                    + frame.getMethodName() + (frame.getLineNumber() > 0 ? ":" + frame.getLineNumber() : ""));
            if (isCheck(frame) || shown.size() == 12) {
                break;
            }
        }
        return String.join(" <- ", shown);
    }

    // ---- the gate the pool's jobs wait at ----

    /** Lets the pool's jobs go: the loop thread waits inside a check, perhaps for one of them. */
    private void release() {
        synchronized (gate) {
            released = true;
            gate.notifyAll();
        }
    }

    /** How many callbacks have ended when called on the loop thread, or -1 when called on another thread. */
    long callbacksEndedIfOnTheLoopThread() {
        synchronized (gate) {
            return Thread.currentThread() == loopThread ? callbacksEnded : -1;
        }
    }

    /**
     * Waits until more than handedOverIn callbacks have ended, the watchdog has let the jobs go, or until (of
     * System.nanoTime()) has passed.
     */
    void awaitACallbackEndedAfter(long handedOverIn, long until) throws InterruptedException {
        synchronized (gate) {
            while (callbacksEnded <= handedOverIn && !released && System.nanoTime() < until) {
                gate.wait(20);
            }
        }
    }

    // ---- what was seen ----

    /** How the loop thread waited inside a step of a check, or null if it never did. */
    String waitingSeen() {
        return waitingSeen;
    }

    /** Where the loop thread was during a long callback, or null if none ran long inside a check. */
    String longSample() {
        return longSample;
    }

    /** The tasks still waiting when the loop was found stuck in select, or null if it never was. */
    String stuck() {
        return stuck;
    }

    /** The longest callback, in real time, other than the server's hold; read on the loop thread after a run. */
    long longestNanos() {
        return longestNanos;
    }

    String longestName() {
        return longestName;
    }

    /** Every callback that threw on the loop thread, as "its name: what it threw". */
    List<String> callbacksThatThrew() {
        return callbacksThatThrew;
    }
}
