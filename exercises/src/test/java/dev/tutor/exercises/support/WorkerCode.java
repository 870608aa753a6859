package dev.tutor.exercises.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Finds, in the compiled classes of an exercise, the places where code that runs on a worker thread adds to a
 * plain {@code java.util} collection with no lock, for the tests of exercises whose workers share one list.
 *
 * <p>Two workers adding to an {@code ArrayList} at the same moment lose an element only when their adds overlap
 * by a few nanoseconds, which a test on two busy cores sees in a few runs out of a hundred. The compiled code
 * shows the mistake every time: the task handed to a thread calls {@code add} on a collection that is not
 * synchronized, holds no monitor, and nothing in the class makes a collection that would allow it.
 *
 * <p>Worker code is the body of every {@code Runnable} lambda or method reference in the class's nest, the
 * {@code run()} of every nest class that is a {@code Runnable} or a {@code Thread}, and the nest's methods those
 * call, except where a monitor is held ({@code synchronized} blocks and methods). The check is silent as soon as
 * the nest makes anything that can share a collection safely ({@code Collections.synchronizedList} and its
 * siblings, a {@code java.util.concurrent} collection or lock, {@code Vector}, {@code Hashtable}): a wrong answer
 * it misses is left to the behaviour tests, and a right one is never blamed.
 */
public final class WorkerCode {
    /** Collections that are not safe to change from two threads at once, as their class files name them. */
    private static final Set<String> PLAIN = Set.of("java/util/Collection", "java/util/List", "java/util/ArrayList",
            "java/util/LinkedList", "java/util/Set", "java/util/HashSet", "java/util/LinkedHashSet",
            "java/util/TreeSet", "java/util/SortedSet", "java/util/NavigableSet", "java/util/SequencedCollection",
            "java/util/Map", "java/util/HashMap", "java/util/LinkedHashMap", "java/util/TreeMap",
            "java/util/Queue", "java/util/Deque", "java/util/ArrayDeque", "java/util/PriorityQueue",
            "java/util/AbstractList", "java/util/AbstractCollection");
    private static final Set<String> CHANGES = Set.of("add", "addAll", "addFirst", "addLast", "offer", "offerFirst",
            "offerLast", "push", "put", "putAll", "putIfAbsent", "merge", "compute", "computeIfAbsent", "set");

    private WorkerCode() {
    }

    /**
     * Each unguarded change of a plain collection in {@code host}'s worker code, as
     * {@code "ArrayList.add() (Workers.java:52)"}, in the order of the source; empty when there is none or when
     * the nest makes something that shares a collection safely.
     */
    public static List<String> unguardedAdds(Class<?> host) {
        Map<String, Method> methods = new HashMap<>();
        Set<String> roots = new LinkedHashSet<>();
        boolean[] safeSharing = new boolean[1];
        for (Class<?> member : host.getNestMembers()) {
            String name = member.getName();
            try (InputStream in = member.getResourceAsStream(name.substring(name.lastIndexOf('.') + 1) + ".class")) {
                if (in == null) {
                    throw new IllegalStateException("no class file for " + name);
                }
                new ClassReader(in).accept(new Reader(methods, roots, safeSharing), ClassReader.SKIP_FRAMES);
            } catch (IOException e) {
                throw new UncheckedIOException("reading the class file of " + name, e);
            }
        }
        if (safeSharing[0]) {
            return List.of();
        }
        List<String> found = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Deque<String> toVisit = new ArrayDeque<>(roots);
        while (!toVisit.isEmpty()) {
            Method method = methods.get(toVisit.pop());
            if (method == null || !seen.add(method.key) || method.holdsMonitor) {
                continue;
            }
            for (Call call : method.calls) {
                if (PLAIN.contains(call.owner) && CHANGES.contains(call.name)) {
                    String place = call.owner.substring(call.owner.lastIndexOf('/') + 1) + "." + call.name + "() ("
                            + method.sourceFile + ":" + call.line + ")";
                    if (!found.contains(place)) {
                        found.add(place);
                    }
                } else if (methods.containsKey(call.owner + "." + call.name + call.descriptor)) {
                    toVisit.add(call.owner + "." + call.name + call.descriptor);
                }
            }
        }
        return List.copyOf(found);
    }

    /** Whether a class, by its internal name, is one that lets threads share a collection or guard one. */
    private static boolean sharesSafely(String owner, String name) {
        return owner.equals("java/util/Collections") && name.startsWith("synchronized")
                || owner.startsWith("java/util/concurrent/") && !owner.startsWith("java/util/concurrent/atomic/")
                && (owner.contains("Concurrent") || owner.contains("CopyOnWrite") || owner.contains("Blocking")
                || owner.startsWith("java/util/concurrent/locks/"))
                || owner.equals("java/util/Vector") || owner.equals("java/util/Hashtable")
                || owner.equals("java/util/Stack");
    }

    private record Call(String owner, String name, String descriptor, int line) {
    }

    /** One method's calls, and whether it holds a monitor anywhere (then its changes are taken as guarded). */
    private static final class Method {
        final String key;
        final String sourceFile;
        final List<Call> calls = new ArrayList<>();
        boolean holdsMonitor;

        Method(String key, String sourceFile, boolean synchronizedMethod) {
            this.key = key;
            this.sourceFile = sourceFile;
            this.holdsMonitor = synchronizedMethod;
        }
    }

    private static final class Reader extends ClassVisitor {
        private final Map<String, Method> methods;
        private final Set<String> roots;
        private final boolean[] safeSharing;
        private String className;
        private boolean runsOnAThread;
        private String sourceFile = "Unknown";

        Reader(Map<String, Method> methods, Set<String> roots, boolean[] safeSharing) {
            super(Opcodes.ASM9);
            this.methods = methods;
            this.roots = roots;
            this.safeSharing = safeSharing;
        }

        @Override
        public void visit(int version, int access, String name, String signature, String superName,
                          String[] interfaces) {
            className = name;
            runsOnAThread = "java/lang/Thread".equals(superName) || List.of(interfaces).contains("java/lang/Runnable");
        }

        @Override
        public void visitSource(String source, String debug) {
            if (source != null) {
                sourceFile = source;
            }
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                         String[] exceptions) {
            String key = className + "." + name + descriptor;
            Method method = new Method(key, sourceFile, (access & Opcodes.ACC_SYNCHRONIZED) != 0);
            methods.put(key, method);
            if (runsOnAThread && name.equals("run") && descriptor.equals("()V")) {
                roots.add(key);
            }
            return new MethodVisitor(Opcodes.ASM9) {
                private int line;

                @Override
                public void visitLineNumber(int line, Label start) {
                    this.line = line;
                }

                @Override
                public void visitInsn(int opcode) {
                    if (opcode == Opcodes.MONITORENTER) {
                        method.holdsMonitor = true;
                    }
                }

                @Override
                public void visitTypeInsn(int opcode, String type) {
                    safeSharing[0] |= sharesSafely(type, "");
                }

                @Override
                public void visitMethodInsn(int opcode, String owner, String name, String descriptor,
                                            boolean isInterface) {
                    safeSharing[0] |= sharesSafely(owner, name);
                    method.calls.add(new Call(owner, name, descriptor, line));
                }

                @Override
                public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrap,
                                                   Object... arguments) {
                    // A lambda or method reference made into a Runnable: its body is what a thread runs.
                    if (Type.getReturnType(descriptor).getInternalName().equals("java/lang/Runnable")) {
                        for (Object argument : arguments) {
                            if (argument instanceof Handle handle && handle.getOwner().startsWith(
                                    className.contains("$") ? className.substring(0, className.indexOf('$'))
                                            : className)) {
                                roots.add(handle.getOwner() + "." + handle.getName() + handle.getDesc());
                            }
                        }
                    }
                    for (Object argument : arguments) {
                        if (argument instanceof Handle handle) {
                            safeSharing[0] |= sharesSafely(handle.getOwner(), handle.getName());
                        }
                    }
                }
            };
        }
    }
}
