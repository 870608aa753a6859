package dev.tutor.exercises.support;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldInsnNode;
import org.objectweb.asm.tree.FieldNode;
import org.objectweb.asm.tree.LineNumberNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * Reads, from the compiled class of a server with a {@code serve()} loop and a {@code stop()} called from another
 * thread, how {@code stop()} reaches the loop and where a failing {@code select()} leads, for the tests of the
 * selector lessons. Not a test itself.
 *
 * <p>Three mistakes there pass any run of the code: a stop flag that is a plain field (the Java memory model lets
 * the serving thread miss the write for ever, though today's JIT seldom does), a {@code wakeup()} before the flag
 * is set (the loop must wake, test the flag and go back to {@code select()} in the few nanoseconds between), and
 * a clean-up that runs only when the loop ends normally (nothing makes {@code select()} fail on cue). The compiled
 * code shows each of them every time.
 *
 * <p>{@code serve()}'s code is {@code serve()} and the methods of the class it calls, and so on; {@code stop()}'s
 * likewise. Jumps and exception handlers are followed as ASM's analyser follows them, so a finally block, a
 * try-with-resources and a helper's clean-up count wherever they run. What cannot be followed is left alone
 * rather than guessed: lambdas, other classes, a class ASM cannot analyse, and (for the flag) any lock, volatile
 * write, atomic variable or {@code Selector.close()} in {@code stop()}. A wrong answer it misses is left to the
 * behaviour tests; a right one is never blamed.
 */
public final class ServeLoop {
    private static final Set<String> SELECTORS = Set.of("java/nio/channels/Selector",
            "java/nio/channels/spi/AbstractSelector");
    /** What an atomic variable offers that only reads it; any other method of one changes it. */
    private static final Set<String> ATOMIC_READS = Set.of("get", "getPlain", "getOpaque", "getAcquire", "intValue",
            "longValue", "floatValue", "doubleValue", "toString", "hashCode", "equals", "getClass");

    /** How a failure of {@code select()} leaves a method when nothing in it closes anything. */
    private enum Exit { THROWN, RETURNED }

    private final ClassNode node;
    private final Map<String, MethodNode> methods = new HashMap<>();
    private final Map<MethodNode, ValueFlow> flows = new HashMap<>();
    private final List<MethodNode> serveCode;
    private final List<MethodNode> stopCode;
    /** False when serve() or stop() calls a method of the class that is not in its class file (inherited). */
    private final boolean followed;

    /**
     * A plain field {@code stop()} writes and {@code serve()} reads with nothing else between the threads.
     *
     * @param field   its name
     * @param written where {@code stop()}'s code writes it: {@code stop() (Server.java:93)}
     * @param read    where {@code serve()}'s code reads it, the same way
     */
    public record PlainFlag(String field, String written, String read) {
    }

    /**
     * A {@code stop()} that wakes the selector only before it sets the flag the loop tests.
     *
     * @param wakeup where it wakes the selector: {@code stop() (Server.java:92)}
     * @param flag   the flag's name
     * @param set    where it sets the flag, the same way
     */
    public record WakeupFirst(String wakeup, String flag, String set) {
    }

    private ServeLoop(ClassNode node, String serve, String stop) {
        this.node = node;
        for (MethodNode method : node.methods) {
            methods.put(method.name + method.desc, method);
        }
        serveCode = codeOf(serve);
        stopCode = codeOf(stop);
        followed = allOwn(serveCode) && allOwn(stopCode);
    }

    /** Reads {@code server}'s own class file; {@code serve} and {@code stop} name its two methods. */
    public static ServeLoop of(Class<?> server, String serve, String stop) {
        return new ServeLoop(ClassFiles.read(server), serve, stop);
    }

    /**
     * The plain fields (neither volatile nor final) that {@code stop()}'s code writes and {@code serve()}'s code
     * reads, where neither code takes a lock and {@code stop()} does nothing else that orders memory (a volatile write,
     * an atomic variable, closing the selector); empty otherwise.
     */
    public List<PlainFlag> plainFlags() {
        if (!followed || usesLocks(serveCode) || usesLocks(stopCode) || ordersMemory(stopCode)) {
            return List.of();
        }
        List<PlainFlag> found = new ArrayList<>();
        for (FieldNode field : node.fields) {
            if ((field.access & (Opcodes.ACC_VOLATILE | Opcodes.ACC_FINAL)) != 0) {
                continue;
            }
            String written = firstAccess(stopCode, field.name, true);
            String read = firstAccess(serveCode, field.name, false);
            if (written != null && read != null) {
                found.add(new PlainFlag(field.name, written, read));
            }
        }
        return found;
    }

    /**
     * Where {@code stop()}'s code wakes the selector and then sets a flag {@code serve()}'s code reads, with no
     * path from setting a flag to another wakeup (or {@code Selector.close()}, which wakes it too); empty when
     * some wakeup can follow the flag, when either is missing, or when {@code stop()} takes a lock.
     */
    public Optional<WakeupFirst> wakeupBeforeFlag() {
        if (!followed || stopCode.isEmpty() || usesLocks(stopCode)) {
            return Optional.empty();
        }
        Set<String> flags = new HashSet<>();
        for (MethodNode method : serveCode) {
            for (AbstractInsnNode insn : method.instructions) {
                if (insn instanceof FieldInsnNode access && access.owner.equals(node.name)
                        && (access.getOpcode() == Opcodes.GETFIELD || access.getOpcode() == Opcodes.GETSTATIC)) {
                    flags.add(access.name);
                }
            }
        }
        Signals signals = signals(stopCode.get(0), flags, new HashSet<>());
        if (signals == null || signals.wakeAfterFlag || signals.wake == null || signals.flag == null) {
            return Optional.empty();
        }
        return Optional.of(new WakeupFirst(signals.wake, signals.flagName, signals.flag));
    }

    /**
     * Where {@code serve()}'s code calls {@code select()} (or a method of the class that does) such that, if it
     * throws, no path on from there closes anything (the selector, a channel, any {@code Closeable}) before the
     * exception leaves {@code serve()} or {@code serve()} returns; empty when every such call has one, and when
     * {@code stop()}'s code closes the selector (its select() then throws as the normal way to end, and what is
     * left open on a real failure is closed by the stop() that follows).
     */
    public Optional<String> selectFailureClosesNothing() {
        if (!followed || serveCode.isEmpty() || closesTheSelector(stopCode)) {
            return Optional.empty(); // a stop() that closes the selector itself is how such a loop ends: not judged
        }
        Failure failure = failure(serveCode.get(0), new HashSet<>());
        return failure == null || failure.exits.isEmpty() ? Optional.empty() : Optional.of(failure.at);
    }

    // ---- stop() and the flag ----

    /** What one method of {@code stop()}'s code does: the first wakeup and flag set it has, and their order. */
    private static final class Signals {
        String wake;
        String flag;
        String flagName;
        boolean wakeAfterFlag;
    }

    /** {@code method}'s signals, its helpers' included; null when it cannot be followed. */
    private Signals signals(MethodNode method, Set<String> flags, Set<MethodNode> inProgress) {
        ValueFlow flow = flow(method);
        if (!flow.followed || !inProgress.add(method)) {
            return null;
        }
        Signals result = new Signals();
        BitSet sets = new BitSet();
        BitSet wakes = new BitSet();
        for (int i = 0; i < method.instructions.size(); i++) {
            AbstractInsnNode insn = method.instructions.get(i);
            String flag = flagSetAt(flow, i, flags);
            boolean wake = insn instanceof MethodInsnNode call && SELECTORS.contains(call.owner)
                    && (call.name.equals("wakeup") || call.name.equals("close"));
            MethodNode helper = ownMethod(insn);
            if (helper != null) {
                Signals inner = signals(helper, flags, inProgress);
                if (inner == null) {
                    return null;
                }
                result.wakeAfterFlag |= inner.wakeAfterFlag;
                wake |= inner.wake != null;
                if (inner.flag != null) {
                    flag = inner.flagName;
                    result.flag = result.flag == null ? inner.flag : result.flag;
                }
                result.wake = result.wake == null ? inner.wake : result.wake;
            }
            if (flag != null) {
                sets.set(i);
                result.flagName = result.flagName == null ? flag : result.flagName;
                result.flag = result.flag == null ? place(method, i) : result.flag;
            }
            if (wake) {
                wakes.set(i);
                result.wake = result.wake == null ? place(method, i) : result.wake;
            }
        }
        for (int set = sets.nextSetBit(0); set >= 0 && !result.wakeAfterFlag; set = sets.nextSetBit(set + 1)) {
            result.wakeAfterFlag = !reachable(flow, flow.next(set), wakes).isEmpty();
        }
        inProgress.remove(method);
        return result;
    }

    /** The flag instruction {@code i} sets: a field of {@code flags} written, or changed through an atomic. */
    private String flagSetAt(ValueFlow flow, int i, Set<String> flags) {
        AbstractInsnNode insn = flow.method.instructions.get(i);
        if (insn instanceof FieldInsnNode access && access.owner.equals(node.name) && flags.contains(access.name)
                && (access.getOpcode() == Opcodes.PUTFIELD || access.getOpcode() == Opcodes.PUTSTATIC)) {
            return access.name;
        }
        if (insn instanceof MethodInsnNode call && call.getOpcode() != Opcodes.INVOKESTATIC
                && call.owner.startsWith("java/util/concurrent/atomic/") && !ATOMIC_READS.contains(call.name)) {
            int arguments = Type.getArgumentTypes(call.desc).length;
            for (Object origin : flow.origins(flow.stack(i, arguments))) {
                if (origin instanceof FieldInsnNode field && field.owner.equals(node.name)
                        && flags.contains(field.name)) {
                    return field.name;
                }
            }
        }
        return null;
    }

    private static boolean usesLocks(List<MethodNode> code) {
        for (MethodNode method : code) {
            if ((method.access & Opcodes.ACC_SYNCHRONIZED) != 0) {
                return true;
            }
            for (AbstractInsnNode insn : method.instructions) {
                if (insn.getOpcode() == Opcodes.MONITORENTER || insn instanceof MethodInsnNode call
                        && call.owner.startsWith("java/util/concurrent/locks/")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether the code does something else that orders memory between threads: the flag is then not alone. */
    private boolean ordersMemory(List<MethodNode> code) {
        for (MethodNode method : code) {
            for (AbstractInsnNode insn : method.instructions) {
                if (insn instanceof FieldInsnNode access && (access.getOpcode() == Opcodes.PUTFIELD
                        || access.getOpcode() == Opcodes.PUTSTATIC) && isVolatile(access)) {
                    return true;
                }
                if (insn instanceof MethodInsnNode call && (call.owner.startsWith("java/util/concurrent/")
                        || call.owner.startsWith("java/lang/invoke/")
                        || SELECTORS.contains(call.owner) && call.name.equals("close"))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether a field access is to a volatile field; one of another class counts, unknown as it is. */
    private boolean isVolatile(FieldInsnNode access) {
        if (!access.owner.equals(node.name)) {
            return true;
        }
        for (FieldNode field : node.fields) {
            if (field.name.equals(access.name)) {
                return (field.access & Opcodes.ACC_VOLATILE) != 0;
            }
        }
        return true;
    }

    private String firstAccess(List<MethodNode> code, String field, boolean write) {
        for (MethodNode method : code) {
            for (int i = 0; i < method.instructions.size(); i++) {
                if (method.instructions.get(i) instanceof FieldInsnNode access && access.owner.equals(node.name)
                        && access.name.equals(field) && write == (access.getOpcode() == Opcodes.PUTFIELD
                        || access.getOpcode() == Opcodes.PUTSTATIC)) {
                    return place(method, i);
                }
            }
        }
        return null;
    }

    // ---- a failing select() ----

    /** How a failure of select() in a method leaves it unclosed, and where the first such select() is. */
    private static final class Failure {
        final Set<Exit> exits = EnumSet.noneOf(Exit.class);
        String at;
    }

    /** How a failing select() in {@code method}'s code leaves it with nothing closed; null when not followed. */
    private Failure failure(MethodNode method, Set<MethodNode> inProgress) {
        ValueFlow flow = flow(method);
        if (!flow.followed || !inProgress.add(method)) {
            return null;
        }
        Failure result = new Failure();
        for (int i = 0; i < method.instructions.size(); i++) {
            AbstractInsnNode insn = method.instructions.get(i);
            Set<Exit> leaves = EnumSet.noneOf(Exit.class);
            if (insn instanceof MethodInsnNode call && SELECTORS.contains(call.owner)
                    && (call.name.equals("select") || call.name.equals("selectNow"))) {
                leaves.add(Exit.THROWN);
            } else if (ownMethod(insn) != null) {
                Failure inner = failure(ownMethod(insn), inProgress);
                if (inner == null) {
                    return null;
                }
                leaves.addAll(inner.exits);
            }
            Set<Exit> exits = EnumSet.noneOf(Exit.class);
            boolean closes = false;
            for (Exit leave : leaves) {
                Set<Integer> from = leave == Exit.THROWN ? flow.thrownTo(i) : flow.completesTo(i);
                if (leave == Exit.THROWN && from.isEmpty()) {
                    exits.add(Exit.THROWN);
                    continue;
                }
                Set<Exit> found = unclosedExits(flow, from);
                if (found == null) {
                    closes = true;
                } else {
                    exits.addAll(found);
                }
            }
            if (!closes && !exits.isEmpty()) {
                result.exits.addAll(exits);
                result.at = result.at == null ? place(method, i) : result.at;
            }
        }
        inProgress.remove(method);
        return result;
    }

    /** How the method can be left from {@code from} without closing anything; null when something can be closed. */
    private Set<Exit> unclosedExits(ValueFlow flow, Set<Integer> from) {
        BitSet closes = new BitSet();
        for (int i = 0; i < flow.method.instructions.size(); i++) {
            if (closesSomething(flow.method.instructions.get(i), new HashSet<>())) {
                closes.set(i);
            }
        }
        BitSet seen = new BitSet();
        if (!reachable(flow, from, closes, seen).isEmpty()) {
            return null;
        }
        Set<Exit> exits = EnumSet.noneOf(Exit.class);
        for (int i = seen.nextSetBit(0); i >= 0; i = seen.nextSetBit(i + 1)) {
            int opcode = flow.method.instructions.get(i).getOpcode();
            if (opcode == Opcodes.ATHROW && flow.thrownTo(i).isEmpty()) {
                exits.add(Exit.THROWN);
            } else if (opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
                exits.add(Exit.RETURNED);
            }
        }
        return exits;
    }

    /** Whether {@code insn} closes something, itself or through a method of the class. */
    private boolean closesSomething(AbstractInsnNode insn, Set<MethodNode> seen) {
        if (!(insn instanceof MethodInsnNode call)) {
            return false;
        }
        if (call.name.equals("close") && call.desc.equals("()V") && (call.owner.startsWith("java/nio/channels/")
                || call.owner.equals("java/io/Closeable") || call.owner.equals("java/lang/AutoCloseable"))) {
            return true;
        }
        MethodNode helper = ownMethod(insn);
        if (helper == null || !seen.add(helper)) {
            return false;
        }
        for (AbstractInsnNode inner : helper.instructions) {
            if (closesSomething(inner, seen)) {
                return true;
            }
        }
        return false;
    }

    private static boolean closesTheSelector(List<MethodNode> code) {
        for (MethodNode method : code) {
            for (AbstractInsnNode insn : method.instructions) {
                if (insn instanceof MethodInsnNode call && SELECTORS.contains(call.owner)
                        && call.name.equals("close")) {
                    return true;
                }
            }
        }
        return false;
    }

    // ---- shared ----

    /** The method named {@code name} and what it calls of the class, the method itself first; empty if none. */
    private List<MethodNode> codeOf(String name) {
        Set<MethodNode> code = new LinkedHashSet<>();
        Deque<MethodNode> toSee = new ArrayDeque<>();
        for (MethodNode method : node.methods) {
            if (method.name.equals(name) && method.desc.startsWith("()") && (method.access & Opcodes.ACC_STATIC) == 0) {
                toSee.add(method);
            }
        }
        while (!toSee.isEmpty()) {
            MethodNode method = toSee.pop();
            if (code.add(method)) {
                for (AbstractInsnNode insn : method.instructions) {
                    MethodNode callee = ownMethod(insn);
                    if (callee != null) {
                        toSee.add(callee);
                    }
                }
            }
        }
        return List.copyOf(code);
    }

    /** Whether every call the code makes to a method of the class finds that method in the class file. */
    private boolean allOwn(List<MethodNode> code) {
        for (MethodNode method : code) {
            for (AbstractInsnNode insn : method.instructions) {
                if (insn instanceof MethodInsnNode call && call.owner.equals(node.name) && !call.name.equals("<init>")
                        && ownMethod(insn) == null) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The method of the class {@code insn} calls, or null; the class's own calls run its own code. */
    private MethodNode ownMethod(AbstractInsnNode insn) {
        if (insn instanceof MethodInsnNode call && call.owner.equals(node.name) && !call.name.equals("<init>")) {
            MethodNode callee = methods.get(call.name + call.desc);
            return callee != null && (callee.access & Opcodes.ACC_ABSTRACT) == 0 ? callee : null;
        }
        return null;
    }

    private ValueFlow flow(MethodNode method) {
        return flows.computeIfAbsent(method, m -> new ValueFlow(node.name, m));
    }

    /** The instructions of {@code targets} reachable from {@code from} (included), along every edge. */
    private static BitSet reachable(ValueFlow flow, Set<Integer> from, BitSet targets) {
        return reachable(flow, from, targets, new BitSet());
    }

    /** Same, recording in {@code seen} what was visited; the walk does not go on past a target. */
    private static BitSet reachable(ValueFlow flow, Set<Integer> from, BitSet targets, BitSet seen) {
        BitSet found = new BitSet();
        Deque<Integer> toSee = new ArrayDeque<>(from);
        while (!toSee.isEmpty()) {
            int i = toSee.pop();
            if (seen.get(i)) {
                continue;
            }
            seen.set(i);
            if (targets.get(i)) {
                found.set(i);
                continue;
            }
            toSee.addAll(flow.next(i));
        }
        return found;
    }

    /** Where instruction {@code i} is: {@code stop() (Server.java:92)}. */
    private String place(MethodNode method, int i) {
        int line = 0;
        for (AbstractInsnNode insn = method.instructions.get(i); insn != null; insn = insn.getPrevious()) {
            if (insn instanceof LineNumberNode number) {
                line = number.line;
                break;
            }
        }
        return method.name + "() (" + node.sourceFile + ":" + line + ")";
    }
}
