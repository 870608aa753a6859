package dev.tutor.app.tui;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The demo views as text, from fixed traces timed on a fake clock: no terminal, no threads, no timing. */
class DemoViewTest {
    static TutorState convoyState(int cols, int rows) {
        DemoState d = DemoState.gil("threadsio", DemoState.Scenario.CPU_AND_IO, 1).withPhase(DemoState.Phase.RUNNING, 0);
        d = d.withGil(GilTrace.EMPTY.plus(DemoFixtures.convoy(), DemoFixtures.convoyStats(), DemoFixtures.CONVOY_END),
                GilTrace.EMPTY.plus(DemoFixtures.freeThreaded(), null, DemoFixtures.CONVOY_END));
        return TuiFixtures.state(cols, rows).withDemo(d);
    }

    static TutorState loopState(int cols, int rows) {
        DemoState d = DemoState.loop("waiting", 1);
        return TuiFixtures.state(cols, rows).withDemo(d.withLoop(d.loop().plus(DemoFixtures.twoTurns())));
    }

    @Test
    void theGilTimelineDrawsTheConvoyLaneByLaneInMonochrome() {
        assertThat(Views.render(convoyState(80, 24)).text()).isEqualTo("""
                 Concurrency Tutor › Demo · GIL timeline                             0/1 passed
                ── GIL: a CPU-bound and an I/O-bound thread (convoy) ───────────────────────────
                 cpu computes all the time; io works 0.5 ms, then waits 2 ms for I/O.
                 Predict: once a wait is over, how long until io holds the GIL again?
                 Read the answer off the io lane; [ ] changes the switch interval.

                 With the GIL · interval 5 ms   badness 0.40 · 200 switches/s
                 cpu     │                                        ███████████░███████████████░░░
                 io      │                                        ░░░░░░░░░░!↓^~~~░░░░░░░░░░!↓██
                         └ 35 ms shown, 0.5 ms a column; clock 15.0 ms
                 Free-threaded (no GIL)   the same threads, truly at once
                 cpu     │                                        ██████████████████████████████
                 io      │                                        ██^~~~████████████████████████

                 █ runs, holding the GIL  ░ waits for the GIL  ~ in I/O, GIL released
                 ! failed wake-up  ↓ drop request  ^ released for I/O
                 > running · speed 1× (+ -) · switch interval 5 ms ([ ])






                 space pause  . step  + - speed  [ ] interval  s scenario  f free  esc back""");
    }

    @Test
    void theLoopTraceDrawsOneRowATurnAndFlagsTheSlowCallback() {
        assertThat(Views.render(loopState(100, 24)).text()).isEqualTo("""
                 Concurrency Tutor › Demo · Event loop, turn by turn                                     0/1 passed
                ── A real EventLoop: timers, an echo server and its client, one slow callback ──────────────────────
                 timer every 400 ms · echo client pings 250 ms after each reply · every 6th beat is slow
                 loop                                                                                  │░░░░█│██████
                         10 ms a column, newest right; speed divides the timers' periods
                 turn   rdy tmr  select time-out        waited  keys       due · callbacks run
                 #7       0   2  38.0ms next timer      38.0ms  -          1 · heartbeat 0.1ms
                 #8       1   2  0 (callbacks ready)     0.0ms  client:r   0 · ⚠SLOW slow-report 60.0ms, client-rep…













                 █ callbacks  ░ waiting in select  │ new turn  ⚠SLOW callback over 50 ms
                 > running · speed 1× (+ -) · turns 8 · slow callbacks 1
                 space pause  . step  + - speed  esc back  ? help""");
    }

    @Test
    void aPredictionIsAskedBeforeTheGilDemoRuns() {
        TutorState s = TuiFixtures.state(80, 24).withDemo(DemoState.gil("gil", DemoState.Scenario.TWO_CPU, 1));
        assertThat(Views.render(s).text()).contains("Predict first", "or slower?", "1 faster   2 the same   3 slower",
                "1 2 3 faster / same / slower").doesNotContain("badness", "│");
    }

    @Test
    void theLanesUseAsciiGlyphsWhereTheTerminalCannotShowUnicode() {
        List<Line> lanes = GilTimelineView.lanes(convoyState(80, 24).demo().gil(), List.of("cpu", "io"), 80,
                Glyphs.ASCII.monochrome());
        assertThat(lanes.get(0).text()).endsWith("###########.###############...");
        assertThat(lanes.get(1).text()).endsWith("..........!v^~~~..........!v##");
    }

    @Test
    void eachLaneCellCarriesItsMeaningAsAStyleToo() {
        List<Line> lanes = GilTimelineView.lanes(convoyState(80, 24).demo().gil(), List.of("io"), 80, Glyphs.UNICODE);
        assertThat(lanes.get(0).spans()).anySatisfy(sp -> assertThat(sp).isEqualTo(new Span("!", Style.GIL_FAIL)))
                .anySatisfy(sp -> assertThat(sp).isEqualTo(new Span("↓", Style.GIL_MARK)))
                .anySatisfy(sp -> assertThat(sp).isEqualTo(new Span("~~~", Style.GIL_IO)));
    }
}
