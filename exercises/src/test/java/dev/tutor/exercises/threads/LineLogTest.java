package dev.tutor.exercises.threads;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Grades {@link LineLog}. In each test four writer threads, A to D, wait at a barrier, start together and
 * write 150 lines of four pieces each into one shared sink; then every line must be whole and every line
 * must be there exactly once. A piece names its writer, its line and its place: {@code "B17.3 "} is the third
 * piece of writer B's line 17, so a mixed line shows who got in whose way.
 *
 * <p>The tests run in the order of the hints: {@code log} (hint 1), {@code print} with {@code endLine}
 * (hint 2), and both at once on one log (hint 3).
 *
 * <p>The sink widens the race on purpose: at the end of every append it yields the processor, so that
 * another thread gets the chance to append in the middle of a line that is not protected. It also notices
 * when two threads are inside it at the same moment. A race need not show on every run, so the course
 * manifest repeats these tests. Nothing here sleeps; every wait has a time-out.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class LineLogTest {

    /** More writers than cores, so that writers are also switched out in the middle of a line. */
    private static final String WRITERS = "ABCD";
    private static final int LINES = 150;
    private static final int PIECES = 4;
    /** How long a writer waits for the others at the barrier, and how long it may take to write. */
    private static final long WAIT_SECONDS = 5;
    private static final Pattern PIECE = Pattern.compile("([A-D])(\\d+)\\.(\\d+)");

    @Test
    @Order(1)
    @Tag("hint:1")
    void logWritesEveryLineWhole() throws InterruptedException {
        Written written = write("log", "log", "log", "log");

        assertEveryLineWhole(written, "log(..)", "log() writes one line as several appends, its parts and then"
                + " '\\n', and between any two of them another thread can append its own. Hold one lock, the"
                + " same one for every thread, around the whole line: synchronized (this) { ... } around the"
                + " loop and the '\\n', not around each append. A lock taken and released for every piece"
                + " still lets another thread's piece in between two of yours.");
    }

    @Test
    @Order(2)
    @Tag("hint:2")
    void printAndEndLineWriteEveryLineWhole() throws InterruptedException {
        Written written = write("print", "print", "print", "print");

        assertEveryLineWhole(written, "print(..) for each piece and then endLine()", "print() and endLine() are"
                + " separate calls, and a line is only complete at endLine(), so until then its pieces must"
                + " wait where only the calling thread can see them: a ThreadLocal<StringBuilder>, one builder"
                + " per thread. One StringBuilder field, volatile or not, is shared by every thread and"
                + " gathers everyone's pieces into one line. endLine() then writes the thread's line and '\\n'"
                + " to the sink while holding the lock, and empties the builder.");
    }

    @Test
    @Order(3)
    @Tag("hint:3")
    void logAndEndLineTakeTheSameLock() throws InterruptedException {
        Written written = write("log", "print", "log", "print");

        assertEveryLineWhole(written, "log(..) (writers A and C) or with print(..) and endLine()"
                + " (writers B and D)", "log() and endLine() write to the same sink, so they must take one and"
                + " the same lock. Two different locks, say synchronized (this) in log() and synchronized"
                + " (sink) or a ReentrantLock in endLine(), each keep out only the threads that take that"
                + " lock: a printed line lands in the middle of a logged one. Let both lock the log itself.");
    }

    // ---- writing ----

    /** What the writers left behind: the sink's text, and anything that went wrong on the way. */
    private record Written(String how, String text, String problem, Set<String> sharedSink) {
    }

    /**
     * Starts one writer thread per entry of {@code kinds}, named {@code writer-A} and so on, all released
     * together by a barrier. A {@code "log"} writer writes each line with one {@code log(..)}; a
     * {@code "print"} writer prints its pieces one by one, yielding after each, and then calls
     * {@code endLine()}.
     */
    private static Written write(String... kinds) throws InterruptedException {
        RecordingSink sink = new RecordingSink();
        LineLog lineLog = new LineLog(sink);
        CyclicBarrier startTogether = new CyclicBarrier(kinds.length);
        AtomicReference<String> problem = new AtomicReference<>();
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < kinds.length; w++) {
            char writer = WRITERS.charAt(w);
            boolean prints = kinds[w].equals("print");
            writers.add(new Thread(() -> {
                String call = "";
                try {
                    startTogether.await(WAIT_SECONDS, TimeUnit.SECONDS);
                    for (int line = 1; line <= LINES; line++) {
                        String[] pieces = pieces(writer, line);
                        if (prints) {
                            for (String piece : pieces) {
                                call = "print(\"" + piece + "\")";
                                lineLog.print(piece);
                                Thread.yield();
                            }
                            call = "endLine()";
                            lineLog.endLine();
                        } else {
                            call = "log(..)";
                            lineLog.log(pieces);
                        }
                    }
                } catch (Exception | Error e) {
                    String what = call.isEmpty() ? "waiting to start" : call;
                    problem.compareAndSet(null, "writer " + writer + " failed in " + what + ": " + e
                            + (e.getStackTrace().length > 0 ? " at " + e.getStackTrace()[0] : ""));
                }
            }, "writer-" + writer));
        }
        for (Thread writer : writers) {
            writer.start();
        }
        for (Thread writer : writers) {
            writer.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
            if (writer.isAlive()) {
                fail(writer.getName() + " was still writing after " + WAIT_SECONDS + " s, for " + LINES
                        + " short lines. Does a thread wait for a lock that nobody releases, or hold one from a"
                        + " print() to an endLine() that another thread is waiting to call?");
            }
        }
        return new Written(String.join(", ", kinds), sink.text(), problem.get(), sink.sharedBy());
    }

    /** The pieces of one line: {@code "B17.1 "}, {@code "B17.2 "} and so on. */
    private static String[] pieces(char writer, int line) {
        String[] pieces = new String[PIECES];
        for (int p = 0; p < PIECES; p++) {
            pieces[p] = writer + Integer.toString(line) + "." + (p + 1) + " ";
        }
        return pieces;
    }

    // ---- checking ----

    private static void assertEveryLineWhole(Written written, String how, String howToFix) {
        int writers = written.how().split(", ").length;
        int expectedLines = writers * LINES;
        String start = String.format("%d threads started together, and each wrote %d lines with %s, %d pieces"
                + " to a line", writers, LINES, how, PIECES);
        if (written.problem() != null) {
            fail(start + ", but " + written.problem());
        }
        Map<String, String> expected = new LinkedHashMap<>();
        for (int w = 0; w < writers; w++) {
            char writer = WRITERS.charAt(w);
            for (int line = 1; line <= LINES; line++) {
                expected.put(String.join("", pieces(writer, line)), writer + " line " + line);
            }
        }
        String text = written.text();
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        String unfinished = lines.remove(lines.size() - 1);
        if (!unfinished.isEmpty()) {
            lines.add(unfinished);
        }
        List<String> mixed = new ArrayList<>();
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (String line : lines) {
            if (expected.containsKey(line)) {
                seen.merge(line, 1, Integer::sum);
            } else {
                mixed.add(line);
            }
        }
        if (!mixed.isEmpty()) {
            String first = mixed.get(0);
            fail(String.format("%s: %d of the %d lines in the sink came out mixed. The first, \"%s\", %s. ",
                    start, mixed.size(), lines.size(), shorten(first), describe(first)) + howToFix);
        }
        List<String> missing = new ArrayList<>();
        List<String> twice = new ArrayList<>();
        for (Map.Entry<String, String> e : expected.entrySet()) {
            int count = seen.getOrDefault(e.getKey(), 0);
            if (count == 0) {
                missing.add(e.getValue());
            } else if (count > 1) {
                twice.add(e.getValue());
            }
        }
        if (!missing.isEmpty() || !twice.isEmpty()) {
            fail(String.format("%s, so the sink should hold %d lines, each once. Every line in it is whole, but"
                    + " %d are missing%s and %d appear more than once%s. Each call to log() and each"
                    + " endLine() must write its line exactly once, and a thread's builder must start empty"
                    + " after endLine(). ", start, expectedLines, missing.size(), example(missing), twice.size(),
                    example(twice)) + howToFix);
        }
        if (!written.sharedSink().isEmpty()) {
            fail(String.format("%s. Every line came out whole, but threads %s were inside the sink's append()"
                    + " at the same moment. The sink is like a StringBuilder, safe for one thread at a time,"
                    + " so every append to it must happen while holding the log's lock; it is only luck that"
                    + " it did not garble a line. ", start, String.join(" and ", written.sharedSink()))
                    + howToFix);
        }
    }

    /** Whose pieces a mixed line holds: "pieces of writer A's line 17 and writer B's line 4". */
    private static String describe(String line) {
        Set<String> lineOf = new LinkedHashSet<>();
        Set<Character> writers = new TreeSet<>();
        Matcher m = PIECE.matcher(line);
        while (m.find()) {
            lineOf.add("writer " + m.group(1) + "'s line " + m.group(2));
            writers.add(m.group(1).charAt(0));
        }
        if (lineOf.isEmpty()) {
            return "holds none of the pieces the writers wrote";
        }
        if (writers.size() > 1) {
            return "holds pieces of " + joinAll(lineOf) + ": the pieces of one line did not stay together, and"
                    + " another thread's pieces got in between them";
        }
        if (lineOf.size() > 1) {
            return "holds pieces of " + joinAll(lineOf) + ", more than one line in one: each line must end"
                    + " with '\\n', and a thread's next line must start empty";
        }
        return "is only part of " + lineOf.iterator().next() + ": its other pieces went into another line";
    }

    private static String joinAll(Set<String> items) {
        List<String> list = new ArrayList<>(items);
        if (list.size() > 4) {
            list = new ArrayList<>(list.subList(0, 4));
            list.add("more");
        }
        String last = list.remove(list.size() - 1);
        return list.isEmpty() ? last : String.join(", ", list) + " and " + last;
    }

    private static String example(List<String> lines) {
        return lines.isEmpty() ? "" : " (such as writer " + lines.get(0) + ")";
    }

    private static String shorten(String line) {
        String shown = line.strip();
        return shown.length() <= 120 ? shown : shown.substring(0, 117) + "...";
    }

    /**
     * A sink that, like a {@link StringBuilder}, is meant for one thread at a time. It keeps what it is
     * given intact even when misused, and remembers the first threads it caught inside at once. At the
     * end of every append it yields, so that a thread in the middle of an unprotected line lets others in.
     */
    private static final class RecordingSink implements Appendable {
        private final StringBuilder text = new StringBuilder();
        private final Set<String> inside = ConcurrentHashMap.newKeySet();
        private final AtomicReference<Set<String>> sharedBy = new AtomicReference<>(Set.of());

        @Override
        public Appendable append(CharSequence csq) {
            String me = Thread.currentThread().getName();
            inside.add(me);
            if (inside.size() > 1 && sharedBy.get().isEmpty()) {
                Set<String> both = new TreeSet<>(inside);
                if (both.size() > 1) {
                    sharedBy.compareAndSet(Set.of(), both);
                }
            }
            long until = System.nanoTime() + 1_000;
            while (System.nanoTime() < until) {
                Thread.onSpinWait();   // a moment inside, as a real write takes, for an overlap to show
            }
            synchronized (text) {
                text.append(csq);
            }
            Thread.yield();   // give the processor away mid-line: an unprotected line now lets others in
            inside.remove(me);
            return this;
        }

        @Override
        public Appendable append(CharSequence csq, int start, int end) {
            return append(String.valueOf(csq).subSequence(start, end));
        }

        @Override
        public Appendable append(char c) {
            return append(String.valueOf(c));
        }

        String text() {
            synchronized (text) {
                return text.toString();
            }
        }

        Set<String> sharedBy() {
            return sharedBy.get();
        }
    }
}
