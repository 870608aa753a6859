package dev.tutor.exercises.waiting;

import dev.tutor.exercises.waiting.HeaderReport.Step;
import dev.tutor.exercises.waiting.HeaderReport.Steps;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * The steps {@link HeaderReportTest} gives run(), drawn at random for every run: a fetch that waits while a fake
 * server computes on a thread of its own, or one answered from memory; format and join steps that compute for a
 * set CPU time or wait; a write that waits for a slow disk, computes, or just writes. Each reads both clocks of
 * its own thread first and last thing, notes the thread it ran on and what it was given, and one of them may be
 * told to fail. Not a test itself.
 */
final class FakeSteps implements Steps {
    static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** Where the computing steps leave their arithmetic, so that the JIT cannot discard the loop. */
    private static volatile long blackhole;

    /** What one step does in a run, and how to say it. */
    record Work(String what, Runnable body, long serverNanos) {
        static Work server(long cpuNanos) {
            return new Work("it waited while the fake server computed for " + readable(cpuNanos)
                    + " on a thread of its own", null, cpuNanos);
        }

        static Work memory(long cpuNanos) {
            return new Work("answered from memory after computing for " + readable(cpuNanos),
                    () -> spinFor(cpuNanos), 0);
        }

        static Work compute(long cpuNanos) {
            return new Work("it computed for " + readable(cpuNanos), () -> spinFor(cpuNanos), 0);
        }

        static Work waitFor(long nanos) {
            return new Work("it waited " + readable(nanos), () -> sleep(nanos), 0);
        }

        static Work slowDisk(long nanos) {
            return new Work("it waited " + readable(nanos) + " for a slow disk", () -> sleep(nanos), 0);
        }

        static Work none() {
            return new Work("it wrote the file and nothing more", () -> { }, 0);
        }
    }

    /** A random pipeline: each step waits, computes or does nothing more, for up to {@code most} ns. */
    static Map<Step, Work> randomPlan(Random random, int most) {
        Map<Step, Work> plan = new EnumMap<>(Step.class);
        plan.put(Step.FETCH, random.nextBoolean() ? Work.server(1 + random.nextInt(most))
                : Work.memory(1 + random.nextInt(most)));
        for (Step step : List.of(Step.FORMAT, Step.JOIN)) {
            plan.put(step, random.nextBoolean() ? Work.compute(1 + random.nextInt(most))
                    : Work.waitFor(1 + random.nextInt(most)));
        }
        plan.put(Step.WRITE, switch (random.nextInt(3)) {
            case 0 -> Work.slowDisk(1 + random.nextInt(most));
            case 1 -> Work.compute(1 + random.nextInt(most));
            default -> Work.none();
        });
        return plan;
    }

    final Map<Step, Work> plan;
    final Map<String, List<String>> fetched;
    final Step failing;
    final Exception failure;
    final List<Step> calls = Collections.synchronizedList(new ArrayList<>());
    final Map<Step, long[]> inside = Collections.synchronizedMap(new EnumMap<>(Step.class));
    final Map<Step, Thread> threads = Collections.synchronizedMap(new EnumMap<>(Step.class));
    final AtomicReference<Duration> serverCpu = new AtomicReference<>(Duration.ZERO);
    volatile Object formatGot;
    volatile List<String> formatted;
    volatile Object joinGot;
    volatile String joined;
    volatile Object writeGot;
    volatile Path writeFile;

    FakeSteps(Map<Step, Work> plan, Map<String, List<String>> headers, Step failing, Exception failure) {
        this.plan = plan;
        this.fetched = headers;
        this.failing = failing;
        this.failure = failure;
    }

    @Override
    public Map<String, List<String>> fetch() throws IOException {
        long[] clocks = begin(Step.FETCH);
        Work work = plan.get(Step.FETCH);
        if (work.body() != null) {
            work.body().run();
        } else {
            askTheFakeServer(work.serverNanos());
        }
        end(Step.FETCH, clocks);
        return fetched;
    }

    @Override
    public List<String> format(Map<String, List<String>> headers) {
        formatGot = headers;
        long[] clocks = beginUnchecked(Step.FORMAT);
        plan.get(Step.FORMAT).body().run();
        List<String> lines = Steps.super.format(headers);
        end(Step.FORMAT, clocks);
        formatted = lines;
        return lines;
    }

    @Override
    public String join(List<String> lines) {
        joinGot = lines;
        long[] clocks = beginUnchecked(Step.JOIN);
        plan.get(Step.JOIN).body().run();
        String text = Steps.super.join(lines);
        end(Step.JOIN, clocks);
        joined = text;
        return text;
    }

    @Override
    public void write(Path file, String text) throws IOException {
        writeGot = text;
        writeFile = file;
        long[] clocks = begin(Step.WRITE);
        plan.get(Step.WRITE).body().run();
        Steps.super.write(file, text);
        end(Step.WRITE, clocks);
    }

    /** Notes the call, fails if this is the step that must fail, and reads both clocks. */
    private long[] begin(Step step) throws IOException {
        calls.add(step);
        threads.put(step, Thread.currentThread());
        if (step == failing) {
            if (failure instanceof IOException io) {
                throw io;
            }
            throw (RuntimeException) failure;
        }
        return clocks();
    }

    /** The same for format and join, which may throw only unchecked exceptions. */
    private long[] beginUnchecked(Step step) {
        try {
            return begin(step);
        } catch (IOException e) {
            throw new AssertionError("the test gave the " + name(step) + " step a checked exception", e);
        }
    }

    private static long[] clocks() {
        long wall = System.nanoTime();
        return new long[] {wall, THREADS.getCurrentThreadCpuTime()};
    }

    private void end(Step step, long[] start) {
        long cpu = THREADS.getCurrentThreadCpuTime();
        long wall = System.nanoTime();
        inside.put(step, new long[] {start[0], wall, start[1], cpu});
    }

    /** A server on a thread of its own computes the reply; the fetch waits for it to finish. */
    private void askTheFakeServer(long cpuNanos) {
        Thread server = new Thread(() -> {
            long start = THREADS.getCurrentThreadCpuTime();
            spinFor(cpuNanos);
            serverCpu.set(Duration.ofNanos(THREADS.getCurrentThreadCpuTime() - start));
        }, "fake-server");
        server.setDaemon(true);
        server.start();
        try {
            server.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the fake server", e);
        }
    }

    static String name(Step step) {
        return step.name().toLowerCase(Locale.ROOT);
    }

    /** A duration in the unit a person reads most easily: 1.2 ms, 412 \u00b5s, 201 ns. */
    static String readable(long nanos) {
        if (nanos >= 1_000_000) {
            return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
        }
        if (nanos >= 1_000) {
            return nanos / 1_000 + " \u00b5s";
        }
        return nanos + " ns";
    }

    static void sleep(long nanos) {
        try {
            Thread.sleep(Duration.ofNanos(nanos));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sleeping", e);
        }
    }

    /**
     * Busy until this thread has used {@code cpuNanos} of CPU, however long that takes on the wall clock. On a
     * virtual thread, whose CPU clock answers -1, busy for that long on the wall clock instead: a run() that refuses
     * a virtual thread only after its steps must come back and be told so, not spin for ever here.
     */
    static void spinFor(long cpuNanos) {
        boolean noCpuClock = THREADS.getCurrentThreadCpuTime() < 0;
        LongSupplier clock = noCpuClock ? System::nanoTime : THREADS::getCurrentThreadCpuTime;
        long until = clock.getAsLong() + cpuNanos;
        long sink = 0;
        while (clock.getAsLong() < until) {
            for (int i = 0; i < 100; i++) {
                sink += i * 31L ^ sink;
            }
        }
        blackhole = sink;
    }
}
