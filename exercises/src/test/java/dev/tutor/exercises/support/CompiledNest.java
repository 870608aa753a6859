package dev.tutor.exercises.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.LinkedHashSet;
import java.util.Set;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.signature.SignatureReader;
import org.objectweb.asm.signature.SignatureVisitor;

/**
 * Reads what a class you wrote uses from its compiled class files, for the tests that check what your code is
 * allowed to use. Not a test itself: the tests of every exercise with rules about what code may use share it.
 *
 * @param uses every use in the nest's class files, class by class, each class's in the order of its code
 */
public record CompiledNest(List<Use> uses) {
    private static final Comparator<Found> BY_LINE = Comparator.comparingInt(found -> found.use.line());

    public CompiledNest {
        uses = List.copyOf(uses);
    }

    /**
     * One thing the nest's code uses: a member it calls, reads, writes or refers to ({@code System::nanoTime}), or
     * a class it names (a type it extends, declares, creates, casts to, tests with instanceof, catches, or writes
     * as {@code Thread.class}).
     *
     * @param kind       how it is used
     * @param owner      the class used, or the member's class, as {@link Class#getName()} gives it
     *                   ({@code java.lang.Thread$Builder})
     * @param name       the member's name ({@code sleep}, {@code <init>} for a constructor), "" for a {@link
     *                   Kind#TYPE} use
     * @param descriptor the member's JVM descriptor ({@code (J)V}), "" for a {@link Kind#TYPE} use
     * @param fromClass  the nest's class whose code uses it
     * @param from       the method or field of {@code fromClass} that uses it, "" for the class's declaration
     * @param fromDescriptor the descriptor of the method {@code from}, "" for a declaration
     * @param sourceFile the source file of {@code fromClass} ({@code Where.java})
     * @param line       the source line, or 0 when the use is in a declaration rather than in code
     */
    public record Use(Kind kind, String owner, String name, String descriptor, String fromClass, String from,
                      String fromDescriptor, String sourceFile, int line) {
        /** Whether this is a use of a member (a call, field access or reference) rather than of a class. */
        public boolean isMember() {
            return kind != Kind.TYPE;
        }

        /** The parameter types of the method used, as {@link Class#getName()} gives them; empty for a field. */
        public List<String> parameterTypes() {
            if (!descriptor.startsWith("(")) {
                return List.of();
            }
            return Arrays.stream(Type.getArgumentTypes(descriptor)).map(Type::getClassName).toList();
        }

        /** The owner's name as written in Java without its package ({@code Thread.Builder}). */
        public String simpleOwner() {
            return owner.substring(owner.lastIndexOf('.') + 1).replace('$', '.');
        }

        /** Where it is used: {@code (Where.java:12)}, or {@code (Where.java, Where.field)} for a declaration. */
        public String place() {
            if (line > 0) {
                return "(" + sourceFile + ":" + line + ")";
            }
            String declaring = fromClass.substring(fromClass.lastIndexOf('.') + 1).replace('$', '.');
            return "(" + sourceFile + ", " + (from.isEmpty() ? declaring : declaring + "." + from) + ")";
        }

        /**
         * Whether the class used (or the member's class) is {@code type} or a subtype of it, as a rule on "classes
         * assignable to Thread" asks; a class that cannot be loaded is not.
         */
        public boolean ownerIsA(Class<?> type) {
            try {
                return type.isAssignableFrom(Class.forName(owner, false, CompiledNest.class.getClassLoader()));
            } catch (ClassNotFoundException | LinkageError e) {
                return false;
            }
        }

        /** What is used as a test's message names it: {@code Thread.sleep()}, or {@code Thread} for a class. */
        public String target() {
            return isMember() ? simpleOwner() + "." + name + "()" : simpleOwner();
        }
    }

    /** How a {@link Use} uses its target. */
    public enum Kind {
        /** A method or constructor called. */
        CALL,
        /** A field read. */
        READ,
        /** A field written. */
        WRITE,
        /** A method or constructor named by a method reference ({@code Thread::new}), lambdas' bodies included. */
        REFERENCE,
        /** A class named in a declaration or an instruction, without using a member of it. */
        TYPE
    }

    /**
     * The uses in {@code host}'s nest (itself and every class written inside it, anonymous and local ones
     * included), read from the class files the host's class loader loaded them from.
     */
    public static CompiledNest of(Class<?> host) {
        List<Use> uses = new ArrayList<>();
        for (Class<?> member : host.getNestMembers()) {
            String name = member.getName();
            try (InputStream in = member.getResourceAsStream(name.substring(name.lastIndexOf('.') + 1) + ".class")) {
                if (in == null) {
                    throw new IllegalStateException("no class file for " + name);
                }
                new ClassReader(in).accept(new Recorder(uses), ClassReader.SKIP_FRAMES);
            } catch (IOException e) {
                throw new UncheckedIOException("reading the class file of " + name, e);
            }
        }
        return new CompiledNest(uses);
    }

    /**
     * What {@code host}'s nest uses that a rule forbids, asked by the name of the member used: {@code why} gets the
     * owner's full name ({@code java.lang.Thread$Builder}) and the member's ({@code sleep}, {@code <init>}) and
     * gives the reason it is forbidden, or null. See {@link #forbiddenUses(CompiledNest, Function)} for the lines.
     */
    public static Collection<String> forbiddenUses(Class<?> host, BiFunction<String, String, String> why) {
        return forbiddenUses(of(host), why);
    }

    /** {@link #forbiddenUses(Class, BiFunction)} on a nest already read, for a test class with several rules. */
    public static Collection<String> forbiddenUses(CompiledNest nest, BiFunction<String, String, String> why) {
        return forbiddenUses(nest, use -> use.isMember() ? why.apply(use.owner(), use.name()) : null);
    }

    /**
     * What the nest uses that a rule forbids, for a rule that must see the whole use (the parameter types of the
     * overload called, say, or the classes named): for each target for which {@code why} gives a reason, one line
     * {@code Owner.member() at (Where.java:12), (Where.java:30) (reason)}, with every place it is used, in the
     * order of the first use in the source. Nested owners read as in Java ({@code Thread.Builder}). Empty when
     * nothing forbidden is used.
     */
    public static Collection<String> forbiddenUses(CompiledNest nest, Function<Use, String> why) {
        // Plain loops rather than streams: in a fresh test JVM every lambda and collector is linked on first
        // use, and this runs once per JVM.
        List<Found> found = new ArrayList<>();
        for (Use use : nest.uses) {
            String reason = why.apply(use);
            if (reason != null) {
                found.add(new Found(use, reason));
            }
        }
        found.sort(BY_LINE);
        Map<String, List<Found>> byTarget = new LinkedHashMap<>();
        for (Found f : found) {
            byTarget.computeIfAbsent(f.use.owner() + "." + f.use.name(), target -> new ArrayList<>()).add(f);
        }
        List<String> lines = new ArrayList<>();
        for (List<Found> same : byTarget.values()) {
            Set<String> places = new LinkedHashSet<>();
            for (Found f : same) {
                places.add(f.use.place());
            }
            lines.add(same.get(0).use.target() + " at " + String.join(", ", places) + " (" + same.get(0).reason
                    + ")");
        }
        return List.copyOf(lines);
    }

    /** A use a rule forbids, and why. A class rather than a record, whose methods would be linked on first use. */
    private static final class Found {
        final Use use;
        final String reason;

        Found(Use use, String reason) {
            this.use = use;
            this.reason = reason;
        }
    }

    /** What the nest uses that {@code matches} (owner's full name, member's name), all for one reason. */
    public static Collection<String> forbiddenUses(CompiledNest nest, String reason,
                                                   BiPredicate<String, String> matches) {
        return forbiddenUses(nest, (owner, name) -> matches.test(owner, name) ? reason : null);
    }

    /** Whether the nest uses any member that {@code matches} (owner's full name, member's name) at all. */
    public static boolean usesAny(CompiledNest nest, BiPredicate<String, String> matches) {
        for (Use use : nest.uses) {
            if (use.isMember() && matches.test(use.owner(), use.name())) {
                return true;
            }
        }
        return false;
    }

    /**
     * The names of the classes {@code descriptorOrSignature} mentions (a field's or method's descriptor or generic
     * signature), so that a rule on the classes code depends on sees {@code List<Thread>} as well as {@code Thread}.
     */
    private static List<String> classesIn(String descriptorOrSignature) {
        List<String> names = new ArrayList<>();
        new SignatureReader(descriptorOrSignature).accept(new SignatureVisitor(Opcodes.ASM9) {
            private String outer;

            @Override
            public void visitClassType(String name) {
                outer = name;
                names.add(binaryName(name));
            }

            @Override
            public void visitInnerClassType(String name) {
                outer = outer + "$" + name;
                names.add(binaryName(outer));
            }
        });
        return names;
    }

    /** A class's name as {@link Class#getName()} gives it ({@code java.lang.Thread$Builder}). */
    private static String binaryName(String internalName) {
        return internalName.replace('/', '.');
    }

    /** The class named by an instruction's type operand (an array's element class), or null for a primitive. */
    private static String classOf(Type type) {
        Type element = type.getSort() == Type.ARRAY ? type.getElementType() : type;
        return element.getSort() == Type.OBJECT ? element.getClassName() : null;
    }

    /** Records every use in one class file, in the order of its code. */
    private static final class Recorder extends ClassVisitor {
        private final List<Use> uses;
        /** The supertypes the class's header names, recorded once visitSource, which follows it, names the file. */
        private final List<String> header = new ArrayList<>();
        private String className;
        private String sourceFile = "Unknown";

        Recorder(List<Use> uses) {
            super(Opcodes.ASM9);
            this.uses = uses;
        }

        @Override
        public void visit(int version, int access, String name, String signature, String superName,
                          String[] interfaces) {
            className = binaryName(name);
            if (superName != null) {
                header.add(binaryName(superName));
            }
            for (String i : interfaces) {
                header.add(binaryName(i));
            }
            if (signature != null) {
                header.addAll(classesIn(signature));
            }
        }

        @Override
        public void visitSource(String source, String debug) {
            if (source != null) {
                sourceFile = source;
            }
        }

        @Override
        public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
            flush();
            for (String c : classesIn(signature != null ? signature : descriptor)) {
                type(c, name, 0);
            }
            return null;
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                         String[] exceptions) {
            flush();
            for (String c : classesIn(signature != null ? signature : descriptor)) {
                type(c, name, 0);
            }
            for (String e : exceptions == null ? new String[0] : exceptions) {
                type(binaryName(e), name, 0);
            }
            return new Code(name, descriptor);
        }

        @Override
        public void visitEnd() {
            flush();
        }

        private void flush() {
            for (String c : header) {
                type(c, "", 0);
            }
            header.clear();
        }

        private void type(String owner, String from, int line) {
            uses.add(new Use(Kind.TYPE, owner, "", "", className, from, "", sourceFile, line));
        }

        /** Records the uses in one method's code, each with the line it is on. */
        private final class Code extends MethodVisitor {
            private final String method;
            private final String methodDescriptor;
            private final Map<Label, List<String>> caught = new HashMap<>();
            private List<String> caughtHere = List.of();
            private int line;

            Code(String method, String methodDescriptor) {
                super(Opcodes.ASM9);
                this.method = method;
                this.methodDescriptor = methodDescriptor;
            }

            private void member(Kind kind, String owner, String name, String descriptor) {
                // An array's owner ("[I" for an int[]'s clone()) reads as Java writes it: int[].
                uses.add(new Use(kind, Type.getObjectType(owner).getClassName(), name, descriptor, className, method,
                        methodDescriptor, sourceFile, line));
            }

            private void type(String name) {
                if (name != null) {
                    uses.add(new Use(Kind.TYPE, name, "", "", className, method, methodDescriptor, sourceFile,
                            line));
                }
            }

            @Override
            public void visitTryCatchBlock(Label start, Label end, Label handler, String type) {
                if (type != null) {
                    List<String> types = caught.get(handler);
                    if (types == null) {
                        types = new ArrayList<>();
                        caught.put(handler, types);
                    }
                    types.add(binaryName(type));
                }
            }

            @Override
            public void visitLabel(Label label) {
                // A catch clause's line number follows its handler's label, so its types wait for that line.
                caughtHere = caught.getOrDefault(label, List.of());
            }

            @Override
            public void visitLineNumber(int line, Label start) {
                this.line = line;
                for (String type : caughtHere) {
                    type(type);
                }
                caughtHere = List.of();
            }

            @Override
            public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
                member(Kind.CALL, owner, name, descriptor);
            }

            @Override
            public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
                member(opcode == Opcodes.GETFIELD || opcode == Opcodes.GETSTATIC ? Kind.READ : Kind.WRITE,
                        owner, name, descriptor);
            }

            @Override
            public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrap, Object... arguments) {
                for (Object argument : arguments) {
                    if (argument instanceof Handle handle) {
                        Kind kind = switch (handle.getTag()) {
                            case Opcodes.H_GETFIELD, Opcodes.H_GETSTATIC -> Kind.READ;
                            case Opcodes.H_PUTFIELD, Opcodes.H_PUTSTATIC -> Kind.WRITE;
                            default -> Kind.REFERENCE;
                        };
                        member(kind, handle.getOwner(), handle.getName(), handle.getDesc());
                    }
                }
            }

            @Override
            public void visitTypeInsn(int opcode, String type) {
                type(classOf(Type.getObjectType(type)));
            }

            @Override
            public void visitMultiANewArrayInsn(String descriptor, int dimensions) {
                type(classOf(Type.getType(descriptor)));
            }

            @Override
            public void visitLdcInsn(Object value) {
                if (value instanceof Type t && t.getSort() != Type.METHOD) {
                    type(classOf(t));
                }
            }
        }
    }
}
