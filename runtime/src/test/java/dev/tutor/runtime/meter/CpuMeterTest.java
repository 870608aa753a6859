package dev.tutor.runtime.meter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tutor.runtime.time.FakeClock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** CPU over wall time, with made-up CPU times and a fake clock: the arithmetic, not this machine's speed. */
class CpuMeterTest {
    private final FakeClock clock = new FakeClock();
    private final Map<Long, Long> cpu = new HashMap<>();
    private final CpuMeter meter = new CpuMeter(clock, id -> cpu.getOrDefault(id, -1L));

    @Test
    void theFirstLookOnlyTakesTheStartingPoint() {
        cpu.put(1L, 5_000_000_000L);
        assertThat(meter.percentOfOneCore(List.of(1L))).isZero();
    }

    @Test
    void aThreadThatSpinsIsAWholeCoreAndOneThatWaitsIsNothing() {
        cpu.put(1L, 0L);
        cpu.put(2L, 0L);
        meter.percentOfOneCore(List.of(1L, 2L));
        clock.advanceMillis(250);
        cpu.put(1L, 250_000_000L); // spun the whole time
        assertThat(meter.percentOfOneCore(List.of(1L))).isCloseTo(100.0, within(1e-9));
        clock.advanceMillis(250);
        assertThat(meter.percentOfOneCore(List.of(2L))).isZero(); // waited in the kernel
    }

    @Test
    void threadsAddUpAndANewThreadCountsFromItsStart() {
        cpu.put(1L, 100_000_000L);
        meter.percentOfOneCore(List.of(1L));
        clock.advanceMillis(100);
        cpu.put(1L, 110_000_000L); // 10 ms in 100 ms
        cpu.put(2L, 5_000_000L); // started since the last look, used 5 ms
        assertThat(meter.percentOfOneCore(List.of(1L, 2L))).isCloseTo(15.0, within(1e-9));
    }

    @Test
    void aThreadThatEndedIsLeftOut() {
        cpu.put(1L, 0L);
        meter.percentOfOneCore(List.of(1L));
        clock.advanceMillis(100);
        cpu.remove(1L);
        assertThat(meter.percentOfOneCore(List.of(1L))).isZero();
    }
}
