package dev.tutor.app.tui.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tutor.runtime.gil.GilEvent;
import dev.tutor.runtime.gil.GilStats;
import dev.tutor.runtime.loop.LoopEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The meters on the demo runner: they report looks, and once stopped leave no thread and no socket behind. */
@Timeout(60)
class MetersDemoTest {
    private static final Path FDS = Path.of("/proc/self/fd");

    @Test
    void leavingTheMetersStopsEveryServerAndClientAndClosesEverySocket() throws Exception {
        assumeTrue(Files.isDirectory(FDS), "needs Linux's /proc/self/fd");
        runOnce(); // warm up: class loading opens jars once
        long fdsBefore = openFds();
        List<MeterBoard> looks = runOnce();
        assertThat(looks.getFirst().readings()).extracting(r -> r.server())
                .containsExactly("thread per client", "busy polling", "one Selector");
        assertThat(threadsNamed("meter-")).isEmpty();
        assertThat(threadsNamed("tutor-demo")).isEmpty();
        assertThat(openFds()).isEqualTo(fdsBefore);
    }

    /** Opens the meters, waits for their first look, leaves them and waits for the demo's thread to end. */
    private static List<MeterBoard> runOnce() throws InterruptedException {
        LinkedBlockingQueue<MeterBoard> looks = new LinkedBlockingQueue<>();
        CountDownLatch looked = new CountDownLatch(1);
        DemoRunner runner = new DemoRunner(new DemoRunner.Listener() {
            @Override
            public void gilTraced(int run, List<GilEvent> withGil, GilStats gilStats, List<GilEvent> freeThreaded,
                                  long clockNanos) {
            }

            @Override
            public void loopTraced(int run, List<LoopEvent> events) {
            }

            @Override
            public void metersRead(int run, MeterBoard board) {
                looks.add(board);
                looked.countDown();
            }

            @Override
            public void gilMeasured(int run, GilMeasurement measurement) {
            }

            @Override
            public void failed(int run, String message) {
                throw new AssertionError(message);
            }
        });
        runner.start(1, DemoState.Kind.METERS, DemoState.Scenario.TWO_CPU, DemoState.Settings.DEFAULT);
        looked.await();
        runner.stop();
        for (Thread demo : Thread.getAllStackTraces().keySet()) {
            if (demo.getName().equals("tutor-demo")) {
                demo.join(); // it closes the servers and clients on its way out
            }
        }
        return List.copyOf(looks);
    }

    private static List<String> threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> name.startsWith(prefix)).toList();
    }

    private static long openFds() throws IOException {
        try (Stream<Path> fds = Files.list(FDS)) {
            return fds.count();
        }
    }
}
