package dev.tutor.exercises.processes;

import static org.junit.jupiter.api.Assertions.fail;

import dev.tutor.exercises.processes.PrimeSplitter.Result;
import dev.tutor.exercises.processes.ScriptedWorker.Folder;
import dev.tutor.exercises.support.Standstill;
import dev.tutor.runtime.net.NativeTask;
import dev.tutor.runtime.net.ReadWait;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Calls PrimeSplitter.countPrimes for split-work's tests on a thread of its own, so that a hang costs a bounded
 * wait, and watches the call meanwhile: a call that can no longer come back, or that waits on one worker before it
 * has started them all, is given up on as soon as that shows, not at the end of a limit. What it saw when it gave
 * up is left in {@link #stuckAt}, {@link #stuckAfterFailureMs} and {@link #startedWhenOneWaited} for the test's
 * message.
 */
final class SplitterCalls {

    /** How long countPrimes may take in all, on a busy machine: its workers' JVMs start and count in far less. */
    static final long COME_BACK_MS = 12_000;
    /** How long countPrimes may take to throw once a worker has failed and ended, on a busy machine. */
    private static final long AFTER_A_FAILURE_MS = 2_000;
    /**
     * How long after the failed worker ended a call still reading a worker that runs until killed, with no
     * thread of its own to kill it, is given up on: by then a right answer has thrown.
     */
    private static final long READING_ON_MS = 300;
    /**
     * How long the calling thread may be seen waiting on a worker, alone, before it has started them all: a
     * right answer starts every worker first, and never waits on one before.
     */
    private static final long ONE_WAITED_MS = 100;

    /** One call of countPrimes with scripted workers, and what came of it. */
    record Run(long limit, int workers, Folder folder, Result outcome, Throwable thrown, List<Long> aliveAtTheEnd) {
        String call() {
            return "countPrimes(" + limit + ", " + workers + ", ...)";
        }

        Result result() {
            if (thrown != null) {
                fail(call() + " threw " + thrown, thrown);
            }
            if (outcome == null) {
                fail(call() + " returned null; return a new Result(total, reports).");
            }
            return outcome;
        }
    }

    /** Where the thread that called countPrimes was when {@link #call} last gave up waiting for it. */
    static StackTraceElement[] stuckAt = {};
    /** How long after the failed worker ended the last call was given up on. */
    static long stuckAfterFailureMs;
    /** How many workers the last call had started when it was seen waiting on one of them; 0 if it was not. */
    static int startedWhenOneWaited;

    /**
     * Calls countPrimes on a thread of its own, so that a hang costs a bounded wait, and looks at the workers
     * from that thread the instant it comes back: a worker killed but not yet gone is still alive then.
     */
    static Run call(long limit, int workers, Folder folder, List<String> command) throws InterruptedException {
        return call(limit, workers, folder, command, null, null, true);
    }

    /**
     * As above; with {@code failing}, the first {@code FROM} of a worker that fails, the wait ends
     * {@link #AFTER_A_FAILURE_MS} after that worker has ended, since by then a right answer has thrown.
     */
    static Run call(long limit, int workers, Folder folder, List<String> command, String failing)
            throws InterruptedException {
        return call(limit, workers, folder, command, failing, null, false);
    }

    /** As above; with {@code watch}, the wait also ends (null) once a worker is stuck writing to a pipe. */
    static Run call(long limit, int workers, Folder folder, List<String> command, String failing,
            BlockedWriters watch) throws InterruptedException {
        return call(limit, workers, folder, command, failing, watch, false);
    }

    /**
     * As above; with {@code allAtOnce}, the wait also ends (null, with {@link #startedWhenOneWaited} set) once the
     * calling thread, alone, has waited on a worker for a while before it had started them all.
     */
    static Run call(long limit, int workers, Folder folder, List<String> command, String failing,
            BlockedWriters watch, boolean allAtOnce) throws InterruptedException {
        AtomicReference<String> callerTask = new AtomicReference<>("");
        FutureTask<Run> task = new FutureTask<>(() -> {
            callerTask.set(NativeTask.current().orElse("")); // empty: its system calls are not read
            Result result = null;
            Throwable thrown = null;
            try {
                result = PrimeSplitter.countPrimes(limit, workers, command);
            } catch (Throwable t) {
                thrown = t;
            }
            List<Long> alive = folder.arrived().keySet().stream()
                    .filter(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).toList();
            return new Run(limit, workers, folder, result, thrown, alive);
        });
        Thread caller = new Thread(task, "calls PrimeSplitter.countPrimes");
        caller.setDaemon(true);
        Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());
        Set<Long> childrenBefore = ProcessHandle.current().children().map(ProcessHandle::pid)
                .collect(Collectors.toSet());
        Set<Long> started = new HashSet<>();
        caller.start();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(COME_BACK_MS);
        long failedAt = 0;
        long lookedAt = 0;
        long waitingSince = 0;
        stuckAfterFailureMs = AFTER_A_FAILURE_MS;
        startedWhenOneWaited = 0;
        while (true) {
            try {
                return task.get(10, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            } catch (TimeoutException e) {
                // not back yet
            }
            long now = System.nanoTime();
            if (now > deadline || failedAt != 0 && now - failedAt > TimeUnit.MILLISECONDS.toNanos(AFTER_A_FAILURE_MS)) {
                stuckAt = caller.getStackTrace();
                return null;
            }
            if (allAtOnce) {
                // Every worker started, alive or not: a child seen since the call, or a worker that has arrived.
                ProcessHandle.current().children().map(ProcessHandle::pid).filter(pid -> !childrenBefore.contains(pid))
                        .forEach(started::add);
                started.addAll(folder.arrived().keySet());
                if (started.size() >= workers || !waitsOnAWorkerAlone(caller, before)) {
                    waitingSince = 0;
                } else if (waitingSince == 0) {
                    waitingSince = now;
                } else if (now - waitingSince > TimeUnit.MILLISECONDS.toNanos(ONE_WAITED_MS)) {
                    stuckAt = caller.getStackTrace();
                    startedWhenOneWaited = started.size();
                    return null;
                }
            }
            if (failedAt != 0 && now - failedAt > TimeUnit.MILLISECONDS.toNanos(READING_ON_MS)) {
                StackTraceElement[] stack = caller.getStackTrace();
                if (readsAWorkerThatRunsUntilKilled(stack, caller, before, folder, callerTask.get())) {
                    stuckAt = stack;
                    stuckAfterFailureMs = (now - failedAt) / 1_000_000;
                    return null;
                }
            }
            if (watch != null && now - lookedAt >= TimeUnit.MILLISECONDS.toNanos(50)) {
                lookedAt = now;
                if (watch.look(folder.arrived().keySet(), caller, callerTask.get(),
                        noOtherThreadOfTheLearner(caller, before)).isPresent()) {
                    return null;
                }
            }
            if (failing != null && failedAt == 0 && folder.pidGiven(failing)
                    .filter(pid -> !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isPresent()) {
                failedAt = now;
            }
        }
    }

    /**
     * Whether the calling thread reads a worker's output or waits for a worker to end, and no other thread of the
     * learner's (a new one, or one running PrimeSplitter's code) could be starting the rest meanwhile.
     */
    private static boolean waitsOnAWorkerAlone(Thread caller, Set<Thread> before) {
        StackTraceElement[] stack = caller.getStackTrace();
        boolean waits = readsAPipe(stack) || Stream.of(stack).anyMatch(f ->
                f.getClassName().startsWith("java.lang.Process") && f.getMethodName().equals("waitFor"));
        return waits && noOtherThreadOfTheLearner(caller, before);
    }

    /** Whether a thread's stack is in a read of a pipe, a worker's output (a process's streams are files here). */
    static boolean readsAPipe(StackTraceElement[] stack) {
        return Stream.of(stack).anyMatch(f -> f.getClassName().equals("java.io.FileInputStream"));
    }

    /** Whether no thread but {@code caller} is new since {@code before} or runs PrimeSplitter's code. */
    private static boolean noOtherThreadOfTheLearner(Thread caller, Set<Thread> before) {
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            Thread t = e.getKey();
            boolean learners = t != caller && t != Thread.currentThread() && (!before.contains(t)
                    && !t.getName().startsWith("process reaper") || Standstill.runs(PrimeSplitter.class, e.getValue()));
            if (learners) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether the calling thread, alone, reads a pipe while the only workers alive are told to run until killed:
     * nothing will end that read, so the call will never come back (a right answer has thrown by then). Any
     * other thread of the learner's, which might yet kill them, leaves it to the full wait.
     */
    private static boolean readsAWorkerThatRunsUntilKilled(StackTraceElement[] stack, Thread caller,
            Set<Thread> before, Folder folder, String callerTask) {
        if (caller.getState() != Thread.State.RUNNABLE || !readsAPipe(stack)) {
            return false;
        }
        if (!noOtherThreadOfTheLearner(caller, before)) {
            return false;
        }
        Set<Long> alive = folder.arrived().keySet().stream()
                .filter(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                .collect(Collectors.toSet());
        if (alive.isEmpty() || !folder.ordered("stall").containsAll(alive)) {
            return false;
        }
        if (!ReadWait.seenHere(callerTask)) {
            return true; // the stack alone, where the kernel does not show what the caller reads
        }
        // Where Linux shows the read, only a read of a pipe one of those workers writes to is stuck for good: a
        // caller still on its way to the end of the failed worker's output is not, however long a busy machine
        // keeps it from getting there.
        Optional<String> pipe = ReadWait.of(callerTask)
                .flatMap(read -> BlockedWriters.link(Path.of("/proc/self/fd", Integer.toString(read.fd()))));
        return pipe.isPresent() && alive.stream()
                .anyMatch(pid -> BlockedWriters.link(Path.of("/proc", Long.toString(pid), "fd", "1")).equals(pipe));
    }

    private SplitterCalls() {
    }
}
