package dev.tutor.app.grading.worker;

import java.util.Map;
import java.util.Set;

/**
 * A short thread dump for a learner: only the threads running exercise code or started by it, and only
 * the frames that lead to the learner's own lines.
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
        StringBuilder out = new StringBuilder();
        int shown = 0;
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            Thread thread = e.getKey();
            StackTraceElement[] stack = e.getValue();
            if (ignore.contains(thread) || !(runsExerciseCode(stack) || !before.contains(thread))) {
                continue;
            }
            if (!runsExerciseCode(stack) && isJUnitTimeoutThread(thread)) {
                continue;
            }
            if (shown++ == MAX_THREADS) {
                out.append("... more threads not shown\n");
                break;
            }
            out.append('"').append(thread.getName()).append("\" ").append(thread.getState()).append('\n');
            appendFrames(out, stack);
        }
        return out.length() == 0 ? "(no thread was running exercise code)\n" : out.toString();
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
