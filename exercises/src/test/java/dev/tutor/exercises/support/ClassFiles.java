package dev.tutor.exercises.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.tree.ClassNode;

/**
 * Reads the compiled class file of a class the tests look into, as ASM's tree, for the checks of the exercises'
 * class files ({@link GuardedFields}, {@link WorkerCode}, {@link ServeLoop}). Not a test itself.
 */
final class ClassFiles {
    private ClassFiles() {
    }

    /** {@code type}'s own class file, found beside it by its class loader; frames are left out. */
    static ClassNode read(Class<?> type) {
        String name = type.getName();
        try (InputStream in = type.getResourceAsStream(name.substring(name.lastIndexOf('.') + 1) + ".class")) {
            if (in == null) {
                throw new IllegalStateException("no class file for " + name);
            }
            ClassNode node = new ClassNode();
            new ClassReader(in).accept(node, ClassReader.SKIP_FRAMES);
            return node;
        } catch (IOException e) {
            throw new UncheckedIOException("reading the class file of " + name, e);
        }
    }
}
