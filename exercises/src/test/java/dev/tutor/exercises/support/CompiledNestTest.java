package dev.tutor.exercises.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tutor.exercises.support.CompiledNest.Kind;
import dev.tutor.exercises.support.CompiledNest.Use;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Pins what {@link CompiledNest} reads from a class file, on {@link Sample} below: each kind of use, where it is,
 * and the lines the exercises' rules print. Not listed in any exercise's tests: a learner's workspace does not
 * get it. Each expected line is found by its marker comment in this file, so editing the file moves no pin.
 */
class CompiledNestTest {
    private static final String FILE = "CompiledNestTest.java";
    private static final CompiledNest NEST = CompiledNest.of(Sample.class);

    @Test
    void aDirectCallIsACallWithItsLineAndCaller() {
        Use call = only(Kind.CALL, "java.lang.System", "currentTimeMillis");
        assertEquals(lineOf("direct"), call.line());
        assertEquals(Sample.class.getName(), call.fromClass());
        assertEquals("direct", call.from());
        assertEquals("()J", call.descriptor());
        assertEquals(FILE, call.sourceFile());
    }

    @Test
    void aConstructorIsACallOfInitAndTheClassCreatedIsNamed() {
        Use call = only(Kind.CALL, "java.lang.StringBuilder", "<init>");
        assertEquals(lineOf("constructor"), call.line());
        assertTrue(NEST.uses().stream().anyMatch(use -> use.kind() == Kind.TYPE
                && use.owner().equals("java.lang.StringBuilder") && use.line() == lineOf("constructor")));
    }

    @Test
    void fieldsReadAndWrittenAreUses() {
        assertEquals(lineOf("read"), only(Kind.READ, "java.lang.System", "out").line());
        assertEquals(lineOf("write"), only(Kind.WRITE, Sample.class.getName(), "count").line());
    }

    @Test
    void methodAndConstructorReferencesAreUsesAtTheirLines() {
        assertEquals(lineOf("method reference"), only(Kind.REFERENCE, "java.lang.System", "nanoTime").line());
        Use constructor = only(Kind.REFERENCE, "java.lang.Thread", "<init>");
        assertEquals(lineOf("constructor reference"), constructor.line());
        assertEquals(List.of("java.lang.Runnable"), constructor.parameterTypes());
    }

    @Test
    void callsInLambdasAndInAnonymousAndLocalClassesBelongToTheNest() {
        assertEquals(lineOf("lambda"), only(Kind.CALL, "java.lang.Thread", "onSpinWait").line());
        Use anonymous = only(Kind.CALL, "java.lang.Math", "abs");
        assertEquals(lineOf("anonymous"), anonymous.line());
        assertEquals(Sample.class.getName() + "$1", anonymous.fromClass());
        Use local = only(Kind.CALL, "java.lang.Math", "max");
        assertEquals(lineOf("local"), local.line());
        assertTrue(local.fromClass().startsWith(Sample.class.getName() + "$") && local.fromClass().endsWith("Local"),
                local.fromClass());
    }

    @Test
    void classesNamedInDeclarationsAndInstructionsAreTypeUses() {
        assertTrue(NEST.uses().contains(new Use(Kind.TYPE, "java.lang.Thread", "", "", Sample.class.getName(),
                "worker", "", FILE, 0)), "the type of a field");
        assertTrue(NEST.uses().contains(new Use(Kind.TYPE, "java.lang.Thread", "", "", Sample.Worker.class.getName(),
                "", "", FILE, 0)), "a superclass");
        for (String mark : List.of("instanceof", "class literal")) {
            assertTrue(NEST.uses().stream().anyMatch(use -> use.kind() == Kind.TYPE && use.line() == lineOf(mark)
                    && use.owner().equals("java.lang.Thread")), mark);
        }
        assertTrue(NEST.uses().stream().anyMatch(use -> use.kind() == Kind.TYPE && use.line() == lineOf("catch")
                && use.owner().equals("java.lang.InterruptedException")), "a caught exception");
        assertTrue(NEST.uses().stream().anyMatch(use -> use.owner().equals(Sample.Worker.class.getName())
                && use.ownerIsA(Thread.class)), "a class of the nest that extends Thread is a Thread");
    }

    @Test
    void theParameterTypesTellOverloadsApart() {
        Use call = NEST.uses().stream().filter(use -> use.name().equals("supplyAsync")).findFirst().orElseThrow();
        assertEquals(List.of(Supplier.class.getName(), Executor.class.getName()), call.parameterTypes());
    }

    @Test
    void forbiddenUsesPrintsEveryPlaceOfATargetInSourceOrder() {
        // The lambda's body is compiled into a method after later(), and still comes first: it is earlier in the
        // source. Thread.yield() is used in no other way, so the line is exact.
        var found = CompiledNest.forbiddenUses(NEST, (owner, name) ->
                owner.equals("java.lang.Thread") && name.equals("yield") ? "a pause" : null);
        assertEquals(List.of("Thread.yield() at (" + FILE + ":" + lineOf("earlier") + "), (" + FILE + ":"
                + lineOf("later") + ") (a pause)"), List.copyOf(found));
    }

    @Test
    void nestedOwnersArePrintedAsInJava() {
        var found = CompiledNest.forbiddenUses(NEST, "a builder", (owner, name) -> name.equals("unstarted"));
        assertEquals(List.of("Thread.Builder.OfVirtual.unstarted() at (" + FILE + ":" + lineOf("nested")
                + ") (a builder)"), List.copyOf(found));
    }

    @Test
    void usesAnyAsksOnlyAboutMembers() {
        assertTrue(CompiledNest.usesAny(NEST, (owner, name) -> owner.equals("java.lang.System")
                && name.equals("nanoTime")));
        assertFalse(CompiledNest.usesAny(NEST, (owner, name) -> owner.equals("java.lang.InterruptedException")));
    }

    private static Use only(Kind kind, String owner, String name) {
        List<Use> found = NEST.uses().stream().filter(use -> use.kind() == kind && use.owner().equals(owner)
                && use.name().equals(name)).toList();
        assertEquals(1, found.size(), () -> kind + " " + owner + "." + name + ": " + found);
        return found.get(0);
    }

    /** The line of this file marked with a comment of {@code mark} alone. */
    private static int lineOf(String mark) {
        try {
            // From the exercises module, or from the solutions module, which compiles the same test sources.
            Path here = Path.of("src/test/java/dev/tutor/exercises/support", FILE);
            Path source = Files.exists(here) ? here : Path.of("../exercises").resolve(here);
            List<String> lines = Files.readAllLines(source);
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).endsWith("// " + mark)) {
                    return i + 1;
                }
            }
            throw new AssertionError("no line marked " + mark);
        } catch (IOException e) {
            throw new AssertionError("reading this test's source", e);
        }
    }
}

/** The class whose class files the test reads: every use is on a line of its own, marked. */
@SuppressWarnings({"unused", "ResultOfMethodCallIgnored"})
final class Sample {
    private Thread worker;
    private int count;

    long direct() {
        return System.currentTimeMillis(); // direct
    }

    String constructor() {
        return new StringBuilder("x").toString(); // constructor
    }

    void fields() {
        System.out.flush(); // read
        count = 1; // write
    }

    LongSupplier methodReference() {
        return System::nanoTime; // method reference
    }

    Function<Runnable, Thread> constructorReference() {
        return Thread::new; // constructor reference
    }

    Runnable lambda() {
        return () -> Thread.onSpinWait(); // lambda
    }

    Runnable anonymous() {
        return new Runnable() {
            @Override
            public void run() {
                Math.abs(-1); // anonymous
            }
        };
    }

    int local() {
        class Local {
            int go() {
                return Math.max(1, 2); // local
            }
        }
        return new Local().go();
    }

    boolean types(Object o) throws Exception {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) { // catch
            return false;
        }
        Class<?> literal = Thread.class; // class literal
        return o instanceof Thread // instanceof
                || o == literal;
    }

    Object supply(Executor executor) {
        return java.util.concurrent.CompletableFuture.supplyAsync(() -> 1, executor);
    }

    Runnable earlier() {
        return () -> Thread.yield(); // earlier
    }

    void later() {
        Thread.yield(); // later
    }

    Thread nested() {
        return Thread.ofVirtual().name("sample").unstarted(() -> { }); // nested
    }

    Thread worker() {
        return new Worker();
    }

    /** A thread of the nest's own, for a rule that asks whether a class is a Thread. */
    static final class Worker extends Thread {
    }
}
