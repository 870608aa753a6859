package dev.tutor.exercises.support;

import com.tngtech.archunit.ArchConfiguration;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeMap;
import java.util.function.BiFunction;

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

    /**
     * What {@code host}'s nest uses that a rule forbids: for each member reached (owner's full name, member
     * name) for which {@code why} gives a reason, one line {@code Owner.member() at Where (reason)}, once per
     * member, in name order. Empty when nothing forbidden is used.
     */
    public static Collection<String> forbiddenUses(Class<?> host, BiFunction<String, String, String> why) {
        TreeMap<String, String> found = new TreeMap<>();
        for (JavaClass c : of(host)) {
            for (JavaAccess<?> access : c.getAccessesFromSelf()) {
                String owner = access.getTarget().getOwner().getName();
                String name = access.getTarget().getName();
                String reason = why.apply(owner, name);
                if (reason != null) {
                    found.putIfAbsent(owner + "." + name, owner.substring(owner.lastIndexOf('.') + 1) + "." + name
                            + "() at " + access.getSourceCodeLocation() + " (" + reason + ")");
                }
            }
        }
        return found.values();
    }
}
