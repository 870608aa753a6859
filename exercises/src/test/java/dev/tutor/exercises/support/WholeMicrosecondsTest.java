package dev.tutor.exercises.support;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class WholeMicrosecondsTest {
    private static final List<Long> FINE_CLOCK = List.of(1_234L, 5_000L, 77_001L);

    @Test
    void timesThatAreAllWholeMicrosecondsFromAFineClockAreCut() {
        assertTrue(WholeMicroseconds.allCut(List.of(1_000L, 0L, 5_000L, 12_000L, 3_000L, 8_000L, 1_000L, 2_000L),
                FINE_CLOCK));
    }

    @Test
    void oneTimeBelowTheMicrosecondIsEnough() {
        assertFalse(WholeMicroseconds.allCut(List.of(1_000L, 0L, 5_000L, 12_000L, 3_000L, 8_000L, 1_000L, 2_001L),
                FINE_CLOCK));
    }

    @Test
    void aClockThatCountsMicrosecondsClaimsNothing() {
        assertFalse(WholeMicroseconds.allCut(List.of(1_000L, 0L, 5_000L, 12_000L, 3_000L, 8_000L, 1_000L, 2_000L),
                List.of(1_000L, 15_625_000L)));
    }

    @Test
    void tooFewTimesClaimNothing() {
        assertFalse(WholeMicroseconds.allCut(List.of(1_000L, 2_000L), FINE_CLOCK));
    }
}
