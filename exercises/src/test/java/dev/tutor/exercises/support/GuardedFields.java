package dev.tutor.exercises.support;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Lock;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldInsnNode;
import org.objectweb.asm.tree.FieldNode;
import org.objectweb.asm.tree.LineNumberNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.VarInsnNode;

/**
 * Finds the fields of a class you wrote that a lock guards in one place and not in another, read from its
 * compiled class file, for the tests of exercises whose lesson is that every access to shared state takes the
 * lock. Not a test itself.
 *
 * <p>A plain field (neither volatile nor final) that some method writes while holding a lock is taken to be
 * guarded by it; every other access to it, outside constructors, must then hold a lock too. A read without
 * one has no happens-before edge to the writes: the reader may see an old value, in a loop even for ever,
 * and no interleaving of a model checker, which treats memory as sequentially consistent, shows that.
 *
 * <p>"Holding a lock" follows the code's jumps and exception handlers: inside a synchronized method or block,
 * or between a {@link Lock}'s {@code lock()} (or {@code lockInterruptibly()}) and its {@code unlock()}. A
 * private method counts as holding a lock when every call of it in the class does. What cannot be followed
 * is left alone rather than guessed: code in lambdas and in other classes, {@code tryLock()}, and other kinds
 * of lock. The read of a field to lock on it ({@code synchronized (count)}) is not an access the lock guards.
 */
public final class GuardedFields {
    private GuardedFields() {
    }

    /**
     * One field accessed both with a lock and without.
     *
     * @param field     the field's name
     * @param guarded   where it is written holding a lock: {@code incref() (RefCounted.java:12)}, in order
     * @param unguarded where it is read or written without one, the same way
     */
    public record Finding(String field, List<String> guarded, List<String> unguarded) {
    }

    /** The fields of {@code type} (its own class file only) written under a lock and accessed without one. */
    public static List<Finding> of(Class<?> type) {
        return of(ClassFiles.read(type), type.getClassLoader());
    }

    private static List<Finding> of(ClassNode node, ClassLoader loader) {
        Map<String, List<String>> guarded = new LinkedHashMap<>();
        Map<String, List<String>> unguarded = new LinkedHashMap<>();
        for (FieldNode field : node.fields) {
            if ((field.access & (Opcodes.ACC_VOLATILE | Opcodes.ACC_FINAL)) == 0) {
                guarded.put(field.name, new ArrayList<>());
                unguarded.put(field.name, new ArrayList<>());
            }
        }
        Map<String, Integer> entry = entryDepths(node, loader);
        for (MethodNode method : node.methods) {
            Integer start = entry.get(method.name + method.desc);
            if (start == null || method.name.equals("<init>") || method.name.equals("<clinit>")) {
                continue;
            }
            int[] depth = LockDepths.of(method, start, loader);
            int line = 0;
            for (int i = 0; i < method.instructions.size(); i++) {
                AbstractInsnNode insn = method.instructions.get(i);
                if (insn instanceof LineNumberNode number) {
                    line = number.line;
                }
                if (!(insn instanceof FieldInsnNode access) || !access.owner.equals(node.name)
                        || !guarded.containsKey(access.name) || depth[i] < 0 || isLockedOn(access)) {
                    continue;
                }
                boolean write = access.getOpcode() == Opcodes.PUTFIELD || access.getOpcode() == Opcodes.PUTSTATIC;
                String place = method.name + "() (" + node.sourceFile + ":" + line + ")";
                if (depth[i] > 0) {
                    if (write && !guarded.get(access.name).contains(place)) {
                        guarded.get(access.name).add(place);
                    }
                } else {
                    String seen = (write ? "written in " : "read in ") + place;
                    if (!unguarded.get(access.name).contains(seen)) {
                        unguarded.get(access.name).add(seen);
                    }
                }
            }
        }
        List<Finding> found = new ArrayList<>();
        for (String field : guarded.keySet()) {
            if (!guarded.get(field).isEmpty() && !unguarded.get(field).isEmpty()) {
                found.add(new Finding(field, List.copyOf(guarded.get(field)), List.copyOf(unguarded.get(field))));
            }
        }
        return found;
    }

    /**
     * The lock depth each method starts at, by name and descriptor: 1 for a synchronized method, else 0, and
     * for a private method the least depth of its calls in the class. Lambdas and private methods never called
     * are missing: nothing is known of the locks they run under.
     */
    private static Map<String, Integer> entryDepths(ClassNode node, ClassLoader loader) {
        Map<String, Integer> entry = new HashMap<>();
        for (MethodNode method : node.methods) {
            if ((method.access & (Opcodes.ACC_PRIVATE | Opcodes.ACC_SYNTHETIC)) == 0) {
                entry.put(method.name + method.desc, (method.access & Opcodes.ACC_SYNCHRONIZED) != 0 ? 1 : 0);
            }
        }
        // Each round can only lower a private method's depth, which stops at 0: a handful of rounds at most.
        for (boolean changed = true; changed; ) {
            changed = false;
            for (MethodNode method : node.methods) {
                Integer start = entry.get(method.name + method.desc);
                if (start == null) {
                    continue;
                }
                int[] depth = LockDepths.of(method, start, loader);
                for (int i = 0; i < method.instructions.size(); i++) {
                    if (depth[i] < 0 || !(method.instructions.get(i) instanceof MethodInsnNode call)
                            || !call.owner.equals(node.name)) {
                        continue;
                    }
                    MethodNode callee = find(node, call.name, call.desc);
                    if (callee == null || (callee.access & Opcodes.ACC_PRIVATE) == 0
                            || (callee.access & Opcodes.ACC_SYNTHETIC) != 0) {
                        continue;
                    }
                    int at = LockDepths.entering(callee, depth[i]);
                    Integer before = entry.get(callee.name + callee.desc);
                    if (before == null || at < before) {
                        entry.put(callee.name + callee.desc, at);
                        changed = true;
                    }
                }
            }
        }
        return entry;
    }

    private static MethodNode find(ClassNode node, String name, String desc) {
        for (MethodNode method : node.methods) {
            if (method.name.equals(name) && method.desc.equals(desc)) {
                return method;
            }
        }
        return null;
    }

    /** Whether a read only fetches the object to lock on: javac's {@code dup; astore; monitorenter}. */
    private static boolean isLockedOn(FieldInsnNode access) {
        AbstractInsnNode dup = next(access);
        AbstractInsnNode store = next(dup);
        AbstractInsnNode enter = next(store);
        return dup != null && dup.getOpcode() == Opcodes.DUP && store instanceof VarInsnNode
                && store.getOpcode() == Opcodes.ASTORE && enter != null && enter.getOpcode() == Opcodes.MONITORENTER;
    }

    /** The next real instruction, past labels, line numbers and frames. */
    private static AbstractInsnNode next(AbstractInsnNode insn) {
        if (insn == null) {
            return null;
        }
        AbstractInsnNode next = insn.getNext();
        while (next != null && next.getOpcode() < 0) {
            next = next.getNext();
        }
        return next;
    }
}
