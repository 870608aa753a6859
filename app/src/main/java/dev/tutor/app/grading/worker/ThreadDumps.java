package dev.tutor.app.grading.worker;

import dev.tutor.runtime.gil.GilDiagnostics;
import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.MonitorInfo;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A short thread dump for a learner: only the threads running exercise code or started by it, what
 * each one waits for and who holds that, the locks it holds, and only the frames that lead to the
 * learner's own lines. A deadlock among them is named first.
 */
final class ThreadDumps {
    static final String EXERCISE_PACKAGE = "dev.tutor.exercises.";
    private static final int MAX_FRAMES = 8;
    private static final int TOP_FRAMES = 3;
    private static final int MAX_THREADS = 12;

    private ThreadDumps() {
    }

    /**
     * Describes where the learner's threads stand.
     *
     * @param before the threads alive before the tests began; any thread not among them counts as the
     *               learner's even when it shows no exercise frame (a pool thread parked in the JDK)
     */
    static String describe(Set<Thread> before, Set<Thread> ignore) {
        Map<Long, ThreadInfo> infos = lockInfos();
        List<Thread> shown = new ArrayList<>();
        List<StackTraceElement[]> stacks = new ArrayList<>();
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            Thread thread = e.getKey();
            StackTraceElement[] stack = e.getValue();
            if (ignore.contains(thread) || !(runsExerciseCode(stack) || !before.contains(thread))) {
                continue;
            }
            if (!runsExerciseCode(stack) && isJUnitTimeoutThread(thread)) {
                continue;
            }
            shown.add(thread);
            stacks.add(stack);
        }
        if (shown.isEmpty()) {
            return "(no thread was running exercise code)\n";
        }
        StringBuilder out = new StringBuilder();
        deadlock(infos).ifPresent(line -> out.append(line).append('\n'));
        for (int i = 0; i < shown.size(); i++) {
            if (i == MAX_THREADS) {
                out.append("... ").append(shown.size() - MAX_THREADS).append(" more threads not shown\n");
                break;
            }
            Thread thread = shown.get(i);
            ThreadInfo info = infos.get(thread.threadId());
            out.append('"').append(thread.getName()).append("\" ").append(thread.getState());
            if (info != null && info.getLockInfo() != null) {
                out.append(thread.getState() == Thread.State.BLOCKED ? " on " : " for ")
                        .append(describe(info.getLockInfo()));
                if (info.getLockOwnerName() != null) {
                    out.append(", held by \"").append(info.getLockOwnerName()).append('"');
                }
            }
            out.append('\n');
            for (String line : GilDiagnostics.describe(thread)) {
                out.append("    ").append(line).append('\n');
            }
            if (info != null) {
                for (String held : held(info)) {
                    out.append("    holds ").append(held).append('\n');
                }
            }
            appendFrames(out, stacks.get(i));
        }
        return out.toString();
    }

    /** Lock details of every thread, by thread id; empty where the JVM cannot give them. */
    private static Map<Long, ThreadInfo> lockInfos() {
        Map<Long, ThreadInfo> byId = new HashMap<>();
        try {
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            for (ThreadInfo info : threads.dumpAllThreads(threads.isObjectMonitorUsageSupported(),
                    threads.isSynchronizerUsageSupported(), 0)) {
                if (info != null) {
                    byId.put(info.getThreadId(), info);
                }
            }
        } catch (RuntimeException e) {
            // a dump without lock details is still a dump
        }
        return byId;
    }

    /** "Deadlock: ..." when some threads each wait for a lock another of them holds. */
    private static Optional<String> deadlock(Map<Long, ThreadInfo> infos) {
        long[] ids;
        try {
            ids = ManagementFactory.getThreadMXBean().findDeadlockedThreads();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        if (ids == null || ids.length == 0) {
            return Optional.empty();
        }
        List<String> parts = new ArrayList<>();
        for (long id : ids) {
            ThreadInfo info = infos.get(id);
            if (info != null) {
                parts.add("\"" + info.getThreadName() + "\" waits for a lock held by \"" + info.getLockOwnerName() + "\"");
            }
        }
        return Optional.of("Deadlock: " + String.join("; ", parts) + ". None of them can go on.");
    }

    private static Set<String> held(ThreadInfo info) {
        Set<String> held = new LinkedHashSet<>();
        for (MonitorInfo monitor : info.getLockedMonitors()) {
            held.add(describe(monitor));
        }
        for (LockInfo lock : info.getLockedSynchronizers()) {
            held.add(describe(lock));
        }
        return held;
    }

    /** A lock as a learner recognises it: its class and identity, without the JDK's inner class names. */
    private static String describe(LockInfo lock) {
        String className = lock.getClassName();
        String simple = className.substring(className.lastIndexOf('.') + 1);
        if (simple.contains("$ConditionObject")) {
            return "a Condition";
        }
        if (simple.startsWith("ReentrantLock$") || simple.startsWith("ReentrantReadWriteLock$")) {
            simple = simple.substring(0, simple.indexOf('$'));
        }
        return simple + "@" + Integer.toHexString(lock.getIdentityHashCode());
    }

    static boolean runsExerciseCode(StackTraceElement[] stack) {
        for (StackTraceElement frame : stack) {
            if (frame.getClassName().startsWith(EXERCISE_PACKAGE)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isJUnitTimeoutThread(Thread thread) {
        return thread.getName().startsWith("junit-");
    }

    /** The top few frames, then the learner's own frames, with "..." where frames were left out. */
    private static void appendFrames(StringBuilder out, StackTraceElement[] stack) {
        int exerciseFramesShown = 0;
        int lastShown = -1;
        for (int i = 0; i < stack.length; i++) {
            boolean top = i < TOP_FRAMES;
            boolean exercise = stack[i].getClassName().startsWith(EXERCISE_PACKAGE)
                    && exerciseFramesShown < MAX_FRAMES - TOP_FRAMES;
            if (!top && !exercise) {
                continue;
            }
            if (exercise) {
                exerciseFramesShown++;
            }
            if (i > lastShown + 1) {
                out.append("    ...\n");
            }
            out.append("    at ").append(stack[i]).append('\n');
            lastShown = i;
        }
        if (lastShown < stack.length - 1) {
            out.append("    ...\n");
        }
    }
}
