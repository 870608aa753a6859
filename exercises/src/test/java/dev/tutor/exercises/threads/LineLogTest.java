package dev.tutor.exercises.threads;

import static org.junit.jupiter.api.Assertions.fail;

import dev.tutor.exercises.support.Interleavings;
import dev.tutor.exercises.support.Seeded;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Grades {@link LineLog}: {@code log} on one thread, then two threads logging at once (hint 1); printed
 * pieces on one thread over random scripts, then on two threads at once, on threads that share a name, and
 * on a thread started mid-line (hint 2); {@code log} against {@code endLine} (hint 3); and a sink that fails (hint 4).
 *
 * <p>The races are explored, not hoped for: Lincheck takes over the scheduler and tries the interleavings
 * of the two threads one by one, so a line that can be split is split on every run. The test's sink, like
 * a {@link StringBuilder}, is for one thread at a time, and it notices a second thread inside it. Tests
 * that need a fixed order of calls on several threads run each thread's calls on a {@link Actor} of its
 * own, one call at a time, and a call stuck on a lock that nobody can release fails at once.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
// Exploring schedules is CPU work: on a loaded two-core machine one scenario took 24 s. The tutor grades
// with its own limit and ignores this one; it is the IDE's and the build's net for a deadlock.
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@ExtendWith(Seeded.class)
class LineLogTest {
    /** Interleavings to try per race: more than these small scenarios have. */
    private static final int SCHEDULES = 30;

    @Test
    @Order(1)
    @Tag("hint:1")
    void logWritesOneLineForEveryCallOnOneThread(Random random) {
        CheckingSink sink = new CheckingSink();
        LineLog log = new LineLog(sink);
        StringBuilder expected = new StringBuilder();
        List<String> calls = new ArrayList<>();
        // The first call has no parts, so that every seed tries the empty line.
        for (int call = 0; call < 8; call++) {
            String[] parts = new String[call == 0 ? 0 : random.nextInt(4)];
            for (int p = 0; p < parts.length; p++) {
                parts[p] = piece(random);
            }
            calls.add("log(" + quoted(parts) + ")");
            log.log(parts);
            expected.append(String.join("", parts)).append('\n');
            String got = sink.text();
            if (!got.equals(expected.toString())) {
                fail("One thread called " + String.join(", ", calls) + ". Then the sink must hold "
                        + show(expected.toString()) + ", but it holds " + show(got) + ". Every log() writes one line,"
                        + " its parts and then '\\n', however many parts it gets: with none, an empty line.");
            }
        }
    }

    @Test
    @Order(2)
    @Tag("hint:1")
    void twoThreadsLoggingAtOnceWriteWholeLines() {
        Interleavings.explore(SCHEDULES, () -> new Logged(), logged -> {
            Interleavings.runTogether("A call in this scenario", () -> logged.log().log("a1 ", "a2 ", "a3"),
                    () -> logged.log().log("b1 ", "b2"));
            logged.sink().assertLines("two threads called log(\"a1 \", \"a2 \", \"a3\") and log(\"b1 \", \"b2\")"
                    + " at once", "a1 a2 a3", "b1 b2");
        });
    }

    @Test
    @Order(3)
    @Tag("hint:2")
    void printedPiecesWaitForEndLineOverRandomScripts(Random random) {
        for (int script = 0; script < 300; script++) {
            int logs = 1 + random.nextInt(3);
            List<CheckingSink> sinks = new ArrayList<>();
            List<LineLog> lineLogs = new ArrayList<>();
            List<StringBuilder> expected = new ArrayList<>();
            List<StringBuilder> pending = new ArrayList<>();
            for (int i = 0; i < logs; i++) {
                sinks.add(new CheckingSink());
                lineLogs.add(new LineLog(sinks.get(i)));
                expected.add(new StringBuilder());
                pending.add(new StringBuilder());
            }
            List<String> calls = new ArrayList<>();
            int length = 1 + random.nextInt(10);
            for (int step = 0; step < length; step++) {
                int i = random.nextInt(logs);
                String name = logs == 1 ? "log" : "log" + (char) ('A' + i);
                int kind = random.nextInt(5);
                if (kind <= 1) {
                    String part = piece(random);
                    calls.add(name + ".print(\"" + part + "\")");
                    lineLogs.get(i).print(part);
                    pending.get(i).append(part);
                } else if (kind <= 3) {
                    calls.add(name + ".endLine()");
                    lineLogs.get(i).endLine();
                    expected.get(i).append(pending.get(i)).append('\n');
                    pending.get(i).setLength(0);
                } else {
                    String[] parts = new String[random.nextInt(4)];
                    for (int p = 0; p < parts.length; p++) {
                        parts[p] = piece(random);
                    }
                    calls.add(name + ".log(" + quoted(parts) + ")");
                    lineLogs.get(i).log(parts);
                    expected.get(i).append(String.join("", parts)).append('\n');
                }
                for (int j = 0; j < logs; j++) {
                    String want = expected.get(j).toString();
                    String got = sinks.get(j).text();
                    if (!got.equals(want)) {
                        String which = logs == 1 ? "the sink" : "the sink of log" + (char) ('A' + j);
                        fail("One thread, " + (logs == 1 ? "one log" : logs + " logs (logA, logB, ...) on sinks of"
                                + " their own") + ", called " + String.join(", ", calls) + ". Then " + which
                                + " must hold " + show(want) + ", but it holds " + show(got) + "."
                                + explain(want, got, pending.get(j).toString()));
                    }
                }
            }
        }
    }

    @Test
    @Order(4)
    @Tag("hint:2")
    void twoThreadsPrintingAtOnceKeepTheirOwnLines() {
        Interleavings.explore(SCHEDULES, () -> new Logged(), logged -> {
            LineLog log = logged.log();
            Interleavings.runTogether("A call in this scenario", () -> {
                log.print("a1 ");
                log.print("a2");
                log.endLine();
            }, () -> {
                log.print("b1 ");
                log.print("b2");
                log.endLine();
            });
            logged.sink().assertLines("two threads at once each printed two pieces (\"a1 \", \"a2\" and \"b1 \","
                    + " \"b2\") and called endLine()", "a1 a2", "b1 b2");
        });
    }

    @Test
    @Order(5)
    @Tag("hint:2")
    void threadsThatShareANameKeepTheirOwnLines() throws Exception {
        for (String kind : List.of("platform", "virtual")) {
            CheckingSink sink = new CheckingSink();
            LineLog log = new LineLog(sink);
            try (Actor first = Actor.start(kind, "writer"); Actor second = Actor.start(kind, "writer")) {
                String how = "Two " + kind + " threads" + (kind.equals("virtual") ? " (which have no name)"
                        : " both named \"writer\"") + " took turns: the first printed \"a1 \", the second printed"
                        + " \"b1 \", the first printed \"a2\" and ended its line, then the second ended its line";
                first.call(how, () -> log.print("a1 "), second);
                second.call(how, () -> log.print("b1 "), first);
                first.call(how, () -> log.print("a2"), second);
                first.call(how, log::endLine, second);
                second.call(how, log::endLine, first);
                sink.assertLines(how, "a1 a2", "b1 ");
            }
        }
    }

    @Test
    @Order(6)
    @Tag("hint:2")
    void aThreadWithAnUnfinishedLineDoesNotHoldUpOthers() throws Exception {
        CheckingSink sink = new CheckingSink();
        LineLog log = new LineLog(sink);
        try (Actor first = Actor.start("platform", "first"); Actor second = Actor.start("platform", "second")) {
            String how = "One thread printed \"a1\" and had not yet ended its line when another called"
                    + " log(\"b1\") and then print(\"b2\") and endLine()";
            first.call(how, () -> log.print("a1"), second);
            second.call(how, () -> log.log("b1"), first);
            second.call(how, () -> log.print("b2"), first);
            second.call(how, log::endLine, first);
            sink.assertText(how + ", so the sink must hold only the second thread's two lines", "b1\nb2\n");
            first.call(how, log::endLine, second);
            sink.assertText(how + "; then the first ended its line", "b1\nb2\na1\n");
        }
    }

    /**
     * A thread started by one that has an unfinished line gets a line of its own, empty: a value a new thread
     * inherits from the thread that made it (an InheritableThreadLocal) would be the parent's very builder.
     */
    @Test
    @Order(7)
    @Tag("hint:2")
    void aThreadStartedMidLineHasALineOfItsOwn(Random random) throws Exception {
        for (String kind : List.of("platform", "virtual")) {
            CheckingSink sink = new CheckingSink();
            LineLog log = new LineLog(sink);
            String parentPiece = "p" + random.nextInt(1000);
            String childPiece = "c" + random.nextInt(1000);
            Actor[] child = new Actor[1];
            try (Actor parent = Actor.start("platform", "parent")) {
                String how = "A thread printed \"" + parentPiece + "\" and, its line unfinished, started a " + kind
                        + " thread, which printed \"" + childPiece + "\" and called endLine()";
                parent.call(how, () -> log.print(parentPiece), parent);
                parent.call(how, () -> child[0] = Actor.start(kind, "child"), parent);
                try (Actor started = child[0]) {
                    started.call(how, () -> log.print(childPiece), parent);
                    started.call(how, log::endLine, parent);
                    String got = sink.text();
                    if (got.contains(parentPiece)) {
                        fail(how + ". The sink must hold " + show(childPiece + "\n") + ", but it holds " + show(got)
                                + ": the new thread's line began with its parent's piece. A thread's unfinished"
                                + " line is its own, and a thread it starts begins with an empty one. An"
                                + " InheritableThreadLocal hands a new thread the value of the thread that made it,"
                                + " here the parent's very StringBuilder; a ThreadLocal gives every thread its own.");
                    }
                    sink.assertText(how, childPiece + "\n");
                    parent.call(how, log::endLine, started);
                    sink.assertText(how + "; then the first thread ended its line", childPiece + "\n" + parentPiece
                            + "\n");
                }
            }
        }
    }

    @Test
    @Order(8)
    @Tag("hint:3")
    void logAndEndLineKeepEachOtherOut() {
        Interleavings.explore(SCHEDULES, () -> new Logged(), logged -> {
            LineLog log = logged.log();
            Interleavings.runTogether("A call in this scenario", () -> log.log("a1 ", "a2"), () -> {
                log.print("b1 ");
                log.print("b2");
                log.endLine();
            });
            logged.sink().assertLines("one thread called log(\"a1 \", \"a2\") while another printed \"b1 \" and"
                    + " \"b2\" and called endLine()", "a1 a2", "b1 b2");
        });
    }

    @Test
    @Order(9)
    @Tag("hint:4")
    void aSinkThatFailsLeavesTheLogUsableByEveryThread() throws Exception {
        for (String failing : List.of("log", "endLine")) {
            failOnceThenGoOn(failing, "the first append", text -> true);
            failOnceThenGoOn(failing, "the append that carried the line's '\\n'", text -> text.indexOf('\n') >= 0);
        }
    }

    private static void failOnceThenGoOn(String failing, String where, Predicate<String> which) throws Exception {
        CheckingSink sink = new CheckingSink();
        sink.failOnce(which);
        LineLog log = new LineLog(sink);
        try (Actor first = Actor.start("platform", "first"); Actor second = Actor.start("platform", "second")) {
            String how = "The sink threw an IOException on " + where + " of the first thread's "
                    + (failing.equals("log") ? "log(\"a1\", \"a2\", \"a3\")"
                    : "endLine() after print(\"a1\"), print(\"a2\"), print(\"a3\")");
            Throwable thrown = first.callExpectingFailure(how, () -> {
                if (failing.equals("log")) {
                    log.log("a1", "a2", "a3");
                } else {
                    log.print("a1");
                    log.print("a2");
                    log.print("a3");
                    log.endLine();
                }
            }, second);
            if (!(thrown instanceof UncheckedIOException) || !(thrown.getCause() instanceof IOException)) {
                fail(how + ". That call must throw UncheckedIOException with the sink's IOException as its cause,"
                        + " but it " + (thrown == null ? "returned normally" : "threw " + thrown) + ".");
            }
            second.call(how + "; then a second thread called log(\"b1\")", () -> log.log("b1"), first);
            first.call(how + "; then the first thread called log(\"c1\")", () -> log.log("c1"), second);
            String text = sink.text();
            if (!text.endsWith("b1\nc1\n")) {
                fail(how + "; then a second thread logged \"b1\" and the first logged \"c1\". The sink must end with"
                        + " those two lines, but it holds " + show(text) + ".");
            }
        }
    }

    // ---- scenarios ----

    /** A log on a checking sink, made fresh for each explored interleaving. */
    private record Logged(LineLog log, CheckingSink sink) {
        Logged() {
            this(new CheckingSink());
        }

        private Logged(CheckingSink sink) {
            this(new LineLog(sink), sink);
        }
    }

    // ---- messages ----

    private static String piece(Random random) {
        return random.nextInt(8) == 0 ? "" : "p" + random.nextInt(100);
    }

    private static String quoted(String[] parts) {
        List<String> shown = new ArrayList<>();
        for (String part : parts) {
            shown.add("\"" + part + "\"");
        }
        return String.join(", ", shown);
    }

    static String show(String text) {
        return "\"" + text.replace("\n", "\\n") + "\"";
    }

    /** Names the kind of difference, where the texts show it. */
    private static String explain(String want, String got, String pending) {
        if (!pending.isEmpty() && got.endsWith(pending) && !want.endsWith(pending)) {
            return " The piece(s) printed since the last endLine() are already in the sink: print() must keep them"
                    + " for the calling thread until it calls endLine().";
        }
        if (got.length() > want.length() && got.startsWith(want.substring(0, Math.min(want.length(), 1)))) {
            return " There is more than was written: a line must be written once, and the thread's next line must"
                    + " start empty after endLine().";
        }
        if (got.length() < want.length()) {
            return " Something is missing: every log() and every endLine() writes its line, an empty one too.";
        }
        return "";
    }
}
