package dev.tutor.runtime.meter;

import dev.tutor.runtime.time.Clock;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Three echo servers side by side, each kept busy by its own probe clients and metered: a thread per client,
 * busy polling, and one Selector, which also has a {@link SlowReader}. What the meters of lessons 7 to 9 show;
 * knows nothing of any screen.
 *
 * <p>Everything binds to 127.0.0.1 on ports the system picks and runs in this process. {@link #read()} may be
 * called from any one thread; {@link #close()} stops the clients, then the servers, and returns once every thread
 * has ended and every socket is closed.
 */
public final class EchoMeters implements AutoCloseable {
    /** The probes the meters run by default: light load, so that what a server costs idle-ish shows. */
    public static final ProbeClients.Plan LIGHT = new ProbeClients.Plan(3, 32, Duration.ofMillis(20), 60_000,
            Duration.ofMinutes(10));
    /** How often the Selector server's slow reader sends a burst. */
    public static final Duration SLOW_READER_EVERY = Duration.ofSeconds(2);
    /** Latencies and request rates are over this window. */
    static final long WINDOW_NANOS = 1_000_000_000L;

    /** One server with what watches it. */
    private record Metered(MeteredServer server, LatencyWindow window, ProbeClients probes, CpuMeter cpu) {
    }

    private final List<MeteredServer> servers = new ArrayList<>();
    private final List<Metered> metered = new ArrayList<>();
    private SelectorServer selector;
    private SlowReader slowReader;

    private EchoMeters() {
    }

    /** Starts the three servers and their probes with {@code plan}, on the machine's clock. */
    public static EchoMeters start(ProbeClients.Plan plan) throws IOException {
        EchoMeters meters = new EchoMeters();
        try {
            // The selector first, while nothing else is opening one: so its epoll descriptor can be told apart.
            meters.selector = SelectorServer.start();
            meters.servers.add(ThreadPerClientServer.start());
            meters.servers.add(BusyPollServer.start());
            meters.servers.add(meters.selector);
            for (MeteredServer server : meters.servers) {
                LatencyWindow window = new LatencyWindow(Clock.system(), WINDOW_NANOS);
                ProbeClients probes = ProbeClients.start(server.address(), plan, window, Clock.system());
                meters.metered.add(new Metered(server, window, probes, CpuMeter.ofThisJvm()));
            }
            // Not timed: its echoes wait on purpose, so that write interest shows in the kernel's view.
            meters.slowReader = SlowReader.start(meters.selector.address(), SLOW_READER_EVERY,
                    plan.maxTime().toNanos() / SLOW_READER_EVERY.toNanos() + 1, plan.maxTime(), Clock.system());
        } catch (IOException | RuntimeException e) {
            meters.close();
            throw e;
        }
        return meters;
    }

    /** One reading a server, in the order thread per client, busy polling, Selector. */
    public List<MeterReading> read() {
        List<MeterReading> out = new ArrayList<>();
        for (Metered m : metered) {
            List<Long> threads = m.server().threadIds();
            LatencyWindow.Stats stats = m.window().stats();
            double cpu = m.cpu() == null ? -1 : m.cpu().percentOfOneCore(threads);
            out.add(new MeterReading(m.server().name(), threads.size(), stats.perSecond(), stats.medianNanos(),
                    stats.worstNanos(), cpu));
        }
        return out;
    }

    /** Waits until every probe client has stopped by its bounds: for tests, whose plans are short. */
    void awaitProbesDone() throws InterruptedException {
        for (Metered m : metered) {
            m.probes().awaitDone();
        }
    }

    /** The Selector server's epoll descriptor, for the kernel's view; empty off Linux or when unknown. */
    public Optional<Integer> selectorEpollFd() {
        return selector == null ? Optional.empty() : selector.epollFd();
    }

    /** The port of the Selector server's slow reader, or 0 before it started. */
    public int slowReaderPort() {
        return slowReader == null ? 0 : slowReader.localPort();
    }

    @Override
    public void close() {
        if (slowReader != null) {
            slowReader.close();
        }
        metered.forEach(m -> m.probes().close());
        servers.forEach(MeteredServer::close);
        if (selector != null && !servers.contains(selector)) {
            selector.close();
        }
    }
}
