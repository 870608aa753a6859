package dev.tutor.exercises.threads;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * A sink for {@link LineLog}'s tests that, like a {@link StringBuilder}, is for one thread at a time, and
 * notices when a second thread comes in while one is inside. It keeps what it is given intact even when
 * misused, so that a test can say both what was written and that the sink was shared. It can be told to
 * fail one append, as a full disk or a closed stream would.
 */
final class CheckingSink implements Appendable {
    private final StringBuilder text = new StringBuilder();
    private final AtomicInteger inside = new AtomicInteger();
    private final AtomicReference<String> shared = new AtomicReference<>();
    /** Set before the sink is shared, so a plain field: explored schedules then have fewer steps to try. */
    private Predicate<String> failing;

    /** Makes the next append whose text matches {@code which} throw an {@link IOException} and add nothing. */
    void failOnce(Predicate<String> which) {
        failing = which;
    }

    @Override
    public Appendable append(CharSequence csq) throws IOException {
        if (failing != null && failing.test(String.valueOf(csq))) {
            failing = null;
            throw new IOException("the test's sink failed on purpose, on the append of " + LineLogTest.show(
                    String.valueOf(csq)));
        }
        if (inside.getAndIncrement() != 0) {
            shared.compareAndSet(null, String.valueOf(csq));
        }
        text.append(csq);
        inside.decrementAndGet();
        return this;
    }

    @Override
    public Appendable append(CharSequence csq, int start, int end) throws IOException {
        return append(String.valueOf(csq).subSequence(start, end));
    }

    @Override
    public Appendable append(char c) throws IOException {
        return append(String.valueOf(c));
    }

    /**
     * What the sink holds. Its builder is not locked: under exploration the threads take turns, and the
     * tests on real threads make their calls one at a time, so a misused sink is noticed, never garbled.
     */
    String text() {
        return text.toString();
    }

    /** Fails unless the sink holds exactly {@code expected} and was never used by two threads at once. */
    void assertText(String how, String expected) {
        String got = text();
        if (!got.equals(expected)) {
            fail(how + ". The sink must hold " + LineLogTest.show(expected) + ", but it holds "
                    + LineLogTest.show(got) + ".");
        }
        assertNeverShared(how);
    }

    /**
     * Fails unless the sink holds exactly {@code lines}, each whole and ended by {@code '\n'}, in either
     * order, and was never used by two threads at once.
     */
    void assertLines(String how, String... lines) {
        String got = text();
        List<String> written = new ArrayList<>(Arrays.asList(got.split("\n", -1)));
        String unfinished = written.remove(written.size() - 1);
        List<String> wanted = new ArrayList<>(Arrays.asList(lines));
        List<String> sortedWritten = new ArrayList<>(written);
        sortedWritten.sort(null);
        wanted.sort(null);
        if (!unfinished.isEmpty() || !sortedWritten.equals(wanted)) {
            String expected = String.join("\\n", lines) + "\\n";
            fail(how + ". The sink must then hold the lines " + quoted(lines) + ", each whole, in either order (such"
                    + " as \"" + expected + "\"), but it holds " + LineLogTest.show(got) + ". "
                    + (written.size() + (unfinished.isEmpty() ? 0 : 1) == lines.length && unfinished.isEmpty()
                    ? "The lines are mixed: a piece of one thread's line came between the pieces of another's."
                    : "Lines are mixed, missing or repeated: each line must reach the sink whole, once, with nothing"
                    + " of another thread's line inside it."));
        }
        assertNeverShared(how);
    }

    private void assertNeverShared(String how) {
        String second = shared.get();
        if (second != null) {
            fail(how + ". Every line came out whole, but a second thread appended " + LineLogTest.show(second)
                    + " while another thread was still inside the sink's append(). The sink is like a StringBuilder,"
                    + " safe for one thread at a time: every append to it must happen while holding the log's"
                    + " lock. It was luck that no line came out garbled.");
        }
    }

    private static String quoted(String[] lines) {
        List<String> shown = new ArrayList<>();
        for (String line : lines) {
            shown.add("\"" + line + "\"");
        }
        return String.join(" and ", shown);
    }
}
