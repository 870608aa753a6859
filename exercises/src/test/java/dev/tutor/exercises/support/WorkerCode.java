package dev.tutor.exercises.support;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldInsnNode;
import org.objectweb.asm.tree.InvokeDynamicInsnNode;
import org.objectweb.asm.tree.LineNumberNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TypeInsnNode;
import org.objectweb.asm.tree.analysis.SourceValue;

/**
 * Finds, in the compiled classes of an exercise, the places where code that runs on a worker thread changes a
 * plain {@code java.util} collection that other threads share, holding no lock, for the tests of exercises whose
 * workers share one list. Not a test itself.
 *
 * <p>Two workers adding to an {@code ArrayList} at the same moment lose an element only when their adds overlap
 * by a few nanoseconds, which a test on two busy cores sees in a few runs out of a hundred. The compiled code
 * shows the mistake every time: the task handed to a thread calls {@code add} on a collection that is not
 * synchronized, at an instruction where no lock is held.
 *
 * <p>Worker code is the body of every {@code Runnable} lambda in the class's nest, the {@code run()} of every
 * nest class that is a {@code Runnable} or a {@code Thread}, and the nest's methods those call. Locks are counted
 * per instruction, as {@link LockDepths} follows them: {@code synchronized} methods and blocks, a {@code Lock}'s
 * {@code lock()} to its {@code unlock()}. A collection only one worker can reach is not shared: one the worker
 * makes itself, one made afresh for each worker in the loop that hands out the tasks, or a field of the worker's
 * own object set only by its constructor to a new collection. What cannot be followed is left alone rather than
 * guessed: the check is silent when the nest makes anything that can share a collection safely (a synchronized
 * wrapper, a {@code java.util.concurrent} collection, {@code Vector}, {@code Hashtable}) or guards with something
 * it does not count ({@code tryLock()}, a {@code Semaphore}, a {@code StampedLock}). A wrong answer it misses is
 * left to the behaviour tests; a right one is never blamed.
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

    private final ClassLoader loader;
        private final Map<String, MethodNode> methods = new LinkedHashMap<>();
    private final Map<String, ClassNode> ownerOf = new HashMap<>();
    private final Map<String, ValueFlow> flows = new HashMap<>();
    /** For a lambda's body, the places that capture its arguments: the capturing method and the instruction. */
    private final Map<String, List<Capture>> captures = new LinkedHashMap<>();

    private WorkerCode(ClassLoader loader) {
        this.loader = loader;
    }

    /**
     * Each unguarded change of a shared plain collection in {@code host}'s worker code, as
     * {@code "ArrayList.add() (Workers.java:52)"}, in the order it is found; empty when there is none or when
     * the nest uses something the check does not follow.
     */
    public static List<String> unguardedAdds(Class<?> host) {
        WorkerCode code = new WorkerCode(host.getClassLoader());
        for (Class<?> member : host.getNestMembers()) {
            code.read(member);
        }
        return code.cannotFollow() ? List.of() : code.find();
    }

    private void read(Class<?> member) {
        ClassNode node = ClassFiles.read(member);
        for (MethodNode method : node.methods) {
            methods.put(key(node.name, method.name, method.desc), method);
            ownerOf.put(key(node.name, method.name, method.desc), node);
        }
    }

    /** Whether the nest makes a collection that can be shared safely, or guards with a lock not counted here. */
    private boolean cannotFollow() {
        for (MethodNode method : methods.values()) {
            for (AbstractInsnNode insn : method.instructions) {
                if (insn instanceof TypeInsnNode type && sharesSafely(type.desc, "")
                        || insn instanceof MethodInsnNode call && (sharesSafely(call.owner, call.name)
                        || call.name.equals("tryLock") && LockDepths.isLock(call.owner, loader))) {
                    return true;
                }
                if (insn instanceof InvokeDynamicInsnNode indy) {
                    for (Object argument : indy.bsmArgs) {
                        if (argument instanceof Handle handle && sharesSafely(handle.getOwner(), handle.getName())) {
                            return true;
                        }
                    }
                }
            }
        }
        return false;
    }

    /** Whether a class, by its internal name, lets threads share a collection or guards one in a way not followed. */
    private static boolean sharesSafely(String owner, String name) {
        return owner.equals("java/util/Collections") && name.startsWith("synchronized")
                || owner.startsWith("java/util/concurrent/") && !owner.startsWith("java/util/concurrent/atomic/")
                && (owner.contains("Concurrent") || owner.contains("CopyOnWrite") || owner.contains("Blocking")
                || owner.equals("java/util/concurrent/Semaphore") || owner.endsWith("/StampedLock"))
                || owner.equals("java/util/Vector") || owner.equals("java/util/Hashtable")
                || owner.equals("java/util/Stack");
    }

    private List<String> find() {
        Deque<Entry> toVisit = new ArrayDeque<>();
        for (Map.Entry<String, MethodNode> each : methods.entrySet()) {
            ClassNode owner = ownerOf.get(each.getKey());
            MethodNode method = each.getValue();
            boolean runsOnAThread = "java/lang/Thread".equals(owner.superName)
                    || owner.interfaces.contains("java/lang/Runnable");
            if (runsOnAThread && method.name.equals("run") && method.desc.equals("()V")) {
                toVisit.add(new Entry(each.getKey(), LockDepths.entering(method, 0), new BitSet()));
            }
            for (int i = 0; i < method.instructions.size(); i++) {
                if (method.instructions.get(i) instanceof InvokeDynamicInsnNode indy
                        && Type.getReturnType(indy.desc).getInternalName().equals("java/lang/Runnable")) {
                    for (Object argument : indy.bsmArgs) {
                        String body = argument instanceof Handle handle
                                ? key(handle.getOwner(), handle.getName(), handle.getDesc()) : null;
                        if (body != null && methods.containsKey(body)) {
                            captures.computeIfAbsent(body, k -> new ArrayList<>())
                                    .add(new Capture(each.getKey(), i));
                        }
                    }
                }
            }
        }
        for (String body : captures.keySet()) {
            toVisit.add(new Entry(body, LockDepths.entering(methods.get(body), 0), privateCaptures(body)));
        }
        List<String> found = new ArrayList<>();
        Set<Entry> seen = new HashSet<>();
        while (!toVisit.isEmpty()) {
            Entry entry = toVisit.pop();
            if (seen.add(entry)) {
                visit(entry, toVisit, found);
            }
        }
        return List.copyOf(found);
    }

    /** Looks at one method entered holding {@code entry.held} locks, with the given parameter slots private. */
    private void visit(Entry entry, Deque<Entry> toVisit, List<String> found) {
        MethodNode method = methods.get(entry.method);
        ClassNode owner = ownerOf.get(entry.method);
        int[] depth = LockDepths.of(method, entry.held, loader);
        ValueFlow flow = flow(entry.method);
        int line = 0;
        for (int i = 0; i < method.instructions.size(); i++) {
            AbstractInsnNode insn = method.instructions.get(i);
            if (insn instanceof LineNumberNode number) {
                line = number.line;
            }
            if (depth[i] < 0 || !(insn instanceof MethodInsnNode call)) {
                continue;
            }
            if (PLAIN.contains(call.owner) && CHANGES.contains(call.name)) {
                int receiver = Type.getArgumentTypes(call.desc).length;
                if (depth[i] == 0 && !isPrivate(entry, flow, flow.stack(i, receiver), owner)) {
                    String place = call.owner.substring(call.owner.lastIndexOf('/') + 1) + "." + call.name + "() ("
                            + owner.sourceFile + ":" + line + ")";
                    if (!found.contains(place)) {
                        found.add(place);
                    }
                }
            } else if (methods.containsKey(key(call.owner, call.name, call.desc))) {
                String callee = key(call.owner, call.name, call.desc);
                Type[] arguments = Type.getArgumentTypes(call.desc);
                boolean instance = call.getOpcode() != Opcodes.INVOKESTATIC;
                BitSet privateSlots = new BitSet();
                int slot = instance ? 1 : 0;
                for (int a = 0; a < arguments.length; a++) {
                    if (isPrivate(entry, flow, flow.stack(i, arguments.length - 1 - a), owner)) {
                        privateSlots.set(slot);
                    }
                    slot += arguments[a].getSize();
                }
                toVisit.add(new Entry(callee, LockDepths.entering(methods.get(callee), depth[i]), privateSlots));
            }
        }
    }

    /**
     * Whether a value only the running worker can reach: a collection made in this method, a private parameter,
     * or a field of the worker's own object its constructors alone set, each time to a new collection.
     */
    private boolean isPrivate(Entry entry, ValueFlow flow, SourceValue value, ClassNode owner) {
        if (value == null || value.insns.isEmpty()) {
            return false;
        }
        for (Object source : flow.origins(value)) {
            boolean fresh = isNew(source);
            boolean parameter = source instanceof ValueFlow.Parameter p && entry.privateSlots.get(p.slot());
            boolean ownField = source instanceof FieldInsnNode field && field.getOpcode() == Opcodes.GETFIELD
                    && field.owner.equals(owner.name) && isThis(flow, field) && setOnlyFresh(owner, field.name);
            if (!fresh && !parameter && !ownField) {
                return false;
            }
        }
        return true;
    }

    /** Whether a GETFIELD reads a field of {@code this} (slot 0 of an instance method, never stored to). */
    private static boolean isThis(ValueFlow flow, AbstractInsnNode getField) {
        SourceValue object = flow.stack(flow.method.instructions.indexOf(getField), 0);
        for (Object source : flow.origins(object)) {
            if (!(source instanceof ValueFlow.Parameter p) || p.slot() != 0
                    || (flow.method.access & Opcodes.ACC_STATIC) != 0) {
                return false;
            }
        }
        return true;
    }

    /** Whether the class's constructors alone store the field, each store a collection new at that point. */
    private boolean setOnlyFresh(ClassNode owner, String field) {
        for (MethodNode method : owner.methods) {
            ValueFlow flow = null;
            for (int i = 0; i < method.instructions.size(); i++) {
                if (method.instructions.get(i) instanceof FieldInsnNode put && put.getOpcode() == Opcodes.PUTFIELD
                        && put.owner.equals(owner.name) && put.name.equals(field)) {
                    if (!method.name.equals("<init>")) {
                        return false;
                    }
                    flow = flow != null ? flow : flow(key(owner.name, method.name, method.desc));
                    for (Object source : flow.origins(flow.stack(i, 0))) {
                        if (!isNew(source)) {
                            return false;
                        }
                    }
                }
            }
        }
        return true;
    }

    /**
     * The parameter slots of a lambda's body whose captured value is, at every place that captures it, a collection
     * made afresh each time round a loop that runs through the capture: each worker gets one of its own.
     */
    private BitSet privateCaptures(String body) {
        BitSet slots = new BitSet();
        MethodNode lambda = methods.get(body);
        Type[] parameters = Type.getArgumentTypes(lambda.desc);
        boolean instance = (lambda.access & Opcodes.ACC_STATIC) == 0;
        List<Capture> places = captures.getOrDefault(body, List.of());
        for (Capture place : places) {
            InvokeDynamicInsnNode indy = (InvokeDynamicInsnNode) methods.get(place.method).instructions
                    .get(place.at);
            Type[] captured = Type.getArgumentTypes(indy.desc);
            ValueFlow flow = flow(place.method);
            for (int a = 0; a < captured.length; a++) {
                int target = instance ? (a == 0 ? -1 : slotOf(parameters, a - 1) + 1) : slotOf(parameters, a);
                SourceValue value = flow.stack(place.at, captured.length - 1 - a);
                boolean perWorker = target >= 0 && !flow.origins(value).isEmpty();
                for (Object source : flow.origins(value)) {
                    perWorker &= isNew(source) && flow.onALoopWith(
                            flow.method.instructions.indexOf((AbstractInsnNode) source), place.at);
                }
                if (perWorker && (place == places.get(0) || slots.get(target))) {
                    slots.set(target);
                } else if (target >= 0) {
                    slots.clear(target);
                }
            }
        }
        return slots;
    }

    private static boolean isNew(Object source) {
        return source instanceof TypeInsnNode type && type.getOpcode() == Opcodes.NEW;
    }

    private static int slotOf(Type[] parameters, int index) {
        int slot = 0;
        for (int p = 0; p < index; p++) {
            slot += parameters[p].getSize();
        }
        return slot;
    }

    private ValueFlow flow(String method) {
        return flows.computeIfAbsent(method, k -> new ValueFlow(ownerOf.get(k).name, methods.get(k)));
    }

    private static String key(String owner, String name, String descriptor) {
        return owner + "." + name + descriptor;
    }

    /** A method to look at: entered holding {@code held} locks, its {@code privateSlots} reachable by one worker. */
    private record Entry(String method, int held, BitSet privateSlots) {
    }

    /** The place where a lambda is made: the capturing method and its invokedynamic's index. */
    private record Capture(String method, int at) {
    }
}
