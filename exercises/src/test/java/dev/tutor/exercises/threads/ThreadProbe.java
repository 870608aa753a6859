package dev.tutor.exercises.threads;

import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * How the tests of {@link Workers} look at other threads: what a thread is doing (waiting, for which lock or
 * worker, polling, in a timed join), where in the learner's code it is, and which live threads have a name.
 *
 * <p>A thread's state has no event to wait for, so the tests look at it every 0.1 ms ({@link #pause()}) and give
 * up after {@link #PATIENCE_NANOS}; each check ends as soon as the outcome is known.
 */
final class ThreadProbe {
    /**
     * How long a step may take before the test stops waiting for it. A right answer takes microseconds;
     * only an answer that hangs or spins reaches it.
     */
    static final long PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(3);

    private ThreadProbe() {
    }

    /** Lets 0.1 ms pass between two looks at a thread. */
    static void pause() {
        LockSupport.parkNanos(100_000);
    }

    /** The thread's state and the lock it waits on, from one snapshot without its stack; null once it has ended. */
    static ThreadInfo info(Thread t) {
        return ManagementFactory.getThreadMXBean().getThreadInfo(t.threadId(), 0);
    }

    private static LockInfo lockOf(Thread t) {
        ThreadInfo info = info(t);
        return info == null ? null : info.getLockInfo();
    }

    /** Whether the lock a thread waits on is the object o. */
    static boolean sameObject(LockInfo lock, Object o) {
        return lock != null && lock.getIdentityHashCode() == System.identityHashCode(o)
                && lock.getClassName().equals(o.getClass().getName());
    }

    /** Whether two snapshots' locks are the same object. */
    static boolean sameLock(LockInfo a, LockInfo b) {
        return a != null && b != null && a.getIdentityHashCode() == b.getIdentityHashCode()
                && a.getClassName().equals(b.getClassName());
    }

    /**
     * What the caller is doing, if it is polling rather than waiting: "sleeping in Thread.sleep (Workers.java:60)" or
     * "counting threads in countAlive (Workers.java:59)"; null otherwise. A right answer never does either while its
     * workers are held, and a poll spends nearly all its time in one of them.
     */
    static String polling(Thread caller) {
        StackTraceElement[] stack = caller.getStackTrace();
        boolean sleeping = false;
        for (int i = 0; i < stack.length; i++) {
            StackTraceElement frame = stack[i];
            if (frame.getClassName().equals("java.lang.Thread") && frame.getMethodName().startsWith("sleep")) {
                sleeping = true;
            } else if (frame.getClassName().equals(Workers.class.getName())) {
                if (frame.getMethodName().equals("countAlive") && i + 1 < stack.length) {
                    return "counting threads in countAlive (called at " + stack[i + 1].getFileName() + ":"
                            + stack[i + 1].getLineNumber() + ")";
                }
                if (sleeping) {
                    return "sleeping in Thread.sleep (called at " + frame.getFileName() + ":" + frame.getLineNumber()
                            + ")";
                }
                return null;
            }
        }
        return null;
    }

    /**
     * "Thread.join (called at Workers.java:31)" when the caller is inside a Thread.join called from the learner's
     * code; otherwise null. Only a join with a time limit leaves the caller TIMED_WAITING there.
     */
    static String timedJoin(Thread caller) {
        // State and stack from one snapshot, so that a join seen is the one the state belongs to.
        ThreadInfo info = ManagementFactory.getThreadMXBean().getThreadInfo(caller.threadId(), Integer.MAX_VALUE);
        if (info == null || info.getThreadState() != Thread.State.TIMED_WAITING) {
            return null;
        }
        StackTraceElement[] stack = info.getStackTrace();
        boolean inJoin = false;
        for (StackTraceElement frame : stack) {
            if (frame.getClassName().equals("java.lang.Thread") && frame.getMethodName().equals("join")) {
                inJoin = true;
            } else if (frame.getClassName().startsWith(Workers.class.getName())) {
                return inJoin ? "Thread.join (called at " + frame.getFileName() + ":" + frame.getLineNumber() + ")"
                        : null;
            }
        }
        return null;
    }

    /** Still running its task: not ended, and not waiting somewhere outside it either. */
    static boolean isBusy(Thread t) {
        Thread.State s = t.getState();
        return s == Thread.State.RUNNABLE || s == Thread.State.BLOCKED;
    }

    /** " for w-1 (in Thread.join)" when the caller waits on a worker; otherwise where it waits. */
    static String waitingFor(Thread caller, List<Thread> workers) {
        LockInfo lock = lockOf(caller);
        for (Thread w : workers) {
            if (sameObject(lock, w)) {
                return " for " + w.getName() + at(caller);
            }
        }
        return at(caller);
    }

    /** Where a thread is, as " (in Thread.join, called at Workers.java:57)", or "" when nothing tells. */
    static String at(Thread t) {
        StackTraceElement[] stack = t.getStackTrace();
        String api = null;
        for (StackTraceElement frame : stack) {
            String owner = frame.getClassName();
            if (api == null && owner.startsWith("java.") && !owner.equals("java.lang.Object")
                    && !owner.startsWith("java.util.concurrent.locks.LockSupport")) {
                api = owner.substring(owner.lastIndexOf('.') + 1) + "." + frame.getMethodName();
            }
            if (owner.startsWith(Workers.class.getName())) {
                return " (in " + (api == null ? "" : api + ", called at ") + frame.getFileName() + ":"
                        + frame.getLineNumber() + ")";
            }
        }
        return "";
    }

    /** A thread as "w-1 (WAITING in ThreadPoolExecutor.getTask, a daemon)", for a list of leftovers. */
    static String describe(Thread t) {
        StackTraceElement[] stack = t.getStackTrace();
        String where = "";
        for (StackTraceElement frame : stack) {
            String owner = frame.getClassName();
            if (!owner.equals("java.lang.Object") && !owner.startsWith("jdk.internal")
                    && !owner.startsWith("java.util.concurrent.locks.") && !owner.endsWith("ForkJoinPool")
                    && !owner.endsWith("BlockingQueue")) {
                where = " in " + frame.getClassName().substring(frame.getClassName().lastIndexOf('.') + 1) + "."
                        + frame.getMethodName();
                break;
            }
        }
        return t.getName() + " (" + t.getState() + where + (t.isDaemon() ? ", a daemon" : "") + ")";
    }

    /** Every live platform thread whose name starts with the prefix, daemon threads included. */
    static List<Thread> livePlatformThreads(String prefix) {
        List<Thread> alive = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().startsWith(prefix)) {
                alive.add(t);
            }
        }
        return alive;
    }

    /** The threads' names, sorted. */
    static List<String> names(List<Thread> threads) {
        List<String> names = new ArrayList<>();
        for (Thread t : threads) {
            names.add(t.getName());
        }
        Collections.sort(names);
        return names;
    }
}
