package dev.tutor.exercises.support;

import com.tngtech.archunit.ArchConfiguration;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.stream.Collectors;

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
     * What {@code host}'s nest uses that a rule forbids, asked by the name of what is used: {@code why} gets the
     * owner's full name ({@code java.lang.Thread$Builder}) and the member's ({@code sleep}, {@code <init>}) and
     * gives the reason it is forbidden, or null. See {@link #forbiddenUses(JavaClasses, Function)} for the lines.
     */
    public static Collection<String> forbiddenUses(Class<?> host, BiFunction<String, String, String> why) {
        return forbiddenUses(of(host), why);
    }

    /** {@link #forbiddenUses(Class, BiFunction)} on classes already read, for a test class with several rules. */
    public static Collection<String> forbiddenUses(JavaClasses nest, BiFunction<String, String, String> why) {
        return forbiddenUses(nest, access -> why.apply(access.getTarget().getOwner().getName(),
                access.getTarget().getName()));
    }

    /**
     * What the classes use that a rule forbids, for a rule that must see the whole access (the parameter types
     * of the overload called, say): for each member reached for which {@code why} gives a reason, one line
     * {@code Owner.member() at (Where.java:12), (Where.java:30) (reason)}, with every place it is used, in the
     * order of the first use in the source. Nested owners read as in Java ({@code Thread.Builder}). Empty when
     * nothing forbidden is used.
     */
    public static Collection<String> forbiddenUses(JavaClasses nest, Function<JavaAccess<?>, String> why) {
        record Use(String target, String member, String reason, int line, String place) {
        }
        List<Use> uses = new ArrayList<>();
        for (JavaClass c : nest) {
            for (JavaAccess<?> access : c.getAccessesFromSelf()) {
                String reason = why.apply(access);
                if (reason != null) {
                    String owner = access.getTarget().getOwner().getName();
                    String name = access.getTarget().getName();
                    uses.add(new Use(owner + "." + name, owner.substring(owner.lastIndexOf('.') + 1).replace('$', '.')
                            + "." + name, reason, access.getLineNumber(), access.getSourceCodeLocation().toString()));
                }
            }
        }
        Map<String, List<Use>> byTarget = uses.stream().sorted(Comparator.comparingInt(Use::line))
                .collect(Collectors.groupingBy(Use::target, LinkedHashMap::new, Collectors.toList()));
        return byTarget.values().stream().map(same -> same.get(0).member() + "() at "
                + same.stream().map(Use::place).distinct().collect(Collectors.joining(", "))
                + " (" + same.get(0).reason() + ")").toList();
    }

    /** What the classes use that {@code matches} (owner's full name, member's name), all for one reason. */
    public static Collection<String> forbiddenUses(JavaClasses nest, String reason,
                                                   BiPredicate<String, String> matches) {
        return forbiddenUses(nest, (owner, name) -> matches.test(owner, name) ? reason : null);
    }

    /** Whether the classes use anything that {@code matches} (owner's full name, member's name) at all. */
    public static boolean usesAny(JavaClasses nest, BiPredicate<String, String> matches) {
        for (JavaClass c : nest) {
            for (JavaAccess<?> access : c.getAccessesFromSelf()) {
                if (matches.test(access.getTarget().getOwner().getName(), access.getTarget().getName())) {
                    return true;
                }
            }
        }
        return false;
    }
}
