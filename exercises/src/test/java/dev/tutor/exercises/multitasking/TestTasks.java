package dev.tutor.exercises.multitasking;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The tasks {@link TwoWaysTest} hands to onOneThread and onThreads, and the threads its factory makes for them:
 * every step records which thread ran it, and every thread whether its body ended. What they record is kept by
 * the {@link TaskRun} they belong to. Not a test itself.
 */
final class TestTasks {
    private TestTasks() {
    }

    /** A step that began: its task, which of the task's steps it was, and the thread that ran it. */
    record StepRecord(Task task, int number, Thread thread) {
    }

    /** Thrown by a test task's step, on purpose. */
    static final class StepFailure extends RuntimeException {
        StepFailure(String task, int step) {
            super("step " + step + " of " + task + " failed on purpose");
        }

        @Override
        public String toString() {
            return "StepFailure(" + getMessage() + ")";
        }
    }

    /** A task of a fixed number of steps, which may throw at one of them. */
    static final class Task implements TwoWays.Step {
        final TaskRun run;
        final String name;
        final int steps;
        /** The step that throws, from 1; 0 for none. */
        final int throwsAt;
        /** Guarded by run.lock. */
        int begun;
        boolean finished;
        RuntimeException thrown;
        final Set<Thread> threads = new LinkedHashSet<>();

        Task(TaskRun run, String name, int steps, int throwsAt) {
            this.run = run;
            this.name = name;
            this.steps = steps;
            this.throwsAt = throwsAt;
        }

        @Override
        public boolean step() {
            return run.step(this);
        }
    }

    /** A thread the test's factory made: it remembers whether its body ended, and on which thread it ran. */
    static final class Made extends Thread {
        final TaskRun run;
        volatile boolean ended;
        /** Whether the thread has run its body to the end and is held, by the test, before it can end. */
        volatile boolean heldAfterBody;

        Made(TaskRun run, Runnable body, String name) {
            super(body, name);
            this.run = run;
            setDaemon(true);
            setUncaughtExceptionHandler((thread, e) -> run.uncaught.put(thread, e));
        }

        @Override
        public void run() {
            if (Thread.currentThread() != this) {
                run.runCalledDirectly = true;
            }
            try {
                super.run();
            } finally {
                ended = true;
                if (run.holdAfterBodies) {
                    heldAfterBody = true;
                    run.holdAfterBody();
                    heldAfterBody = false;
                }
            }
        }

        /** Started, whichever way: executors start their threads through the JDK, not through start(). */
        boolean wasStarted() {
            return getState() != State.NEW;
        }

        /** Alive, its body not ended, and waiting in an executor's queue: a pool thread nobody shut down. */
        boolean idleInPool() {
            if (!isAlive() || getState() == State.RUNNABLE) {
                return false;
            }
            for (StackTraceElement frame : getStackTrace()) {
                if (frame.getMethodName().equals("getTask") && frame.getClassName().contains("ThreadPoolExecutor")) {
                    return true;
                }
            }
            return false;
        }
    }
}
