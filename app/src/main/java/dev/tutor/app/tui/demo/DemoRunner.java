package dev.tutor.app.tui.demo;

import dev.tutor.runtime.gil.Gil;
import dev.tutor.runtime.gil.GilEvent;
import dev.tutor.runtime.gil.GilOptions;
import dev.tutor.runtime.gil.GilStats;
import dev.tutor.runtime.loop.EventLoop;
import dev.tutor.runtime.loop.LoopEvent;
import dev.tutor.runtime.loop.LoopLog;
import dev.tutor.runtime.loop.LoopOptions;
import dev.tutor.runtime.time.FakeClock;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs the demos off the UI thread and reports what they do only to its {@link Listener}, which hands it on to
 * the UI thread.
 *
 * <p>The GIL demo runs real threads on the runtime's simulated GIL, but on a {@link FakeClock} that this runner
 * moves on a little each frame: the GIL's protocol (waits of one switch interval, drop requests, forced switches)
 * plays out in slow motion, and pausing the clock pauses the demo exactly. The loop demo runs a real
 * {@link EventLoop} on real sockets, one turn a frame. The meters run three echo servers and their probe clients
 * (see {@link MetersDemo}) and close them all when the demo stops. {@link #start}, {@link #control}, {@link #step} and
 * {@link #stop} are called on the UI thread and return at once.
 */
public final class DemoRunner {
    /** Wall time between frames. */
    private static final long FRAME_MILLIS = 50;
    /** The fake clock moves in steps this small, so events are stamped finely... */
    private static final long SUB_STEP_NANOS = 250_000;
    /** ...with this much real time between steps, for the threads to react. */
    private static final long SUB_STEP_REAL_NANOS = 2_500_000;
    /** At normal speed the clock moves this much a frame: 1 ms, two columns, 1/50 of real time. */
    private static final long FRAME_ADVANCE_NANOS = 1_000_000;

    /**
     * Where the demos report, called on the demos' own threads; every report carries the number of the run it
     * belongs to, so that the screen can drop those of a run it has left.
     */
    public interface Listener {
        /** One frame of the GIL demo: both panels' events since the last frame, the GIL's counters, the clock. */
        void gilTraced(int run, List<GilEvent> withGil, GilStats gilStats, List<GilEvent> freeThreaded,
                       long clockNanos);

        /** The loop demo ran a turn (or a few); these are its events, in order. */
        void loopTraced(int run, List<LoopEvent> events);

        /** The meters took a look at their three echo servers. */
        void metersRead(int run, MeterBoard board);

        /** The predict-then-measure run finished. */
        void gilMeasured(int run, GilMeasurement measurement);

        /** The demo could not run, or stopped; {@code message} says why. */
        void failed(int run, String message);
    }

    private final Listener listener;
    private volatile Demo current;

    public DemoRunner(Listener listener) {
        this.listener = listener;
    }

    /** Stops the demo under way and starts {@code kind} as run {@code run}. */
    public synchronized void start(int run, DemoState.Kind kind, DemoState.Scenario scenario,
                                   DemoState.Settings settings) {
        stop();
        Demo demo = new Demo(run, settings);
        current = demo;
        Runnable body = switch (kind) {
            case GIL -> () -> gilDemo(demo, scenario);
            case LOOP -> () -> loopDemo(demo);
            case METERS -> () -> metersDemo(demo);
        };
        daemon("tutor-demo", () -> {
            try {
                body.run();
            } catch (RuntimeException ex) {
                listener.failed(demo.run, "The demo stopped: " + ex.getMessage());
            }
        }).start();
    }

    public void control(DemoState.Settings settings) {
        Demo d = current;
        if (d != null) {
            d.settings = settings;
            Gil gil = d.gil;
            if (gil != null) {
                gil.setSwitchInterval(Duration.ofNanos(settings.switchIntervalMicros() * 1000));
            }
        }
    }

    public void step() {
        Demo d = current;
        if (d != null) {
            d.steps++;
        }
    }

    public synchronized void stop() {
        Demo d = current;
        if (d != null) {
            d.stopped = true;
            current = null;
            EventLoop loop = d.loop;
            if (loop != null && !loop.isClosed()) {
                try {
                    loop.callSoonThreadsafe(() -> { }); // wakes it from select, so its thread ends now
                } catch (RuntimeException closedMeanwhile) {
                    // it ended on its own: nothing to wake
                }
            }
        }
    }

    /** Times one thread against two on the same total work, with the GIL and free-threaded; off the UI thread. */
    public void measure(int run) {
        daemon("tutor-measure", () -> {
            try {
                listener.gilMeasured(run, GilMeasurement.take());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                listener.failed(run, "Could not measure: " + e.getMessage());
            }
        }).start();
    }

    /** One demo run: the learner's settings and the flags the UI thread sets. */
    private static final class Demo {
        final int run;
        volatile DemoState.Settings settings;
        volatile boolean stopped;
        volatile int steps;
        volatile Gil gil;
        volatile EventLoop loop;

        Demo(int run, DemoState.Settings settings) {
            this.run = run;
            this.settings = settings;
        }

        /** Whether to play a frame now: running, or a step asked for while paused. */
        boolean frameDue() {
            if (!settings.paused()) {
                return true;
            }
            if (steps > 0) {
                steps--;
                return true;
            }
            return false;
        }
    }

    // ---- the GIL timeline -----------------------------------------------------------------------

    private void gilDemo(Demo demo, DemoState.Scenario scenario) {
        FakeClock clock = new FakeClock();
        Gil gil = Gil.create(GilOptions.defaults().withClock(clock)
                .withSwitchInterval(Duration.ofNanos(demo.settings.switchIntervalMicros() * 1000)));
        Gil free = Gil.create(GilOptions.defaults().withClock(clock).freeThreaded());
        demo.gil = gil;
        ConcurrentLinkedQueue<GilEvent> gilEvents = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<GilEvent> freeEvents = new ConcurrentLinkedQueue<>();
        gil.addListener(gilEvents::add);
        List<Thread> threads = new ArrayList<>();
        for (String name : scenario.threads) {
            boolean io = name.startsWith("io");
            threads.add(daemon(name, () -> pythonThread(gil, clock, demo, io, gilEvents)));
            threads.add(daemon(name, () -> pythonThread(free, clock, demo, io, freeEvents)));
        }
        threads.forEach(Thread::start);
        try {
            while (!demo.stopped) {
                if (demo.frameDue()) {
                    long advance = (long) (FRAME_ADVANCE_NANOS * demo.settings.factor());
                    for (long moved = 0; moved < advance && !demo.stopped; moved += SUB_STEP_NANOS) {
                        clock.advanceNanos(Math.min(SUB_STEP_NANOS, advance - moved));
                        LockSupport.parkNanos(SUB_STEP_REAL_NANOS);
                    }
                    listener.gilTraced(demo.run, drain(gilEvents), gil.stats(), drain(freeEvents),
                            clock.nanoTime());
                }
                Thread.sleep(FRAME_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            demo.stopped = true;
            clock.advanceNanos(0);
        }
    }

    /**
     * A "Python thread": CPU-bound, calling {@code check()} between steps; or I/O-bound, a short burst of work and
     * then a wait of 2 ms on the demo clock with the GIL released. Without a GIL it reports what it does itself,
     * since there is no lock to report it.
     */
    private static void pythonThread(Gil gil, FakeClock clock, Demo demo, boolean io,
                                     ConcurrentLinkedQueue<GilEvent> events) {
        String name = Thread.currentThread().getName();
        gil.acquire();
        try {
            if (!gil.isEnabled()) {
                events.add(new GilEvent(GilEvent.Kind.ACQUIRED, name, clock.nanoTime()));
            }
            while (!demo.stopped) {
                long burstEnd = clock.nanoTime() + (io ? 500_000 : Long.MAX_VALUE / 4);
                while (!demo.stopped && clock.nanoTime() < burstEnd) {
                    gil.check();
                    LockSupport.parkNanos(50_000); // fake time only moves when the runner says so: no need to spin
                }
                if (io && !demo.stopped) {
                    if (!gil.isEnabled()) {
                        events.add(new GilEvent(GilEvent.Kind.RELEASED_FOR_IO, name, clock.nanoTime()));
                    }
                    long until = clock.nanoTime() + 2_000_000;
                    gil.blockingIo(() -> {
                        while (!demo.stopped && clock.nanoTime() < until) {
                            LockSupport.parkNanos(200_000);
                        }
                        return null;
                    });
                    if (!gil.isEnabled()) {
                        events.add(new GilEvent(GilEvent.Kind.REACQUIRED, name, clock.nanoTime()));
                    }
                }
            }
        } finally {
            gil.release();
        }
    }

    private static <T> List<T> drain(ConcurrentLinkedQueue<T> q) {
        List<T> out = new ArrayList<>();
        T t;
        while ((t = q.poll()) != null) {
            out.add(t);
        }
        return out;
    }

    // ---- the event loop ----------------------------------------------------------------------------

    private void loopDemo(Demo demo) {
        LoopLog silent = new LoopLog() { // the screen shows slow callbacks; stderr would tear it
            @Override
            public void warning(String message) {
            }

            @Override
            public void error(String message, Throwable error) {
            }
        };
        ConcurrentLinkedQueue<LoopEvent> events = new ConcurrentLinkedQueue<>();
        try (EventLoop loop = EventLoop.create(LoopOptions.defaults().withLog(silent)
                .withSlowCallbackDuration(Duration.ofMillis(50)));
             ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress("127.0.0.1", 0));
            LoopWorkload workload = LoopWorkload.install(loop, server, () -> demo.settings.factor());
            loop.addListener(events::add);
            demo.loop = loop;
            while (!demo.stopped) {
                if (demo.frameDue()) {
                    loop.runOnce(); // in real time: no pause between turns, so the waits in select are true
                    listener.loopTraced(demo.run, drain(events));
                } else {
                    Thread.sleep(FRAME_MILLIS);
                }
            }
            workload.close();
        } catch (IOException e) {
            listener.failed(demo.run, "The loop demo could not open a socket: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- the meters ----------------------------------------------------------------------------------

    private void metersDemo(Demo demo) {
        try {
            MetersDemo.run(() -> demo.stopped, demo::frameDue, board -> listener.metersRead(demo.run, board),
                    message -> listener.failed(demo.run, message));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }
}
