package dev.tutor.lessons;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PredictionTest {
    private final InputStream realIn = System.in;
    private final PrintStream realOut = System.out;
    /** Counts every attempt to read standard input; a demo without a terminal must make none. */
    private final AtomicInteger reads = new AtomicInteger();
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

    @BeforeEach
    void watchStandardStreams() {
        System.setIn(new InputStream() {
            @Override
            public int read() {
                reads.incrementAndGet();
                return 'x'; // an answer a wrongly reading implementation would return
            }
        });
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreStandardStreams() {
        System.setIn(realIn);
        System.setOut(realOut);
    }

    @Test
    void withoutATerminalAsksNothingReadsNothingAndReturnsEmpty() {
        Optional<String> guess = Prediction.ask("How long will it take?", null);

        assertEquals(Optional.empty(), guess, "with no terminal there is nobody to answer, so no guess");
        assertEquals(0, reads.get(), "read standard input with no terminal: a demo in a pipe or CI would wait"
                + " for input or take whatever the pipe holds as a guess");
        assertEquals("", printed(), "printed a question with no terminal: the demo's output would change in pipes");
    }

    @Test
    void askingInThisTestJvmWhichHasNoTerminalReturnsEmptyAtOnce() {
        // Surefire gives the test JVM pipes, not a terminal; under a runner that passes a terminal on, skip.
        assumeTrue(Prediction.terminal() == null, "this test JVM is attached to a terminal");

        Optional<String> guess = Prediction.ask("How long will it take?");

        assertEquals(Optional.empty(), guess);
        assertEquals(0, reads.get(), "read standard input although System.console() said there is no terminal");
        assertEquals("", printed());
    }

    @Test
    void printsNothingBesideAMeasurementWhenNoGuessWasMade() {
        Prediction.printBeside(Optional.empty(), "2 threads took 1.02x the time of 1");

        assertEquals("", printed(), "without a guess the demo's output must stay as it was");
    }

    @Test
    void printsTheGuessAboveTheMeasurementLinedUp() {
        Prediction.printBeside(Optional.of("about the same"), "2 threads took 1.02x the time of 1");

        // the two values start in one column, so that the eye can compare them
        assertEquals(List.of("  You predicted: about the same", "  Measured:      2 threads took 1.02x the time of 1"),
                printed().lines().toList());
    }

    @Test
    void breaksALongQuestionBetweenWordsToFitEightyColumns() {
        String question = "Will two children, each counting half of the numbers, take about the same wall time"
                + " as one child, or about half of it?";

        List<String> lines = Prediction.prompt(question).lines().toList();

        assertEquals(List.of(
                "Predict: Will two children, each counting half of the numbers, take about the",
                "         same wall time as one child, or about half of it?"), lines,
                "a question wider than the terminal wraps in the middle of a word; it should break between words,"
                        + " its later lines under its first word");
    }

    private String printed() {
        return printed.toString(StandardCharsets.UTF_8);
    }
}
