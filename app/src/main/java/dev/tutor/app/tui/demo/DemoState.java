package dev.tutor.app.tui.demo;

import java.util.List;

/**
 * The demo runner's part of the screen state: which demo, the learner's controls, the prediction and the traces
 * received so far. Immutable; the tutor's update makes the next one.
 *
 * @param kind        which demo
 * @param scenario    the GIL demo's workload (ignored by the loop demo)
 * @param lessonId    the lesson to go back to
 * @param run         the number of the run under way; messages of older runs are dropped
 * @param phase       predicting, measuring or running
 * @param guess       the learner's prediction, 1 faster, 2 the same, 3 slower; 0 before they chose
 * @param measurement what was measured, or null while not yet
 * @param settings    pause, speed and switch interval
 * @param showFree    whether the free-threaded panel is shown beside the GIL one
 * @param gil         the GIL panel's trace
 * @param free        the free-threaded panel's trace
 * @param loop        the event loop's turns
 * @param meters      the echo servers' meters, latest look
 * @param message     a line about a failure, or empty
 */
public record DemoState(Kind kind, Scenario scenario, String lessonId, int run, Phase phase, int guess,
                 GilMeasurement measurement, Settings settings, boolean showFree, GilTrace gil, GilTrace free,
                 LoopTrace loop, MeterBoard meters, String message) {

    /** The GIL timeline, the event-loop trace, or three echo servers' live meters. */
    public enum Kind { GIL, LOOP, METERS }

    public enum Phase { PREDICT, MEASURING, RUNNING }

    /** The GIL demo's workloads. */
    public enum Scenario {
        TWO_CPU("two CPU-bound threads", List.of("cpu-1", "cpu-2")),
        CPU_AND_IO("a CPU-bound and an I/O-bound thread (convoy)", List.of("cpu", "io"));

        final String title;
        final List<String> threads;

        Scenario(String title, List<String> threads) {
            this.title = title;
            this.threads = threads;
        }

        public Scenario next() {
            return values()[(ordinal() + 1) % values().length];
        }
    }

    /** The switch intervals {@code [} and {@code ]} step through, in microseconds. */
    static final long[] INTERVALS_MICROS = {1_000, 2_000, 5_000, 10_000, 20_000};
    /** Speeds {@code -} and {@code +} step through, as labels; index 2 is normal speed. */
    public static final String[] SPEEDS = {"¼×", "½×", "1×", "2×", "4×"};
    static final int NORMAL_SPEED = 2;
    static final int DEFAULT_INTERVAL = 2; // 5 ms, CPython's default

    /**
     * What the learner controls while a demo runs.
     *
     * @param paused   whether the demo is paused
     * @param speed    an index into {@link #SPEEDS}
     * @param interval an index into {@link #INTERVALS_MICROS}
     */
    public record Settings(boolean paused, int speed, int interval) {
        public static final Settings DEFAULT = new Settings(false, NORMAL_SPEED, DEFAULT_INTERVAL);

        public long switchIntervalMicros() {
            return INTERVALS_MICROS[interval];
        }

        /** Speed as a factor of normal: ¼ to 4. */
        double factor() {
            return Math.pow(2, speed - NORMAL_SPEED);
        }

        public Settings withPaused(boolean p) {
            return new Settings(p, speed, interval);
        }

        public Settings withSpeed(int s) {
            return new Settings(paused, Math.clamp(s, 0, SPEEDS.length - 1), interval);
        }

        public Settings withInterval(int i) {
            return new Settings(paused, speed, Math.clamp(i, 0, INTERVALS_MICROS.length - 1));
        }
    }

    public DemoState {
        message = message == null ? "" : message;
    }

    /** The GIL demo, asking for the prediction first. */
    public static DemoState gil(String lessonId, Scenario scenario, int run) {
        return new DemoState(Kind.GIL, scenario, lessonId, run, Phase.PREDICT, 0, null, Settings.DEFAULT, true,
                GilTrace.EMPTY, GilTrace.EMPTY, LoopTrace.EMPTY, MeterBoard.EMPTY, "");
    }

    /** The event-loop trace, running at once. */
    public static DemoState loop(String lessonId, int run) {
        return new DemoState(Kind.LOOP, Scenario.TWO_CPU, lessonId, run, Phase.RUNNING, 0, null, Settings.DEFAULT,
                false, GilTrace.EMPTY, GilTrace.EMPTY, LoopTrace.EMPTY, MeterBoard.EMPTY, "");
    }

    /** Three echo servers' live meters, running at once. */
    public static DemoState meters(String lessonId, int run) {
        return new DemoState(Kind.METERS, Scenario.TWO_CPU, lessonId, run, Phase.RUNNING, 0, null, Settings.DEFAULT,
                false, GilTrace.EMPTY, GilTrace.EMPTY, LoopTrace.EMPTY, MeterBoard.EMPTY, "");
    }

    public DemoState withRun(int r, Scenario s) {
        return new DemoState(kind, s, lessonId, r, phase, guess, measurement, settings, showFree, GilTrace.EMPTY,
                GilTrace.EMPTY, LoopTrace.EMPTY, MeterBoard.EMPTY, "");
    }

    public DemoState withPhase(Phase p, int g) {
        return new DemoState(kind, scenario, lessonId, run, p, g, measurement, settings, showFree, gil, free, loop,
                meters, message);
    }

    public DemoState withMeasurement(GilMeasurement m) {
        return new DemoState(kind, scenario, lessonId, run, Phase.RUNNING, guess, m, settings, showFree, gil, free,
                loop, meters, message);
    }

    public DemoState withSettings(Settings s) {
        return new DemoState(kind, scenario, lessonId, run, phase, guess, measurement, s, showFree, gil, free, loop,
                meters, message);
    }

    public DemoState withShowFree(boolean on) {
        return new DemoState(kind, scenario, lessonId, run, phase, guess, measurement, settings, on, gil, free, loop,
                meters, message);
    }

    public DemoState withGil(GilTrace g, GilTrace f) {
        return new DemoState(kind, scenario, lessonId, run, phase, guess, measurement, settings, showFree, g, f, loop,
                meters, message);
    }

    public DemoState withLoop(LoopTrace l) {
        return new DemoState(kind, scenario, lessonId, run, phase, guess, measurement, settings, showFree, gil, free,
                l, meters, message);
    }

    public DemoState withMeters(MeterBoard m) {
        return new DemoState(kind, scenario, lessonId, run, phase, guess, measurement, settings, showFree, gil, free,
                loop, m, message);
    }

    public DemoState withMessage(String m) {
        return new DemoState(kind, scenario, lessonId, run, phase, guess, measurement, settings, showFree, gil, free,
                loop, meters, m);
    }
}
