package dev.tutor.runtime.loop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tutor.runtime.time.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TurnTraceFormatterTest {

    @Test
    void writesOneLinePerTurnWithEveryPhase() {
        FakeClock clock = new FakeClock();
        List<String> lines = new ArrayList<>();
        try (EventLoop loop = EventLoop.create(LoopOptions.defaults().withClock(clock).withLog(new RecordingLog()))) {
            loop.addListener(new TurnTraceFormatter(lines::add));
            TimerHandle cancelled = loop.callLater(Duration.ofMillis(1), () -> { });
            loop.callLater(Duration.ofMillis(2), () -> { });
            cancelled.cancel();
            loop.callSoon("handler", () -> clock.advanceMillis(150));
            clock.advanceMillis(2);
            loop.runOnce();
            loop.callSoon("second", () -> { });
            loop.runOnce();
        }
        assertThat(lines).containsExactly(
                "turn 1 +0.000ms | ready 1 | dropped 1 | timeout 0ms (callbacks ready) | select 0 | due 1 "
                        + "[lambda in TurnTraceFormatterTest] | ran 2 [SLOW handler 150.00ms, lambda in TurnTraceFormatterTest 0.00ms]",
                "turn 2 +150.000ms | ready 1 | dropped 0 | timeout 0ms (callbacks ready) | select 0 | due 0 | ran 1 [second 0.00ms]");
    }
}
