package dev.tutor.lessons.javaanswers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingStream;

/**
 * One JDK's part of {@link PinningLabDemo}, run in a child JVM started with that JDK's {@code java} and
 * {@code -Djdk.virtualThreadScheduler.parallelism=2}: {@code PinningLabChild PORT DELAY_MS}.
 *
 * <p>It streams the JFR event {@code jdk.VirtualThreadPinned} live from its own JVM and prints each event
 * as it arrives, then runs three scenes of {@link #THREADS} virtual threads, each fetching a page the slow
 * server on 127.0.0.1:PORT answers after DELAY_MS: plain; inside a {@code synchronized} block; inside a
 * class initializer. With two carriers, a scene whose threads pin them takes two rounds instead of one.
 * JDK 21 to 23 pin in the second scene; from JDK 24 (JEP 491) only the third pins. Where the JDK's pollers
 * are virtual threads (Linux, JDK 22 and later), a pinned read may wait for its time-out instead: see
 * {@link #PINNED_READ_TIMEOUT}.
 */
public final class PinningLabChild {

    /** Virtual threads per scene: twice the carriers, so that pinning shows as a second round. */
    static final int THREADS = 4;
    private static final Duration EVENT_WAIT = Duration.ofSeconds(5);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
    /**
     * The read time-out in the scenes that may pin. A read that nobody wakes ends at its time-out, and a
     * pinned read on JDK 22 or later on Linux is such a read when every carrier is pinned: the poller that
     * would wake it runs on virtual threads (sub-pollers), which need a carrier too. The time-out keeps
     * that wait short.
     */
    static final Duration PINNED_READ_TIMEOUT = Duration.ofSeconds(2);
    private static final Object[] LOCKS = {new Object(), new Object(), new Object(), new Object()};
    private static volatile InetSocketAddress server;
    private static volatile String path;

    private PinningLabChild() {
    }

    public static void main(String[] args) throws Exception {
        server = new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0]));
        path = "/delay/" + Integer.parseInt(args[1]);
        System.out.printf("java %s, %s carriers (jdk.virtualThreadScheduler.parallelism)%n",
                System.getProperty("java.version"), System.getProperty("jdk.virtualThreadScheduler.parallelism", "?"));
        long origin = System.nanoTime();
        AtomicInteger pinned = new AtomicInteger();
        try (RecordingStream stream = new RecordingStream()) {
            stream.enable("jdk.VirtualThreadPinned")
                    .withThreshold(Duration.ofMillis(20)).withStackTrace();
            stream.onEvent("jdk.VirtualThreadPinned", event -> {
                pinned.incrementAndGet();
                System.out.println("  JFR, live: " + describe(event, origin));
            });
            stream.startAsync();
            Thread.ofVirtual().start(PinningLabChild::fetch).join(); // first use starts the pollers: no scene's
            System.out.println("  the JDK's poller platform threads: " + pollerThreads());

            scene("plain: fetch on a virtual thread", origin, i -> fetch());
            scene("synchronized: fetch while holding a monitor", origin, i -> {
                synchronized (LOCKS[i]) {      // a lock of its own: nobody waits for it, it is only held
                    fetch(PINNED_READ_TIMEOUT);
                }
            });
            scene("class initializer: fetch inside static { }", origin, PinningLabChild::initialize);

            long until = System.nanoTime() + EVENT_WAIT.toNanos();
            int expected = pinned.get();
            while (System.nanoTime() < until) {       // JFR hands events over about once a second
                Thread.sleep(250);
                if (pinned.get() > expected) {
                    expected = pinned.get();
                    until = Math.min(until, System.nanoTime() + Duration.ofMillis(1500).toNanos());
                }
            }
        }
        System.out.println("jdk.VirtualThreadPinned events in all: " + pinned.get());
    }

    /** Starts {@link #THREADS} virtual threads running {@code body(i)}, joins them, prints how long it took. */
    private static void scene(String title, long origin, IntConsumer body) throws InterruptedException {
        long start = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        String tag = title.substring(0, title.indexOf(':'));
        for (int i = 0; i < THREADS; i++) {
            int index = i;
            threads.add(Thread.ofVirtual().name(tag + "-" + i).start(() -> body.accept(index)));
        }
        for (Thread thread : threads) {
            thread.join(Duration.ofSeconds(30));
        }
        System.out.printf("  [+%.2f s] %-46s %d threads took %4.0f ms%n", (start - origin) / 1e9, title, THREADS,
                (System.nanoTime() - start) / 1e6);
    }

    /** The names of the platform threads whose name says they poll: Read-Poller, Write-Poller, MasterPoller. */
    private static String pollerThreads() {
        List<String> names = new ArrayList<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().contains("Poller")) {
                names.add(thread.getName());
            }
        }
        names.sort(null);
        return names.isEmpty() ? "none" : String.join(", ", names)
                + (names.contains("MasterPoller") ? " (the sub-pollers under it are virtual threads)" : "");
    }

    /** One event on one line: when, which virtual thread, how long, and why, where this JDK says. */
    private static String describe(RecordedEvent event, long origin) {
        StringBuilder line = new StringBuilder(String.format("pinned %s for %.0f ms", event.getThread().getJavaName(),
                event.getDuration().toNanos() / 1e6));
        if (event.hasField("carrierThread") && event.getThread("carrierThread") != null) {
            line.append(" on ").append(event.getThread("carrierThread").getJavaName());
        }
        StringBuilder why = new StringBuilder();
        if (event.hasField("blockingOperation")) {
            why.append("blocked in ").append(event.getString("blockingOperation"));
        }
        if (event.hasField("pinnedReason")) {
            why.append(", because: ").append(event.getString("pinnedReason")
                    .replace(PinningLabChild.class.getPackageName() + ".", ""));
        }
        if (why.isEmpty() && event.getStackTrace() != null) { // JDK 21 to 23 give no reason: the frames show it
            for (RecordedFrame frame : event.getStackTrace().getFrames()) {
                String type = frame.getMethod().getType().getName();
                if (type.startsWith(PinningLabChild.class.getName())) {
                    why.append("in ").append(type.substring(type.lastIndexOf('.') + 1)).append('.')
                            .append(frame.getMethod().getName());
                    break;
                }
            }
        }
        if (!why.isEmpty()) {
            line.append(System.lineSeparator()).append("             ").append(why);
        }
        return line.toString();
    }

    /** GET the page on a blocking socket and read it to the end. */
    static void fetch() {
        fetch(READ_TIMEOUT);
    }

    /** GET the page on a blocking socket with a read time-out of {@code timeout}, and read it to the end. */
    static void fetch(Duration timeout) {
        try (Socket socket = new Socket()) {
            socket.connect(server, 10_000);
            socket.setSoTimeout((int) timeout.toMillis());
            socket.getOutputStream().write(FetchRun.request(path));
            socket.getInputStream().readAllBytes();    // the thread blocks here until the answer comes
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Initializes the {@code index}th of four classes whose static initializer fetches. */
    private static void initialize(int index) {
        int touched = switch (index) {
            case 0 -> Init0.READY;
            case 1 -> Init1.READY;
            case 2 -> Init2.READY;
            default -> Init3.READY;
        };
        if (touched != 1) {
            throw new IllegalStateException("class " + index + " not initialized");
        }
    }

    private static final class Init0 {
        static final int READY;

        static {
            fetch(PINNED_READ_TIMEOUT);
            READY = 1;
        }
    }

    private static final class Init1 {
        static final int READY;

        static {
            fetch(PINNED_READ_TIMEOUT);
            READY = 1;
        }
    }

    private static final class Init2 {
        static final int READY;

        static {
            fetch(PINNED_READ_TIMEOUT);
            READY = 1;
        }
    }

    private static final class Init3 {
        static final int READY;

        static {
            fetch(PINNED_READ_TIMEOUT);
            READY = 1;
        }
    }
}
