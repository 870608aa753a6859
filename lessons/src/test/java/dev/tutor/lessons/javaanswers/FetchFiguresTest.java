package dev.tutor.lessons.javaanswers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FetchFiguresTest {

    private static final FetchFigures VIRTUAL = new FetchFigures("virtual", 10_000, 9_998, 4_321, 1_234, 350_000,
            1_360, 220_302, 5, 11, "2 carriers (ForkJoinPool-1-worker-N), MasterPoller", "");

    @Test
    void aLineComesBackAsTheSameFigures() {
        assertEquals(Optional.of(VIRTUAL), FetchFigures.parse(VIRTUAL.toLine()));
    }

    @Test
    void tabsAndLineBreaksInAFailureCannotBreakTheLine() {
        FetchFigures failed = new FetchFigures("platform", 10, 3, 5, -1, -1, -1, -1, 7, 8, "",
                "java.io.IOException: one\ttwo\nthree");
        FetchFigures back = FetchFigures.parse(failed.toLine()).orElseThrow();
        assertEquals("java.io.IOException: one two three", back.failure());
        assertEquals(-1, back.allSentMillis());
        assertEquals(3, back.ok());
    }

    @Test
    void otherLinesAreNotFigures() {
        assertEquals(Optional.empty(), FetchFigures.parse("WARNING Executing wake fetch 12 took 0.120 seconds"));
        assertEquals(Optional.empty(), FetchFigures.parse("figures\tkind=loop\tcount=ten"));
        assertEquals(Optional.empty(), FetchFigures.parse(""));
    }

    @Test
    void unknownMemoryReadsNotAvailable() {
        assertEquals("n/a", FetchFigures.mib(-1));
        assertEquals("1.5 MiB", FetchFigures.mib(1536));
        assertTrue(VIRTUAL.row().contains("9998/10000"), VIRTUAL.row());
        assertTrue(VIRTUAL.row().contains("4.32 s"), VIRTUAL.row());
    }

    @Test
    void theMedianIsTheMiddleValueOrTheMeanOfTheTwoMiddleOnes() {
        assertEquals(7.0, FetchFigures.median(List.of(9L, 1L, 7L)));
        assertEquals(5.0, FetchFigures.median(List.of(9L, 1L, 7L, 3L)));
        assertEquals(4.0, FetchFigures.median(List.of(4L)));
        assertThrows(IllegalArgumentException.class, () -> FetchFigures.median(List.of()));
    }

    @Test
    void mediansAreTakenFigureByFigure() {
        FetchFigures slow = new FetchFigures("virtual", 10_000, 10_000, 9_000, 5_000, 300_000, 1_000, 100_000, 6, 12,
                "x", "");
        FetchFigures fast = new FetchFigures("virtual", 10_000, 10_000, 3_000, 1_000, 500_000, 2_000, 300_000, 4, 10,
                "y", "");
        FetchFigures median = TenThousandFetchesDemo.medians(List.of(slow, VIRTUAL, fast));
        assertEquals("virtual", median.kind());
        assertEquals(4_321, median.millis());
        assertEquals(1_234, median.allSentMillis());
        assertEquals(350_000, median.peakRssKb());
        assertEquals(1_360, median.threadStacksKb());
        assertEquals(5, median.threadsStarted());
        assertEquals(11, median.peakThreads());
    }
}
