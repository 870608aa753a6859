package dev.tutor.exercises.eventloop;

import java.util.List;

/**
 * The means an event loop may not use, for {@link MiniLoopTest}'s look at the compiled {@link MiniLoop} (hint 4):
 * the loop waits in one place only, the poll, so no sleeps or other waits, no threads, executors or timer threads,
 * and no selector of its own beside the {@code Poller} it is given. Not a test itself.
 */
final class ForbiddenMeans {
    private ForbiddenMeans() {
    }

    /** Why the loop may not use a member (owner's full name, member's name), or null when it may. */
    static String reason(String owner, String name) {
        if (owner.equals("java.lang.Thread") && List.of("sleep", "onSpinWait", "yield", "join").contains(name)
                || owner.equals("java.util.concurrent.TimeUnit") && List.of("sleep", "timedWait", "timedJoin")
                        .contains(name)) {
            return "a wait outside the poll";
        }
        if (owner.equals("java.lang.Thread") && List.of("start", "startVirtualThread", "ofPlatform", "ofVirtual",
                "<init>").contains(name) || owner.startsWith("java.lang.Thread$Builder")) {
            return "a thread of its own";
        }
        if (owner.equals("java.lang.Object") && name.equals("wait")
                || owner.equals("java.util.concurrent.locks.LockSupport")) {
            return "a wait between threads";
        }
        if (owner.equals("java.util.Timer") || owner.equals("java.util.TimerTask")) {
            return "a timer thread";
        }
        if (owner.equals("java.nio.channels.Selector") || owner.equals("java.nio.channels.spi.AbstractSelector")
                || owner.equals("java.nio.channels.SelectableChannel") && name.equals("register")) {
            return "a selector of its own, not the Poller";
        }
        if (owner.startsWith("java.util.concurrent.") && (owner.contains("Executor")
                || owner.endsWith("ForkJoinPool") || owner.endsWith("CompletableFuture")
                || owner.endsWith("ThreadFactory"))) {
            return "an executor or a pool: threads of its own";
        }
        return null;
    }
}
