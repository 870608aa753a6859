package dev.tutor.app.tui.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tutor.app.tui.text.Frame;
import dev.tutor.app.tui.text.Glyphs;
import dev.tutor.app.tui.text.Line;
import dev.tutor.app.tui.text.Span;
import dev.tutor.app.tui.text.Style;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The demo screen's body as text, from fixed traces timed on a fake clock: no terminal, no threads, no timing.
 * The title and key bars around it are the core's, tested with its update.
 */
class DemoViewTest {
    /** The body of a {@code cols} by {@code rows} screen, between the title bar and the key bar. */
    private static String body(DemoState d, int cols, int rows) {
        int bodyRows = rows - 2;
        return new Frame(cols, bodyRows, DemoView.body(d, cols, bodyRows, Glyphs.UNICODE.monochrome(), 0)).text()
                .stripTrailing();
    }

    @Test
    void theGilTimelineDrawsTheConvoyLaneByLaneInMonochrome() {
        assertThat(body(DemoFixtures.convoyDemo(), 80, 24)).isEqualTo("""
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
                 > running · speed 1× (+ -) · switch interval 5 ms ([ ])""");
    }

    @Test
    void theLoopTraceDrawsOneRowATurnAndFlagsTheSlowCallback() {
        assertThat(body(DemoFixtures.loopDemo(), 100, 24)).isEqualTo("""
                ── A real EventLoop: timers, an echo server and its client, one slow callback ──────────────────────
                 timer every 400 ms · echo client pings 250 ms after each reply · every 6th beat is slow
                 loop                                                                                  │░░░░█│██████
                         10 ms a column, newest right; speed divides the timers' periods
                 turn   rdy tmr  select time-out        waited  keys       due · callbacks run
                 #7       0   2  38.0ms next timer      38.0ms  -          1 · heartbeat 0.1ms
                 #8       1   2  0 (callbacks ready)     0.0ms  client:r   0 · ⚠SLOW slow-report 60.0ms, client-rep…













                 █ callbacks  ░ waiting in select  │ new turn  ⚠SLOW callback over 50 ms
                 > running · speed 1× (+ -) · turns 8 · slow callbacks 1""");
    }

    @Test
    void theMetersShowEachServerARowAndTheSelectorsInterestListAsTheKernelHoldsIt() {
        assertThat(body(DemoFixtures.metersDemo(), 100, 24)).isEqualTo("""
                ── Three echo servers on 127.0.0.1, 3 probe clients each ───────────────────────────────────────────
                 Each client sends 32 bytes, waits for the echo, pauses 20 ms, and goes again. One more client of
                 the Selector sends 64 KiB every 2 s and reads the echo back slowly.

                 server             threads   req/s    median     worst    CPU  of one core
                 thread per client        4     147   0.08 ms   0.31 ms     0%
                 busy polling             1     149   0.05 ms   0.21 ms   100%  ████████████████████
                 one Selector             1     148   0.08 ms   0.29 ms     1%  █
                 Latency of one request and requests a second over the last second; CPU of the server's own threads
                 only, not its clients'.

                ── The kernel's view: what the Selector's epoll instance waits for ─────────────────────────────────
                 /proc/self/fdinfo/23 · 4 descriptors
                   fd  socket                       TCP state    waits for
                   11  eventfd (for wakeup())                    EPOLLIN
                   24  127.0.0.1:41235 (listening)  LISTEN       EPOLLIN
                   27  127.0.0.1:41235 <- :52110    ESTABLISHED  EPOLLIN
                   28  127.0.0.1:41235 <- :52112    ESTABLISHED  EPOLLOUT         slow reader
                 OP_ACCEPT and OP_READ are EPOLLIN; OP_WRITE is EPOLLOUT, asked for only while an echo waits to go
                 out: watch the slow reader's connection.

                 > running · looks 4 times a second · esc stops every server and client""");
    }

    @Test
    void elsewhereThanLinuxTheKernelsViewIsOneLineSayingSo() {
        MeterBoard board = new MeterBoard(DemoFixtures.meterBoard().readings(), -1, List.of(), MetersDemo.LINUX_ONLY,
                0);
        String text = body(DemoState.meters("selectors", 1).withMeters(board), 100, 24);
        assertThat(text).contains("busy polling", MetersDemo.LINUX_ONLY).doesNotContain("EPOLLIN", "fdinfo");
    }

    @Test
    void beforeTheFirstLookTheMetersSayTheyAreStarting() {
        assertThat(body(DemoState.meters("selectors", 1), 80, 24)).contains("Starting the servers")
                .doesNotContain("busy polling");
    }

    @Test
    void theCpuBarIsAWholeCoreWideForTheBusyPoller() {
        Line busy = MetersView.row(DemoFixtures.meterBoard().readings().get(1), 100, Glyphs.UNICODE);
        assertThat(busy.spans()).contains(new Span("████████████████████", Style.GIL_FAIL));
        Line idle = MetersView.row(DemoFixtures.meterBoard().readings().get(2), 100, Glyphs.ASCII);
        assertThat(MetersView.row(DemoFixtures.meterBoard().readings().get(1), 80, Glyphs.UNICODE).width())
                .isEqualTo(80); // a narrow screen: the whole core is the room the row leaves
        assertThat(idle.spans()).contains(new Span("#", Style.GIL_RUN));
    }

    @Test
    void aPredictionIsAskedBeforeTheGilDemoRuns() {
        assertThat(body(DemoState.gil("gil", DemoState.Scenario.TWO_CPU, 1), 80, 24)).contains("Predict first",
                "or slower?", "1 faster   2 the same   3 slower").doesNotContain("badness", "│");
    }

    @Test
    void theLanesUseAsciiGlyphsWhereTheTerminalCannotShowUnicode() {
        List<Line> lanes = GilTimelineView.lanes(DemoFixtures.convoyDemo().gil(), List.of("cpu", "io"), 80,
                Glyphs.ASCII.monochrome());
        assertThat(lanes.get(0).text()).endsWith("###########.###############...");
        assertThat(lanes.get(1).text()).endsWith("..........!v^~~~..........!v##");
    }

    @Test
    void eachLaneCellCarriesItsMeaningAsAStyleToo() {
        List<Line> lanes = GilTimelineView.lanes(DemoFixtures.convoyDemo().gil(), List.of("io"), 80, Glyphs.UNICODE);
        assertThat(lanes.get(0).spans()).anySatisfy(sp -> assertThat(sp).isEqualTo(new Span("!", Style.GIL_FAIL)))
                .anySatisfy(sp -> assertThat(sp).isEqualTo(new Span("↓", Style.GIL_MARK)))
                .anySatisfy(sp -> assertThat(sp).isEqualTo(new Span("~~~", Style.GIL_IO)));
    }
}
