package dev.tutor.runtime.bench;

import dev.tutor.runtime.loop.EventLoop;
import dev.tutor.runtime.net.EchoServer;
import dev.tutor.runtime.net.LoopbackServer;
import dev.tutor.runtime.net.ServerOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Echo round trips per second against the bundled {@link EchoServer} (tracing off, and on with a listener
 * that does nothing), Netty on one NIO event-loop thread, a thread-per-connection server on platform
 * threads, the same on virtual threads, Python asyncio (streams and Protocol API, in a {@code python3}
 * child process), the least echo loop the JDK's {@code Selector} allows, and the floor: the same in C on
 * epoll, where {@code gcc} is found. A benchmark, not a test: run it by hand and note the machine.
 *
 * <pre>
 * cd runtime &amp;&amp; mvn -q -o test-compile
 * mvn -q -o dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java -cp target/classes:target/test-classes:$(cat target/cp.txt) dev.tutor.runtime.bench.EchoBench \
 *     [seconds per run, default 2] [connections, default 100] [runs, default 3]
 * </pre>
 *
 * The client is one {@link EventLoop} on the calling thread keeping every connection in ping-pong (send a
 * message, wait for all of it back, send again), so client and server share the machine's cores. The runs
 * are interleaved (run 1 of every server and size, then run 2, ...) so that a burst of load from elsewhere
 * on a shared machine spreads over all servers instead of landing on one; the table gives the medians.
 */
public final class EchoBench {

    /** Message sizes; {@code -Dbench.sizes=1024,10240} picks some. */
    private static final int[] SIZES = java.util.Arrays.stream(System.getProperty("bench.sizes", "1024,10240,102400")
            .split(",")).mapToInt(Integer::parseInt).toArray();
    private static final String[] SIZE_NAMES = java.util.Arrays.stream(SIZES)
            .mapToObj(size -> size % 1024 == 0 ? size / 1024 + " KiB" : size + " B").toArray(String[]::new);
    private static final Duration WARM_UP = Duration.ofMillis(500);

    private EchoBench() {
    }

    private interface ServerFactory {
        LoopbackServer start() throws Exception;
    }

    /** A server to measure; {@code loopThread} prefixes the name of its one event-loop thread, or is null. */
    private record Contender(String name, ServerFactory factory, String loopThread) {
        Contender(String name, ServerFactory factory) {
            this(name, factory, null);
        }
    }

    /**
     * One measured run. The loop-thread figures (user and kernel CPU µs and bytes allocated per round trip,
     * of the server's single event-loop thread) are NaN for servers without one.
     */
    private record Sample(double tripsPerSecond, double cpuMicros, double userMicros, double kernelMicros,
                          double allocatedBytes) {
    }

    public static void main(String[] args) throws Exception {
        Duration run = Duration.ofSeconds(args.length > 0 ? Long.parseLong(args[0]) : 2);
        int connections = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        List<Contender> contenders = List.of( // the order in which each round runs them
                new Contender("bundled loop", () -> EchoServer.start(), "tutor-echo-server-"),
                new Contender("bundled loop, traced",
                        () -> EchoServer.start(ServerOptions.defaults().withListener(event -> { })), "tutor-echo-server-"),
                new Contender("netty 1 NIO thread", NettyEchoServer::new, "multiThreadIoEventLoopGroup"),
                new Contender("platform thread/conn", () -> new BlockingEchoServer(false)),
                new Contender("virtual thread/conn", () -> new BlockingEchoServer(true)),
                new Contender("asyncio streams", () -> ChildEchoServer.asyncio("streams")),
                new Contender("asyncio protocol", () -> ChildEchoServer.asyncio("protocol")),
                new Contender("plain Selector loop", PlainSelectorEchoServer::new, PlainSelectorEchoServer.THREAD),
                new Contender("C epoll (the floor)", ChildEchoServer::cEpoll));
        // -Dbench.servers=bundled,netty keeps the servers whose names start with one of these.
        String only = System.getProperty("bench.servers");
        if (only != null) {
            List<String> prefixes = List.of(only.split(","));
            contenders = contenders.stream().filter(c -> prefixes.stream().anyMatch(c.name()::startsWith)).toList();
        }
        if (contenders.stream().anyMatch(c -> c.name().startsWith("C ")) && !ChildEchoServer.canBuildC()) {
            contenders = contenders.stream().filter(c -> !c.name().startsWith("C ")).toList();
        }
        System.out.printf(Locale.ROOT, "Echo round trips per second, %d connections, %d s per run, %d runs, %d cores,"
                        + " Java %s, %s%n", connections, run.toSeconds(), runs,
                Runtime.getRuntime().availableProcessors(), Runtime.version(), pythonVersion());

        Sample[][][] samples = new Sample[contenders.size()][SIZES.length][runs];
        // Run 0 is a warm-up pass over every server and size (JIT, page cache, Python start-up), not kept.
        for (int r = 0; r <= runs; r++) {
            for (int s = 0; s < SIZES.length; s++) {
                for (int c = 0; c < contenders.size(); c++) {
                    Contender contender = contenders.get(c);
                    try (LoopbackServer server = contender.factory().start()) {
                        pingPong(server.address(), connections, SIZES[s], WARM_UP);
                        if (r == 0) continue;
                        Sample sample = measure(server, contender, connections, SIZES[s], run);
                        samples[c][s][r - 1] = sample;
                        System.out.printf(Locale.ROOT, "  run %d %-7s %-22s %8.0f rt/s  server CPU %6.2f µs/rt%s%n", r,
                                SIZE_NAMES[s], contender.name(), sample.tripsPerSecond(), sample.cpuMicros(),
                                Double.isNaN(sample.userMicros()) ? "" : String.format(Locale.ROOT,
                                        "  loop thread: user %.2f + kernel %.2f µs/rt, %.1f B/rt allocated",
                                        sample.userMicros(), sample.kernelMicros(), sample.allocatedBytes()));
                    }
                }
            }
        }
        printTable(contenders, pick(samples, Sample::tripsPerSecond));
        printCpuTable(contenders, pick(samples, Sample::cpuMicros));
        printLoopThreadTable(contenders, samples);
    }

    private static Sample measure(LoopbackServer server, Contender contender, int connections, int size, Duration run)
            throws IOException {
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long loopThread = contender.loopThread() == null ? -1 : threadId(contender.loopThread());
        long cpuBefore = serverCpuNanos(server);
        long userBefore = loopThread < 0 ? 0 : threads.getThreadUserTime(loopThread);
        long totalBefore = loopThread < 0 ? 0 : threads.getThreadCpuTime(loopThread);
        long allocatedBefore = loopThread < 0 ? 0 : threads.getThreadAllocatedBytes(loopThread);
        long trips = Math.max(1, pingPong(server.address(), connections, size, run));
        double cpu = (serverCpuNanos(server) - cpuBefore) / 1e3 / trips;
        double user = Double.NaN;
        double kernel = Double.NaN;
        double allocated = Double.NaN;
        if (loopThread >= 0) {
            long userNanos = threads.getThreadUserTime(loopThread) - userBefore;
            user = userNanos / 1e3 / trips;
            kernel = (threads.getThreadCpuTime(loopThread) - totalBefore - userNanos) / 1e3 / trips;
            allocated = (threads.getThreadAllocatedBytes(loopThread) - allocatedBefore) / (double) trips;
        }
        return new Sample(trips / (run.toNanos() / 1e9), cpu, user, kernel, allocated);
    }

    private static long threadId(String namePrefix) {
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().startsWith(namePrefix)) return thread.threadId();
        }
        throw new IllegalStateException("No server thread named " + namePrefix + "...");
    }

    private static double[][][] pick(Sample[][][] samples, java.util.function.ToDoubleFunction<Sample> field) {
        double[][][] values = new double[samples.length][][];
        for (int c = 0; c < samples.length; c++) {
            values[c] = new double[samples[c].length][];
            for (int s = 0; s < samples[c].length; s++) {
                values[c][s] = java.util.Arrays.stream(samples[c][s]).mapToDouble(field).toArray();
            }
        }
        return values;
    }

    private static void printLoopThreadTable(List<Contender> contenders, Sample[][][] samples) {
        System.out.println();
        System.out.println("The server's event-loop thread per round trip (medians): user µs + kernel µs, bytes allocated");
        System.out.println(header(26));
        double[][][] user = pick(samples, Sample::userMicros);
        double[][][] kernel = pick(samples, Sample::kernelMicros);
        double[][][] allocated = pick(samples, Sample::allocatedBytes);
        for (int c = 0; c < contenders.size(); c++) {
            if (contenders.get(c).loopThread() == null) continue;
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-22s", contenders.get(c).name()));
            for (int s = 0; s < SIZES.length; s++) {
                line.append(String.format(Locale.ROOT, " %5.2f + %5.2f, %6.1f B    ", median(user[c][s]),
                        median(kernel[c][s]), median(allocated[c][s])));
            }
            System.out.println(line.toString().stripTrailing());
        }
    }

    /**
     * CPU the server spent, in nanoseconds so far: a child process's own CPU time, or for a server in this
     * JVM the process's CPU time less this (client) thread's, which charges GC and JIT to the server.
     */
    private static long serverCpuNanos(LoopbackServer server) {
        if (server instanceof ChildEchoServer child) {
            return child.cpuNanos();
        }
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os.getProcessCpuTime() - java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    private static void printCpuTable(List<Contender> contenders, double[][][] cpu) {
        int streams = indexOf(contenders, "asyncio streams");
        System.out.println();
        System.out.println("Server CPU per round trip, µs (medians); in brackets: asyncio streams' CPU / this server's"
                + " (median of each round's ratio)");
        System.out.println(header(18));
        for (int c = 0; c < contenders.size(); c++) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-22s", contenders.get(c).name()));
            for (int s = 0; s < SIZES.length; s++) {
                double median = median(cpu[c][s]);
                line.append(String.format(Locale.ROOT, " %6.2f (%4.2f)     ", median, ratio(cpu, streams, c, s)));
            }
            System.out.println(line.toString().stripTrailing());
        }
        int bundled = indexOf(contenders, "bundled loop");
        int floor = indexOf(contenders, "C epoll (the floor)");
        if (bundled >= 0 && floor >= 0) {
            StringBuilder line = new StringBuilder("the bundled loop's CPU over the C floor's (median of each round's ratio):");
            for (int s = 0; s < SIZES.length; s++) {
                line.append(String.format(Locale.ROOT, " %s %.2f", SIZE_NAMES[s], ratio(cpu, bundled, floor, s)));
            }
            System.out.println(line);
        }
    }

    private static void printTable(List<Contender> contenders, double[][][] results) {
        int netty = indexOf(contenders, "netty 1 NIO thread");
        int streams = indexOf(contenders, "asyncio streams");
        System.out.println();
        System.out.println("Medians (round trips/s); in brackets: x Netty, x asyncio streams (medians of each round's ratio)");
        System.out.println(header(24));
        for (int c = 0; c < contenders.size(); c++) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-22s", contenders.get(c).name()));
            for (int s = 0; s < SIZES.length; s++) {
                double median = median(results[c][s]);
                line.append(String.format(Locale.ROOT, " %8.0f (%4.2f, %4.2f)     ", median,
                        ratio(results, c, netty, s), ratio(results, c, streams, s)));
            }
            System.out.println(line.toString().stripTrailing());
        }
        int plain = indexOf(contenders, "bundled loop");
        int traced = indexOf(contenders, "bundled loop, traced");
        StringBuilder cost = new StringBuilder("tracing cost (1 - traced/untraced):");
        for (int s = 0; s < SIZES.length; s++) {
            cost.append(String.format(Locale.ROOT, " %s %+.1f%%", SIZE_NAMES[s],
                    100 * (1 - ratio(results, traced, plain, s))));
        }
        System.out.println(cost);
    }

    private static String header(int width) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-22s", "server"));
        for (String size : SIZE_NAMES) line.append(String.format(Locale.ROOT, " %-" + width + "s", size));
        return line.toString().stripTrailing();
    }

    /** Returns the index of the named server, or -1 when it was left out of this run. */
    private static int indexOf(List<Contender> contenders, String name) {
        for (int i = 0; i < contenders.size(); i++) {
            if (contenders.get(i).name().equals(name)) return i;
        }
        return -1;
    }

    /**
     * The median over the rounds of {@code top}'s figure divided by {@code bottom}'s in the same round: two
     * servers measured minutes apart on a shared machine can see different neighbours, one round apart
     * seconds apart mostly the same, so the ratio of a round is steadier than the ratio of two medians.
     */
    private static double ratio(double[][][] values, int top, int bottom, int size) {
        if (top < 0 || bottom < 0) return Double.NaN;
        double[] ratios = new double[values[top][size].length];
        for (int r = 0; r < ratios.length; r++) ratios[r] = values[top][size][r] / values[bottom][size][r];
        return median(ratios);
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static String pythonVersion() {
        try {
            Process python = new ProcessBuilder("python3", "--version").redirectErrorStream(true).start();
            String version = new String(python.getInputStream().readAllBytes()).trim();
            python.waitFor(5, TimeUnit.SECONDS);
            return version;
        } catch (IOException e) {
            return "no python3 (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "python3 unknown";
        }
    }

    /** Keeps every connection in ping-pong for {@code run}; returns completed round trips. */
    static long pingPong(InetSocketAddress address, int connections, int size, Duration run) throws IOException {
        long[] trips = {0};
        List<SocketChannel> channels = new ArrayList<>();
        try (EventLoop loop = EventLoop.create()) {
            for (int i = 0; i < connections; i++) {
                SocketChannel channel = SocketChannel.open(address);
                channel.configureBlocking(false);
                channels.add(channel);
                new PingPong(loop, channel, size, trips).start();
            }
            loop.callLater(run, loop::stop);
            loop.runForever();
        } finally {
            for (SocketChannel channel : channels) channel.close();
        }
        return trips[0];
    }

    /** One client connection: send the message, read it all back, count, repeat. */
    private static final class PingPong {
        private final EventLoop loop;
        private final SocketChannel channel;
        private final ByteBuffer out;
        private final ByteBuffer in;
        private final long[] trips;

        PingPong(EventLoop loop, SocketChannel channel, int size, long[] trips) {
            this.loop = loop;
            this.channel = channel;
            this.out = ByteBuffer.allocate(size);
            this.in = ByteBuffer.allocate(size);
            this.trips = trips;
        }

        void start() throws IOException {
            loop.addReader(channel, this::onReadable);
            send();
        }

        private void send() throws IOException {
            out.clear();
            channel.write(out);
            if (out.hasRemaining()) loop.addWriter(channel, this::onWritable);
        }

        private void onWritable() {
            try {
                channel.write(out);
                if (!out.hasRemaining()) loop.removeWriter(channel);
            } catch (IOException e) {
                loop.removeWriter(channel);
            }
        }

        private void onReadable() {
            try {
                if (channel.read(in) < 0) {
                    loop.removeReader(channel);
                    return;
                }
                if (!in.hasRemaining() && !out.hasRemaining()) {
                    trips[0]++;
                    in.clear();
                    send();
                }
            } catch (IOException e) {
                loop.removeReader(channel);
            }
        }
    }
}
