package dev.tutor.exercises.support;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.VarInsnNode;
import org.objectweb.asm.tree.analysis.Analyzer;
import org.objectweb.asm.tree.analysis.AnalyzerException;
import org.objectweb.asm.tree.analysis.Frame;
import org.objectweb.asm.tree.analysis.SourceInterpreter;
import org.objectweb.asm.tree.analysis.SourceValue;

/**
 * Where each value of a compiled method comes from, and which of its instructions can follow which, for the checks
 * of the exercises' class files that must tell a collection only one thread can reach from a shared one
 * ({@link WorkerCode}), and of those that follow where a failure leads ({@link ServeLoop}). Not a test itself. ASM's
 * {@link SourceInterpreter} does the data flow.
 */
final class ValueFlow {
    final MethodNode method;
    private final Frame<SourceValue>[] frames;
    /** Whether ASM could follow the whole method; if not, its edges are missing, not absent. */
    final boolean followed;
    private final List<Set<Integer>> next = new ArrayList<>();
    /** For each instruction, what can run after it completes, and the handlers an exception it throws can go to. */
    private final List<Set<Integer>> completesTo = new ArrayList<>();
    private final List<Set<Integer>> thrownTo = new ArrayList<>();

    /** Stands for a parameter's value on entry: the {@code slot} of the locals it arrives in. */
    record Parameter(int slot) {
    }

    @SuppressWarnings("unchecked")
    ValueFlow(String owner, MethodNode method) {
        this.method = method;
        for (int i = 0; i < method.instructions.size(); i++) {
            next.add(new HashSet<>());
            completesTo.add(new HashSet<>());
            thrownTo.add(new HashSet<>());
        }
        Analyzer<SourceValue> analyzer = new Analyzer<>(new SourceInterpreter()) {
            @Override
            protected void newControlFlowEdge(int from, int to) {
                next.get(from).add(to);
                completesTo.get(from).add(to);
            }

            @Override
            protected boolean newControlFlowExceptionEdge(int from, int to) {
                next.get(from).add(to);
                thrownTo.get(from).add(to);
                return true;
            }
        };
        Frame<SourceValue>[] analysed;
        boolean whole = true;
        try {
            analysed = analyzer.analyze(owner, method);
        } catch (AnalyzerException e) {
            analysed = new Frame[method.instructions.size()];
            whole = false;
        }
        this.frames = analysed;
        this.followed = whole;
    }

    /** The value {@code fromTop} places below the top of the stack before instruction {@code i}, or null. */
    SourceValue stack(int i, int fromTop) {
        Frame<SourceValue> frame = frames[i];
        if (frame == null || frame.getStackSize() <= fromTop) {
            return null;
        }
        return frame.getStack(frame.getStackSize() - 1 - fromTop);
    }

    /**
     * The instructions that first made a value, looking through loads and stores of locals, casts and copies;
     * a parameter's value as a {@link Parameter}; empty when it cannot be told.
     */
    List<Object> origins(SourceValue value) {
        List<Object> found = new ArrayList<>();
        if (value == null) {
            return found;
        }
        Deque<AbstractInsnNode> toSee = new ArrayDeque<>(value.insns);
        Set<AbstractInsnNode> seen = new HashSet<>();
        while (!toSee.isEmpty()) {
            AbstractInsnNode insn = toSee.pop();
            if (!seen.add(insn)) {
                continue;
            }
            int at = method.instructions.indexOf(insn);
            int opcode = insn.getOpcode();
            if (opcode == Opcodes.ALOAD) {
                int slot = ((VarInsnNode) insn).var;
                SourceValue local = frames[at] == null ? null : frames[at].getLocal(slot);
                if (local == null) {
                    return List.of();
                }
                if (local.insns.isEmpty()) {
                    found.add(new Parameter(slot));
                }
                toSee.addAll(local.insns);
            } else if (opcode == Opcodes.ASTORE || opcode == Opcodes.CHECKCAST || opcode == Opcodes.DUP) {
                SourceValue stored = stack(at, 0);
                if (stored == null) {
                    return List.of();
                }
                toSee.addAll(stored.insns);
            } else {
                found.add(insn);
            }
        }
        return found;
    }

    /** The instructions that can run next after instruction {@code i}, whether it completes or throws. */
    Set<Integer> next(int i) {
        return next.get(i);
    }

    /** The handlers an exception thrown at instruction {@code i} can go to; empty when it leaves the method. */
    Set<Integer> thrownTo(int i) {
        return thrownTo.get(i);
    }

    /** The instructions that can run next after instruction {@code i} completes without throwing. */
    Set<Integer> completesTo(int i) {
        return completesTo.get(i);
    }

    /** Whether instructions {@code a} and {@code b} lie on one loop: each can be reached again from the other. */
    boolean onALoopWith(int a, int b) {
        return reaches(a, b) && reaches(b, a);
    }

    private boolean reaches(int from, int to) {
        Deque<Integer> toSee = new ArrayDeque<>(next.get(from));
        BitSet seen = new BitSet();
        while (!toSee.isEmpty()) {
            int i = toSee.pop();
            if (i == to) {
                return true;
            }
            if (!seen.get(i)) {
                seen.set(i);
                toSee.addAll(next.get(i));
            }
        }
        return false;
    }
}
