package dev.tutor.exercises.sockets;

import static org.junit.jupiter.api.Assertions.fail;

import dev.tutor.exercises.support.VirtualThreads;
import java.io.IOException;
import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * What {@link ThreadPerClientServerTest} knows of the server's threads and how it calls close(): the
 * server's threads are the threads alive that were not alive before the test started the server, other
 * than the test's own (named "test-...") and the JVM's; close() runs on a test thread of its own, so that
 * a close() that never returns costs only the time the test gives it. Not a test itself.
 */
final class ServerThreads {
    /** How long a client's thread may take to end once its client has gone. */
    static final long THREAD_END_MILLIS = 1_000;
    /** How long close() may take; a right answer takes milliseconds. */
    static final long CLOSE_MILLIS = 2_000;

    private ServerThreads() {
    }

    static Set<Thread> liveThreads() {
        return Set.copyOf(Thread.getAllStackTraces().keySet());
    }

    /** Threads alive now that were not in {@code before}, other than the test's own and the JVM's. */
    static List<Thread> serverThreads(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t) && t.isAlive() && !t.getName().startsWith("test-"))
                .filter(ServerThreads::aliveOutsideTheSystemGroup)
                .toList();
    }

    /**
     * Whether a thread is alive and not one of the JVM's own ("system" group). The group is read once: a thread
     * that ends meanwhile has none any more.
     */
    private static boolean aliveOutsideTheSystemGroup(Thread thread) {
        ThreadGroup group = thread.getThreadGroup();
        return group != null && !"system".equals(group.getName());
    }

    /**
     * The server's threads still alive after waiting up to {@code millis} in all for all but {@code keep}
     * of them to end.
     */
    static List<Thread> threadsStillAliveAfter(Set<Thread> before, long millis, int keep)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        List<Thread> alive = serverThreads(before);
        while (alive.size() > keep && System.nanoTime() < deadline) {
            Thread.sleep(10);
            alive = serverThreads(before);
        }
        return alive;
    }

    static String names(List<Thread> threads) {
        return threads.size() <= 6 ? threads.stream().map(Thread::getName).toList().toString()
                : threads.stream().limit(6).map(Thread::getName).collect(Collectors.joining(", ", "[", ", ...]"));
    }

    /** Each thread's name, whether it is a daemon, and where it is, for a message about threads left alive. */
    static List<String> describe(List<Thread> threads) {
        List<String> described = new ArrayList<>(threads.stream().limit(4).map(t -> {
            StackTraceElement[] stack = t.getStackTrace();
            String where = Arrays.stream(stack)
                    .filter(f -> f.getClassName().startsWith(ThreadPerClientServer.class.getName()))
                    .findFirst().map(f -> " at " + f.getMethodName() + " line " + f.getLineNumber()).orElse("");
            // Described a moment after it was seen alive: a thread that has ended since says so, not TERMINATED.
            Thread.State state = t.getState();
            String now = state == Thread.State.TERMINATED ? "ended a moment later" : state.toString();
            return "\"" + t.getName() + "\"" + (t.isDaemon() ? " (daemon)" : "") + " " + now + where;
        }).toList());
        if (threads.size() > 4) {
            described.add("and " + (threads.size() - 4) + " more");
        }
        return described;
    }

    /**
     * The names of the virtual threads alive now with a frame of ThreadPerClientServer on their stacks, from a
     * thread dump: {@link Thread#getAllStackTraces()} lists platform threads only. Empty when none, or when
     * the dump cannot be taken.
     */
    static List<String> virtualThreadsRunningTheServer() {
        return VirtualThreads.running(ThreadPerClientServer.class).orElse(List.of());
    }

    /**
     * How one call of close() ended, and which of the server's threads were alive the moment it returned; when it
     * was given up on before its time because of a wait it was seen in, {@code waiting} says which (else null).
     */
    record Closing(boolean returned, Throwable thrown, long millis, List<String> aliveAfter, String waiting) {

        Closing(boolean returned, Throwable thrown, long millis, List<String> aliveAfter) {
            this(returned, thrown, millis, aliveAfter, null);
        }
    }

    /**
     * Runs close() on a daemon thread of the test and waits up to {@code millis} for it. The threads in
     * {@code serving} that are still alive are listed on that thread the moment close() returns.
     */
    static Closing closeWithin(ThreadPerClientServer server, long millis, List<Thread> serving)
            throws InterruptedException {
        return closeWithin(ThreadPerClientServer::close, server, millis, () -> aliveOf(serving), closer -> null);
    }

    /**
     * As {@link #closeWithin(ThreadPerClientServer, long, List)}, for the server's threads as they are when
     * close() returns (those not in {@code before}), and giving up as soon as close() is seen {@link StuckServer
     * stuck for good}: then it has not returned after the time it was watched.
     */
    static Closing closeUnlessStuck(ThreadPerClientServer server, long millis, Set<Thread> before)
            throws InterruptedException {
        return closeWithin(ThreadPerClientServer::close, server, millis, () -> serverThreads(before),
                named(new StuckServer(before)::closeStuck));
    }

    /**
     * As {@link #closeWithin(ThreadPerClientServer, long, List)}, with close(limit) in place of close(). With a
     * limit of zero or less, a close(limit) seen waiting in Thread.join at all has not returned, at once: it has no
     * time to wait for anything, and a join with no time left returns without waiting (Thread.join(Duration) does
     * not even take the thread's monitor), so a join seen waiting, timed or not, was given time it did not have.
     */
    static Closing closeWithin(ThreadPerClientServer server, Duration limit, long millis, List<Thread> serving)
            throws InterruptedException {
        boolean noTime = limit.isNegative() || limit.isZero();
        return closeWithin(closing -> closing.close(limit), server, millis, () -> aliveOf(serving),
                closer -> noTime ? waitInJoin(closer) : null);
    }

    private static Closing closeWithin(Consumer<ThreadPerClientServer> close, ThreadPerClientServer server,
            long millis, Supplier<List<Thread>> serving, Function<Thread, String> waitsForEver)
            throws InterruptedException {
        Closer closer = Closer.start(server, close, serving);
        return awaitUnlessForEver(closer, closer.start, millis, serving, waitsForEver);
    }

    /** {@code waitsForEver} as a judge that names the wait it saw: "stuck" when it says yes. */
    private static Function<Thread, String> named(Predicate<Thread> waitsForEver) {
        return thread -> waitsForEver.test(thread) ? "stuck" : null;
    }

    /**
     * The closer's result, once close() has returned within {@code millis} of {@code from}; a Closing that has not
     * returned as soon as {@code waitsForEver} names a wait of the closing thread, or at the end of that time.
     */
    private static Closing awaitUnlessForEver(Closer closer, long from, long millis, Supplier<List<Thread>> serving,
            Function<Thread, String> waitsForEver) throws InterruptedException {
        long deadline = from + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!closer.done.await(5, TimeUnit.MILLISECONDS)) {
            boolean past = System.nanoTime() > deadline;
            String waiting = past ? null : waitsForEver.apply(closer.thread);
            if (past || waiting != null) {
                long waited = past ? millis : (System.nanoTime() - from) / 1_000_000;
                return new Closing(false, null, waited, describe(serving.get()), waiting);
            }
        }
        return closer.result;
    }

    private static List<Thread> aliveOf(List<Thread> threads) {
        return threads.stream().filter(Thread::isAlive).toList();
    }

    /**
     * How {@code thread} waits in Thread.join, or null if it is not waiting there: with no time limit (WAITING),
     * with one (TIMED_WAITING), or for the monitor of a thread the test holds in its last step (BLOCKED), which a
     * join takes only when it has time to wait.
     */
    private static String waitInJoin(Thread thread) {
        Thread.State state = thread.getState();
        if (state != Thread.State.WAITING && state != Thread.State.TIMED_WAITING && state != Thread.State.BLOCKED) {
            return null;
        }
        if (!inJoin(thread) || thread.getState() != state) {
            return null;
        }
        return switch (state) {
            case WAITING -> "waiting in Thread.join with no time limit";
            case TIMED_WAITING -> "waiting in Thread.join with a time limit";
            default -> {
                ThreadInfo info = ManagementFactory.getThreadMXBean().getThreadInfo(thread.threadId());
                String owner = info == null ? null : info.getLockOwnerName();
                String whose = owner != null && owner.startsWith(HOLDER) ? "\"" + owner.substring(HOLDER.length())
                        + "\", a thread of the server the test kept alive in its last step" : "a thread";
                yield "in Thread.join, about to wait for " + whose + " (a join takes the thread's monitor only when"
                        + " it has time to wait)";
            }
        };
    }

    /** The name of a {@link Held} holder thread: this, then the held thread's name. */
    private static final String HOLDER = "test-hold-";

    /** A test thread that holds a server thread's monitor, so that the server thread cannot finish ending. */
    record Held(Thread thread, CountDownLatch release, Thread holder) {

        static Held hold(Thread thread) throws InterruptedException {
            CountDownLatch holding = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Thread holder = new Thread(() -> {
                synchronized (thread) {
                    holding.countDown();
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        // let go
                    }
                }
            }, HOLDER + thread.getName());
            holder.setDaemon(true);
            holder.start();
            holding.await();
            return new Held(thread, release, holder);
        }

        void letGo() {
            release.countDown();
        }
    }

    /**
     * Waits up to {@code millis} until {@code count} of {@code threads} are alive with no frame left on
     * their stacks: their code has all run, and only the JVM's end of the thread is left.
     */
    static List<Thread> threadsInTheirLastStep(List<Thread> threads, int count, long millis)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        List<Thread> ending = List.of();
        while (System.nanoTime() < deadline) {
            ending = threads.stream().filter(t -> t.isAlive() && t.getStackTrace().length == 0).toList();
            if (ending.size() >= count) {
                break;
            }
            Thread.sleep(1);
        }
        return ending;
    }

    /**
     * Connects {@code leaving} clients to {@code server}, each with an echo, holds every thread of the server
     * (those not in {@code before}), lets the clients leave and waits until that many threads have run their last
     * line; then lets go of the others. Adds the holds to {@code held} as it takes them, so that the caller can let
     * go of them whatever happens; returns the threads left held, alive in their last step until let go.
     */
    static List<Thread> holdLeavingClientsThreads(ThreadPerClientServer server, Random random, int leaving,
            Set<Thread> before, List<Held> held) throws IOException, InterruptedException {
        List<Socket> leavers = new ArrayList<>();
        try {
            for (int c = 0; c < leaving; c++) {
                Socket leaver = ServerClients.connect(server);
                leavers.add(leaver);
                ServerClients.exchange(leaver, random, "leaving client " + (c + 1) + " of " + leaving);
            }
            List<Thread> serving = serverThreads(before);
            List<Held> all = new ArrayList<>();
            for (Thread thread : serving) {
                Held hold = Held.hold(thread);
                all.add(hold);
                held.add(hold);
            }
            for (Socket leaver : leavers) {
                leaver.close();
            }
            List<Thread> ending = threadsInTheirLastStep(serving, leaving, THREAD_END_MILLIS);
            if (ending.size() < leaving) {
                fail(leaving + " client(s) closed their connections, but only " + ending.size() + " thread(s) of"
                        + " the server had run their last line " + THREAD_END_MILLIS + " ms later.");
            }
            for (Held hold : all) {
                if (!ending.contains(hold.thread())) {
                    hold.letGo(); // only the threads of the clients that left stay held
                }
            }
            return ending;
        } finally {
            for (Socket leaver : leavers) {
                leaver.close();
            }
        }
    }

    /**
     * Runs close(limit) on a test thread while the test holds {@code held} threads alive in their last step, and
     * lets one go only once close(limit) waits for its monitor and its deadline has surely passed: {@code limit}
     * after close(limit) was first seen in Thread.join, which it reaches only once it has worked out its deadline.
     * From then on a right close(limit) has no time left and takes no thread's monitor (a join with no time left
     * returns without it), so a close(limit) seen waiting for the monitor of another held thread is given up on at
     * once, with that wait in {@link Closing#waiting()}. Else as {@link #closeWithin(ThreadPerClientServer,
     * Duration, long, List)}.
     */
    static Closing closeLettingJoinsThroughOncePastTheDeadline(ThreadPerClientServer server, Duration limit,
            long millis, List<Thread> serving, List<Held> held) throws InterruptedException {
        Closer closer = Closer.start(server, closing -> closing.close(limit), () -> aliveOf(serving));
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long deadline = closer.start + TimeUnit.MILLISECONDS.toNanos(millis);
        long firstJoin = 0;
        boolean joined = false;
        Held letGo = null;
        long letGoAt = 0;
        while (!closer.done.await(1, TimeUnit.MILLISECONDS)) {
            long now = System.nanoTime();
            if (now > deadline) {
                return new Closing(false, null, millis, describe(aliveOf(serving)));
            }
            if (!joined && inJoin(closer.thread)) {
                joined = true;
                firstJoin = now;
            }
            ThreadInfo info = threads.getThreadInfo(closer.thread.threadId());
            LockInfo lock = info == null || info.getThreadState() != Thread.State.BLOCKED ? null : info.getLockInfo();
            for (Held hold : held) {
                if (lock == null || hold == letGo || !isMonitorOf(lock, hold.thread())) {
                    continue;
                }
                if (letGo != null) {
                    String waiting = "about to wait in Thread.join for \"" + hold.thread().getName() + "\", alive"
                            + " in its last step, " + (now - letGoAt) / 1_000_000 + " ms after the test had let \""
                            + letGo.thread().getName() + "\" end, which was " + (letGoAt - firstJoin) / 1_000_000
                            + " ms after close(limit) was first seen in Thread.join, past its deadline";
                    return new Closing(false, null, (now - closer.start) / 1_000_000, describe(aliveOf(serving)),
                            waiting);
                }
                if (joined && now - firstJoin > limit.toNanos() + TimeUnit.MILLISECONDS.toNanos(LATE_MILLIS)) {
                    hold.letGo();
                    letGo = hold;
                    letGoAt = now;
                }
            }
        }
        return closer.result;
    }

    /**
     * How much later than limit after close(limit)'s first join the test takes its deadline to have passed: more
     * than a deadline counted in whole milliseconds can be late by.
     */
    private static final long LATE_MILLIS = 5;

    private static boolean isMonitorOf(LockInfo lock, Thread thread) {
        return lock.getIdentityHashCode() == System.identityHashCode(thread)
                && lock.getClassName().equals(thread.getClass().getName());
    }

    /** Whether {@code thread} has a frame of Thread.join on its stack. */
    private static boolean inJoin(Thread thread) {
        return Arrays.stream(thread.getStackTrace())
                .anyMatch(f -> f.getClassName().equals("java.lang.Thread") && f.getMethodName().equals("join"));
    }

    /**
     * Runs close() on a test thread and, while it runs, lets a held thread go the moment close() waits for
     * its monitor, which is what join() does first. The threads of {@code serving} still alive when close()
     * returns are listed on the closing thread at that moment.
     */
    static Closing closeLettingJoinsThrough(ThreadPerClientServer server, List<Thread> serving,
            List<Held> held, long millis) throws InterruptedException {
        Closer closer = Closer.start(server, ThreadPerClientServer::close, () -> aliveOf(serving));
        long start = closer.start;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!closer.done.await(1, TimeUnit.MILLISECONDS)) {
            if (System.nanoTime() > deadline) {
                return new Closing(false, null, millis, describe(aliveOf(serving)));
            }
            ThreadInfo info = threads.getThreadInfo(closer.thread.threadId());
            LockInfo lock = info == null ? null : info.getLockInfo();
            if (lock != null) {
                for (Held hold : held) {
                    if (lock.getIdentityHashCode() == System.identityHashCode(hold.thread())
                            && lock.getClassName().equals(hold.thread().getClass().getName())) {
                        hold.letGo();
                    }
                }
            }
        }
        return closer.result;
    }

    /**
     * Runs close() on a test thread and lets the held thread go the moment close() waits for something
     * (or has returned). Waits up to {@code millis} after that for close() to return; the threads of the
     * server alive the moment it returned are listed on the closing thread.
     */
    static Closing closeLettingThreadStartsThrough(ThreadPerClientServer server, Set<Thread> before,
            ThreadStartHold hold, long millis) throws InterruptedException {
        Closer closer = Closer.start(server, ThreadPerClientServer::close, () -> serverThreads(before));
        // close() may take up to its own limit of about 5 s before it waits for anything.
        long deadline = closer.start + TimeUnit.MILLISECONDS.toNanos(5_000 + millis);
        while (!closer.done.await(1, TimeUnit.MILLISECONDS)) {
            Thread.State state = closer.thread.getState();
            if (state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING) {
                break;
            }
            if (System.nanoTime() > deadline) {
                break;
            }
        }
        hold.letGo();
        return awaitUnlessForEver(closer, System.nanoTime(), millis, () -> serverThreads(before),
                named(new StuckServer(before)::closeStuck));
    }

    /**
     * close() run on a daemon thread of the test; what it did is in {@link #result} once {@link #done} is down,
     * its time counted from the moment before the call.
     */
    private static final class Closer {
        final CountDownLatch done = new CountDownLatch(1);
        final long start = System.nanoTime();
        final Thread thread;
        volatile Closing result;

        private Closer(ThreadPerClientServer server, Consumer<ThreadPerClientServer> close,
                Supplier<List<Thread>> aliveAtReturn) {
            thread = new Thread(() -> {
                Throwable thrown = null;
                long called = System.nanoTime();
                try {
                    close.accept(server);
                } catch (Throwable t) {
                    thrown = t;
                }
                // Listed on this thread the moment close() returns, before anything else can end them.
                result = new Closing(true, thrown, (System.nanoTime() - called) / 1_000_000,
                        describe(aliveAtReturn.get()));
                done.countDown();
            }, "test-closer");
            thread.setDaemon(true);
        }

        static Closer start(ThreadPerClientServer server, Consumer<ThreadPerClientServer> close,
                Supplier<List<Thread>> aliveAtReturn) {
            Closer closer = new Closer(server, close, aliveAtReturn);
            closer.thread.start();
            return closer;
        }
    }
}
