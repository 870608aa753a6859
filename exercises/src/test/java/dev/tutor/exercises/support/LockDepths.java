package dev.tutor.exercises.support;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.concurrent.locks.Lock;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.LookupSwitchInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TableSwitchInsnNode;
import org.objectweb.asm.tree.TryCatchBlockNode;

/**
 * Counts the locks a compiled method holds before each of its instructions, following its jumps and exception
 * handlers, for the checks of the exercises' class files ({@link GuardedFields}, {@link WorkerCode}). Not a test
 * itself.
 *
 * <p>A lock is taken by {@code monitorenter} (a synchronized block) or a {@link Lock}'s {@code lock()} or
 * {@code lockInterruptibly()}, and let go by {@code monitorexit} or {@code unlock()}. Where paths that hold
 * different numbers meet, the least counts: on one of them the lock is not held. {@code tryLock()} and other
 * kinds of lock are not counted; the checks that use this stay silent where a class uses them.
 */
final class LockDepths {
    /** Locks held at once that are counted; deeper nesting counts as this, and keeps the search finite. */
    static final int MOST = 8;

    private LockDepths() {
    }

    /**
     * How many locks {@code method} holds before each instruction when it is entered holding {@code start},
     * -1 where an instruction is never reached.
     */
    static int[] of(MethodNode method, int start, ClassLoader loader) {
        int size = method.instructions.size();
        int[] depth = new int[size];
        Arrays.fill(depth, -1);
        if (size == 0) {
            return depth;
        }
        Deque<Integer> work = new ArrayDeque<>();
        reach(depth, work, 0, start);
        while (!work.isEmpty()) {
            int i = work.pop();
            AbstractInsnNode insn = method.instructions.get(i);
            int here = depth[i];
            for (TryCatchBlockNode handler : method.tryCatchBlocks) {
                if (method.instructions.indexOf(handler.start) <= i && i < method.instructions.indexOf(handler.end)) {
                    reach(depth, work, method.instructions.indexOf(handler.handler), here);
                }
            }
            int after = Math.max(0, Math.min(MOST, here + change(insn, loader)));
            if (insn instanceof JumpInsnNode jump) {
                reach(depth, work, method.instructions.indexOf(jump.label), after);
            } else if (insn instanceof TableSwitchInsnNode table) {
                reach(depth, work, method.instructions.indexOf(table.dflt), after);
                for (LabelNode label : table.labels) {
                    reach(depth, work, method.instructions.indexOf(label), after);
                }
            } else if (insn instanceof LookupSwitchInsnNode lookup) {
                reach(depth, work, method.instructions.indexOf(lookup.dflt), after);
                for (LabelNode label : lookup.labels) {
                    reach(depth, work, method.instructions.indexOf(label), after);
                }
            }
            if (i + 1 < size && !endsFlow(insn.getOpcode())) {
                reach(depth, work, i + 1, after);
            }
        }
        return depth;
    }

    /** The locks a synchronized method holds on entry, on top of {@code held}, the most counted at most. */
    static int entering(MethodNode method, int held) {
        return Math.min(MOST, held + ((method.access & Opcodes.ACC_SYNCHRONIZED) != 0 ? 1 : 0));
    }

    /** Whether the internal name is that of a {@link Lock}, as the class loader of the code being read sees it. */
    static boolean isLock(String internalName, ClassLoader loader) {
        try {
            return Lock.class.isAssignableFrom(Class.forName(internalName.replace('/', '.'), false, loader));
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private static void reach(int[] depth, Deque<Integer> work, int i, int at) {
        if (depth[i] < 0 || at < depth[i]) {
            depth[i] = at;
            work.push(i);
        }
    }

    private static boolean endsFlow(int opcode) {
        return opcode == Opcodes.GOTO || opcode == Opcodes.ATHROW || opcode == Opcodes.TABLESWITCH
                || opcode == Opcodes.LOOKUPSWITCH || (opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN);
    }

    /** What an instruction does to the number of locks held: +1 takes one, -1 lets one go. */
    private static int change(AbstractInsnNode insn, ClassLoader loader) {
        if (insn.getOpcode() == Opcodes.MONITORENTER) {
            return 1;
        }
        if (insn.getOpcode() == Opcodes.MONITOREXIT) {
            return -1;
        }
        if (insn instanceof MethodInsnNode call && call.desc.equals("()V") && isLock(call.owner, loader)) {
            return switch (call.name) {
                case "lock", "lockInterruptibly" -> 1;
                case "unlock" -> -1;
                default -> 0;
            };
        }
        return 0;
    }
}
