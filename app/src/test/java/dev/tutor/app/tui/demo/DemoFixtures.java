package dev.tutor.app.tui.demo;

import dev.tutor.runtime.gil.GilEvent;
import dev.tutor.runtime.gil.GilEvent.Kind;
import dev.tutor.runtime.gil.GilStats;
import dev.tutor.runtime.loop.LoopEvent;
import dev.tutor.runtime.meter.MeterReading;
import dev.tutor.runtime.net.EpollWatch;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import dev.tutor.runtime.loop.LoopEvent.TimeoutReason;
import dev.tutor.runtime.time.FakeClock;
import java.nio.channels.SelectionKey;
import java.util.ArrayList;
import java.util.List;

/** Fixed GIL and loop traces and meter readings, timed on a {@link FakeClock}, so the demo views render the same text every time. */
public final class DemoFixtures {
    private DemoFixtures() {
    }

    /**
     * The convoy: {@code cpu} holds the GIL; {@code io} waits a switch interval, fails to wake, asks for a drop,
     * runs, releases for I/O, and after its I/O waits another whole interval to get back in. 15 ms in all.
     */
    public static List<GilEvent> convoy() {
        FakeClock clock = new FakeClock();
        List<GilEvent> out = new ArrayList<>();
        out.add(new GilEvent(Kind.ACQUIRED, "cpu", clock.nanoTime()));
        out.add(new GilEvent(Kind.WAITING, "io", clock.nanoTime()));
        clock.advanceMillis(5);
        out.add(new GilEvent(Kind.WAIT_TIMED_OUT, "io", clock.nanoTime()));
        out.add(new GilEvent(Kind.DROP_REQUESTED, "io", clock.nanoTime()));
        clock.advanceNanos(500_000);
        out.add(new GilEvent(Kind.FORCED_SWITCH, "cpu", clock.nanoTime()));
        out.add(new GilEvent(Kind.ACQUIRED, "io", clock.nanoTime()));
        out.add(new GilEvent(Kind.WAITING, "cpu", clock.nanoTime()));
        clock.advanceNanos(500_000);
        out.add(new GilEvent(Kind.RELEASED_FOR_IO, "io", clock.nanoTime()));
        out.add(new GilEvent(Kind.ACQUIRED, "cpu", clock.nanoTime()));
        clock.advanceMillis(2);
        out.add(new GilEvent(Kind.WAITING, "io", clock.nanoTime()));
        clock.advanceMillis(5);
        out.add(new GilEvent(Kind.WAIT_TIMED_OUT, "io", clock.nanoTime()));
        out.add(new GilEvent(Kind.DROP_REQUESTED, "io", clock.nanoTime()));
        clock.advanceNanos(500_000);
        out.add(new GilEvent(Kind.FORCED_SWITCH, "cpu", clock.nanoTime()));
        out.add(new GilEvent(Kind.REACQUIRED, "io", clock.nanoTime()));
        out.add(new GilEvent(Kind.WAITING, "cpu", clock.nanoTime()));
        return out;
    }

    /** Without a GIL both threads run from the start; io is in I/O from 1 to 3 ms. */
    public static List<GilEvent> freeThreaded() {
        return List.of(new GilEvent(Kind.ACQUIRED, "cpu", 0), new GilEvent(Kind.ACQUIRED, "io", 0),
                new GilEvent(Kind.RELEASED_FOR_IO, "io", 1_000_000), new GilEvent(Kind.REACQUIRED, "io", 3_000_000));
    }

    public static final long CONVOY_END = 15_000_000;

    public static GilStats convoyStats() {
        return new GilStats(10, 4, 3, 2, 2, CONVOY_END);
    }

    /** Two turns: one waiting 38 ms in select for a timer, one with the client readable and a slow callback. */
    public static List<LoopEvent> twoTurns() {
        return List.of(
                new LoopEvent.TurnStarted(7, 100_000_000, 0, 2),
                new LoopEvent.CancelledTimersDropped(7, 0, false, 2),
                new LoopEvent.TimeoutChosen(7, TimeoutReason.NEXT_TIMER, 38_000_000, 0, List.of(), 138_000_000),
                new LoopEvent.SelectReturned(7, List.of(), 38_000_000),
                new LoopEvent.TimersDue(7, List.of("heartbeat"), 1, 150_000_000),
                new LoopEvent.CallbackRan(7, "heartbeat", 100_000, false, null),
                new LoopEvent.TurnEnded(7, 1, 1),
                new LoopEvent.TurnStarted(8, 138_200_000, 1, 2),
                new LoopEvent.CancelledTimersDropped(8, 0, false, 2),
                new LoopEvent.TimeoutChosen(8, TimeoutReason.CALLBACKS_READY, 0, 1, List.of("slow-report"),
                        150_000_000),
                new LoopEvent.SelectReturned(8, List.of(new LoopEvent.ReadyKey("client", SelectionKey.OP_READ,
                        SelectionKey.OP_READ)), 0),
                new LoopEvent.TimersDue(8, List.of(), 2, 150_000_000),
                new LoopEvent.CallbackRan(8, "slow-report", 60_000_000, true, null),
                new LoopEvent.CallbackRan(8, "client-reply", 50_000, false, null),
                new LoopEvent.TurnEnded(8, 2, 1));
    }

    /** The convoy's GIL demo running, both panels traced to {@link #CONVOY_END}. */
    public static DemoState convoyDemo() {
        DemoState d = DemoState.gil("threadsio", DemoState.Scenario.CPU_AND_IO, 1).withPhase(DemoState.Phase.RUNNING, 0);
        return d.withGil(GilTrace.EMPTY.plus(convoy(), convoyStats(), CONVOY_END),
                GilTrace.EMPTY.plus(freeThreaded(), null, CONVOY_END));
    }

    /** A look at the three servers: the busy-polling one burns a core, the others idle; latencies alike. */
    public static MeterBoard meterBoard() {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        return new MeterBoard(List.of(
                new MeterReading("thread per client", 4, 147, 82_000, 310_000, 0.3),
                new MeterReading("busy polling", 1, 149, 51_000, 205_000, 99.6),
                new MeterReading("one Selector", 1, 148, 76_000, 290_000, 0.8)), 23, List.of(
                new EpollWatch(11, 0x19, "anon_inode:[eventfd]", null, null, ""),
                new EpollWatch(24, 0x19, "socket:[1001]", new InetSocketAddress(loopback, 41235), null, "LISTEN"),
                new EpollWatch(27, 0x19, "socket:[1002]", new InetSocketAddress(loopback, 41235),
                        new InetSocketAddress(loopback, 52110), "ESTABLISHED"),
                new EpollWatch(28, 0x1c, "socket:[1003]", new InetSocketAddress(loopback, 41235),
                        new InetSocketAddress(loopback, 52112), "ESTABLISHED")), "", 52112);
    }

    /** The meters with {@link #meterBoard()} shown. */
    public static DemoState metersDemo() {
        return DemoState.meters("selectors", 1).withMeters(meterBoard());
    }

    /** The loop demo with {@link #twoTurns()} traced. */
    public static DemoState loopDemo() {
        DemoState d = DemoState.loop("waiting", 1);
        return d.withLoop(d.loop().plus(twoTurns()));
    }
}
