package dev.tutor.exercises.processes;

import dev.tutor.exercises.processes.ChildProcess.Finished;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * A call of {@link ChildProcess#run} for {@link ChildProcessTest}, made on a thread of its own, so that the test
 * can wait for it with a limit of its own, interrupt it, and see it stuck for good ({@link StuckRun}). The
 * caller looks at the child the instant run() comes back, before anything else. Not a test itself.
 */
final class RunCall {
    /** What one call of run() did, seen from the thread that made it. */
    record Outcome(Finished finished, Throwable thrown, long millis, long cameBackNanos, RollCall roll,
                   List<ProcessHandle> aliveWhenItCameBack, Set<Thread> threadsItStarted) {
        /** Whether the child had reported in at least {@code ahead} before run() came back. */
        boolean reportedIn(Duration ahead) {
            long at = roll.reportedAtNanos();
            return at != 0 && cameBackNanos - at >= ahead.toNanos();
        }
    }

    final FutureTask<Outcome> outcome;
    final Thread thread;
    private final long startNanos = System.nanoTime();
    private final StuckRun stuck;
    /** How long after the call it was seen stuck for good, or -1 while it has not been. */
    private volatile long stuckAfterMillis = -1;

    private RunCall(FutureTask<Outcome> outcome, Thread thread, Set<Thread> before) {
        this.outcome = outcome;
        this.thread = thread;
        this.stuck = new StuckRun(thread, before, RunCall::belongsToTheJdk);
    }

    static RunCall start(Class<?> main, List<String> args, Duration limit, RollCall roll) {
        Set<Thread> alreadyAlive = Set.copyOf(Thread.getAllStackTraces().keySet());
        FutureTask<Outcome> outcome = new FutureTask<>(() -> {
            Set<Long> childrenBefore = ProcessHandle.current().children().map(ProcessHandle::pid)
                    .collect(Collectors.toSet());
            long started = System.nanoTime();
            Finished finished = null;
            Throwable thrown = null;
            try {
                finished = ChildProcess.run(ChildProcessTest.CHILD_CLASS_PATH, main.getName(), args, limit);
            } catch (Throwable t) {
                thrown = t;
            }
            long cameBack = System.nanoTime();
            long millis = (cameBack - started) / 1_000_000;
            // The child's own handle is the quickest look; a child that has not reported in yet is found
            // among this JVM's children, which takes longer.
            List<ProcessHandle> alive = roll.child().map(c -> c.isAlive() ? List.of(c) : List.<ProcessHandle>of())
                    .orElseGet(() -> ProcessHandle.current().children()
                            .filter(c -> !childrenBefore.contains(c.pid()) && c.isAlive()).toList());
            Set<Thread> now = new HashSet<>(Thread.getAllStackTraces().keySet());
            now.removeAll(alreadyAlive);
            now.remove(Thread.currentThread());
            now.removeIf(RunCall::belongsToTheJdk);
            return new Outcome(finished, thrown, millis, cameBack, roll, alive, now);
        });
        Thread thread = new Thread(outcome, "calls ChildProcess.run");
        thread.setDaemon(true);
        RunCall call = new RunCall(outcome, thread, alreadyAlive);
        thread.start();
        return call;
    }

    /**
     * The outcome, once run() has come back within {@code within}; null as soon as the call is seen {@link
     * StuckRun stuck for good} on a child that never ends, which the roll call knows, or at the end of
     * {@code within}. Only for children that run until they are killed.
     */
    Outcome awaitUnlessStuck(Duration within, RollCall roll) throws InterruptedException, ExecutionException {
        return awaitUnless(startNanos + within.toNanos(), () -> {
            Optional<ProcessHandle> child = roll.child();
            if (child.isEmpty() || !stuck.seen(child.get())) {
                return false;
            }
            stuckAfterMillis = (System.nanoTime() - startNanos) / 1_000_000;
            return true;
        });
    }

    /**
     * The outcome, once run() has come back before {@code deadline} (by System.nanoTime()); null as soon as
     * {@code givesUp} says so, looked at every 5 ms, or at the deadline.
     */
    private Outcome awaitUnless(long deadline, BooleanSupplier givesUp) throws InterruptedException,
            ExecutionException {
        while (System.nanoTime() < deadline) {
            Outcome o = await(Duration.ofMillis(5));
            if (o != null) {
                return o;
            }
            if (givesUp.getAsBoolean()) {
                return null;
            }
        }
        return await(Duration.ZERO);
    }

    /** How long a run() that had not come back was given: "had not come back N ms after it was called". */
    String notBackAfter(Duration within) {
        long stuckAt = stuckAfterMillis;
        if (stuckAt < 0) {
            return "had not come back " + within.toMillis() + " ms after it was called";
        }
        return "had not come back " + stuckAt + " ms after it was called, and never would: the thread that"
                + " called it and every thread it started were reading the child's output or waiting with no"
                + " time limit, which only the child could end, and the child never ends by itself";
    }

    /** The outcome, or null if run() has not come back within {@code within}. */
    Outcome await(Duration within) throws InterruptedException, ExecutionException {
        try {
            return outcome.get(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return null;
        }
    }

    /**
     * The outcome, once run() has come back within {@code within}; null as soon as the calling thread is seen
     * waiting, with no time limit, for another thread in a way that only a reader of the output ends (a
     * FutureTask's get(), a join(), a latch), or at the end of {@code within}. A wait for the child itself
     * (waitFor(), onExit(), a sleep between looks) never counts: a run() in one of those may come back at any
     * moment.
     */
    Outcome awaitUnlessWaitingForAReader(Duration within) throws InterruptedException, ExecutionException {
        // WAITING alone: a wait with a time limit may give up and come back before the output's end.
        return awaitUnless(System.nanoTime() + within.toNanos(),
                () -> thread.getState() == Thread.State.WAITING && waitsForAReader());
    }

    private boolean waitsForAReader() {
        boolean reader = false;
        for (StackTraceElement frame : thread.getStackTrace()) {
            String where = frame.getClassName() + "." + frame.getMethodName();
            if (where.startsWith("java.lang.Process") || where.startsWith("java.util.concurrent.CompletableFuture")
                    || where.equals("java.lang.Thread.sleep") || where.startsWith(RunCall.class.getName())) {
                return false;
            }
            if (where.equals("java.util.concurrent.FutureTask.get") || where.equals("java.lang.Thread.join")
                    || where.equals("java.util.concurrent.CountDownLatch.await")) {
                reader = true;
            }
            if (reader && frame.getClassName().startsWith(ChildProcess.class.getName())) {
                return true;
            }
        }
        return false;
    }

    /** Where the calling thread waits, in the learner's code, for a message about a hang. */
    String whereItWaits() {
        StackTraceElement[] stack = thread.getStackTrace();
        String line = null;
        boolean reading = false;
        for (StackTraceElement frame : stack) {
            String owner = frame.getClassName();
            if (line == null && owner.startsWith(ChildProcess.class.getName())) {
                line = frame.getFileName() + ":" + frame.getLineNumber();
            }
            if (line == null && (owner.startsWith("java.io.") || owner.startsWith("sun.nio.cs."))
                    && frame.getMethodName().startsWith("read")) {
                reading = true;
            }
        }
        if (line == null) {
            return "was not in ChildProcess";
        }
        return (reading ? "was reading the child's output, at " : "waited at ") + line;
    }

    private static boolean belongsToTheJdk(Thread t) {
        // The attach listener starts when a tool (jcmd, a profiler) attaches to this JVM, whatever run() does.
        return t.getName().startsWith("process reaper") || t.getName().equals("Attach Listener")
                || t.getClass().getName().equals("jdk.internal.misc.CarrierThread")
                || t instanceof ForkJoinWorkerThread w && w.getPool() == ForkJoinPool.commonPool();
    }
}
