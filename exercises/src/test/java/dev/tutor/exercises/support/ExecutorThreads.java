package dev.tutor.exercises.support;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import net.bytebuddy.agent.ByteBuddyAgent;

/**
 * Lists the threads that one executor has started, virtual threads included, so that a test can reach a
 * thread that is still inside the learner's code (waiting for a permit, say) and has never called the test's.
 *
 * <p>No public API lists virtual threads: {@code Thread.getAllStackTraces()} leaves them out. The JDK keeps
 * them in <em>thread containers</em> ({@code jdk.internal.vm.ThreadContainers}), one per
 * {@code newVirtualThreadPerTaskExecutor()}, which its thread dumps read. That package is not exported, so
 * this class exports it to itself through the instrumentation of an agent attached to this JVM (the tutor's
 * test JVMs allow it: Lincheck attaches the same way), once, on first use.
 */
public final class ExecutorThreads {

    private static Method container;
    private static Method root;
    private static Method threads;
    private static String unavailable;

    private ExecutorThreads() {
    }

    /**
     * The live threads of the executor that started {@code known}, {@code known} included; empty when
     * {@code known} was not started by an executor that tracks its threads, or when the JDK's containers
     * cannot be reached here ({@link #unavailable()} says why).
     */
    public static List<Thread> startedAlongside(Thread known) {
        if (!reachable()) {
            return List.of();
        }
        try {
            Object owner = container.invoke(null, known);
            if (owner == null || owner == root.invoke(null)) {
                return List.of();       // the root container holds every platform thread: not an executor
            }
            @SuppressWarnings("unchecked")
            Stream<Thread> live = (Stream<Thread>) threads.invoke(owner);
            List<Thread> all = live.toList();
            return all.contains(known) ? all : List.of();
        } catch (ReflectiveOperationException | RuntimeException e) {
            return List.of();
        }
    }

    /** Why the JDK's thread containers cannot be reached, or null when they can. */
    public static synchronized String unavailable() {
        reachable();
        return unavailable;
    }

    private static synchronized boolean reachable() {
        if (threads != null) {
            return true;
        }
        if (unavailable != null) {
            return false;
        }
        try {
            Module base = Object.class.getModule();
            Module self = ExecutorThreads.class.getModule();
            if (!base.isExported("jdk.internal.vm", self)) {
                Instrumentation instrumentation = ByteBuddyAgent.install();
                instrumentation.redefineModule(base, Set.of(), Map.of("jdk.internal.vm", Set.of(self)), Map.of(),
                        Set.of(), Map.of());
            }
            Class<?> containers = Class.forName("jdk.internal.vm.ThreadContainers");
            Class<?> containerClass = Class.forName("jdk.internal.vm.ThreadContainer");
            container = containers.getMethod("container", Thread.class);
            root = containers.getMethod("root");
            threads = containerClass.getMethod("threads");
            return true;
        } catch (Throwable e) {   // an agent that cannot attach throws IllegalStateException, or an Error
            unavailable = String.valueOf(e);
            container = null;
            threads = null;
            return false;
        }
    }
}
