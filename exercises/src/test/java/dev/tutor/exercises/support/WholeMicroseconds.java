package dev.tutor.exercises.support;

import java.util.Collection;

/**
 * Tells times cut to whole microseconds from times kept to the nanosecond. A test's bounds on a measured time
 * leave room for a cut below the microsecond, so they cannot see one; but a clock that counts single nanoseconds
 * gives a whole number of microseconds once in a thousand readings, and a few dozen that all are tell of a cut.
 */
public final class WholeMicroseconds {
    private WholeMicroseconds() {
    }

    /**
     * Whether every one of {@code reported} is a whole number of microseconds while the clock they came from counts
     * finer, as the test's own readings of it ({@code testsOwn}, nanoseconds) show. A clock that counts in
     * microseconds or coarser (some systems' CPU clocks) makes every time whole, and then nothing is claimed.
     */
    public static boolean allCut(Collection<Long> reported, Collection<Long> testsOwn) {
        boolean clockCountsFiner = testsOwn.stream().anyMatch(nanos -> nanos % 1_000 != 0);
        return clockCountsFiner && reported.size() >= 8 && reported.stream().allMatch(nanos -> nanos % 1_000 == 0);
    }
}
