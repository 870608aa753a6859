package dev.tutor.exercises.support;

import com.tngtech.archunit.ArchConfiguration;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a class you wrote as ArchUnit sees it, for the tests that check what your code is allowed to use.
 * Not a test itself: the tests of every exercise with rules about what code may use share it.
 */
public final class CompiledNest {
    private CompiledNest() {
    }

    /**
     * The compiled classes of {@code host}'s nest (itself and every class written inside it, anonymous and
     * local ones included). The rules need only the names of what the code uses, so ArchUnit is told not to
     * read the JDK's classes behind them, which would take about a second.
     */
    public static JavaClasses of(Class<?> host) {
        List<URL> classFiles = new ArrayList<>();
        for (Class<?> member : host.getNestMembers()) {
            String name = member.getName();
            classFiles.add(member.getResource(name.substring(name.lastIndexOf('.') + 1) + ".class"));
        }
        return ArchConfiguration.withThreadLocalScope(config -> {
            config.setResolveMissingDependenciesFromClassPath(false);
            return new ClassFileImporter().importUrls(classFiles);
        });
    }
}
