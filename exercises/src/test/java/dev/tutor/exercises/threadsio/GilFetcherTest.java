package dev.tutor.exercises.threadsio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tutor.runtime.gil.Gil;
import dev.tutor.runtime.gil.GilEvent;
import dev.tutor.runtime.gil.GilRecorder;
import dev.tutor.runtime.net.GateServer;
import dev.tutor.runtime.net.LoopbackServer;
import dev.tutor.runtime.net.ServerOptions;
import dev.tutor.runtime.net.SlowHttpServer;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Grades {@link GilFetcher}. Every fetch runs on a "Python" thread named {@code py-1}, {@code py-2}, and
 * the simulated GIL's event log ({@link GilRecorder}) shows what each thread did with the GIL. The overlap
 * test uses a gate, a small server of the test's own that answers nobody until both requests have arrived, and looks at each thread's last GIL event at the moment its request reached the server.
 *
 * <p>Each test carries {@code @Tag("hint:N")}: when it fails, the tutor offers hint N of the exercise.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class GilFetcherTest {

    private static final Duration GATE_TIME_OUT = Duration.ofMillis(1_500);
    private static final Duration SERVER_DELAY = Duration.ofMillis(100);
    private static final int THREADS = 4;
    private static final int ATTEMPTS = 3;
    private static final Duration THREAD_LIMIT = Duration.ofSeconds(6);

    @Test
    @Order(1)
    @Tag("hint:1")
    void runsPythonCodeHoldingTheGilAndGivesItBack() throws Exception {
        Gil gil = Gil.create();
        try (LoopbackServer server = SlowHttpServer.start(ServerOptions.defaults().withDelay(Duration.ZERO))) {
            URI page = URI.create("http://127.0.0.1:" + server.port() + "/one/two/three");
            PythonThread py = new PythonThread("py-1", gil, page, null);
            py.start();
            py.finish();

            assertNull(py.failure, () -> "fetch() on py-1 failed: " + py.failure + ". A Python thread needs the GIL"
                    + " to run Python code such as summarize(): take it with gil.acquire() before, and do not run"
                    + " Python code inside gil.blockingIo(...), which lets the GIL go.");
            assertFalse(py.heldGilAfterwards,
                    "fetch() returned on py-1 with the GIL still held. No other Python thread could ever run again:"
                            + " give the GIL back with gil.release() in a finally block.");
            assertTrue(py.result != null && py.result.matches("/one/two/three: \\d+ words"),
                    () -> "fetch() returned " + py.result + "; it should return what summarize() makes of the"
                            + " page's body, such as \"/one/two/three: 17 words\".");
        }
    }

    @Test
    @Order(2)
    @Tag("hint:2")
    void releasesTheGilWhileWaitingSoBothRequestsAreInFlight() throws Exception {
        Gil gil = Gil.create();
        GilRecorder recorder = new GilRecorder();
        gil.addListener(recorder);
        var lastEventOnArrival = new ConcurrentHashMap<Integer, String>();
        CountDownLatch go = new CountDownLatch(1);
        try (GateServer gate = GateServer.start(2, 2, GATE_TIME_OUT, Duration.ZERO, Duration.ZERO, -1, index ->
                lastEventOnArrival.put(index, lastEventOf(recorder, "py-" + (index + 1))))) {
            List<URI> pages = gate.pages();
            List<PythonThread> threads = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                PythonThread py = new PythonThread("py-" + (i + 1), gil, pages.get(i), go);
                py.start();
                threads.add(py);
            }
            go.countDown();
            for (PythonThread py : threads) {
                py.finish();
                assertNull(py.failure, () -> "fetch() on " + py.getName() + " failed: " + py.failure);
            }

            for (int i = 0; i < 2; i++) {
                String name = "py-" + (i + 1);
                String last = lastEventOnArrival.get(i);
                assertTrue(last != null && last.startsWith(GilEvent.Kind.RELEASED_FOR_IO.name()),
                        "When " + name + "'s request reached the server, " + name + "'s last GIL event was "
                                + last + ", not RELEASED_FOR_IO: it held the GIL while it waited for the reply, so"
                                + " the other Python thread could not even send its request. Only "
                                + gate.arrivedBeforeFirstAnswer() + " of 2 requests arrived before the first answer."
                                + " Wrap the download in gil.blockingIo(...), which lets the GIL go while the"
                                + " thread waits and takes it back afterwards.");
            }
            assertEquals(2, gate.arrivedBeforeFirstAnswer(),
                    "Only " + gate.arrivedBeforeFirstAnswer() + " of 2 requests reached the server before the first"
                            + " answer: the two fetches did not wait at the same time.");
        }
    }

    @Test
    @Order(3)
    @Tag("hint:2")
    void fourFetchesTakeLessThanTheSumOfTheirDelays() throws Exception {
        Gil gil = Gil.create();
        GilRecorder recorder = new GilRecorder();
        gil.addListener(recorder);
        try (LoopbackServer server = SlowHttpServer.start(ServerOptions.defaults().withDelay(SERVER_DELAY))) {
            URI warmUp = URI.create("http://127.0.0.1:" + server.port() + "/delay/0");
            PythonThread first = new PythonThread("py-0", gil, warmUp, null); // loads the HTTP classes
            first.start();
            first.finish();
            recorder.clear();

            // Fetches that wait one after another can never beat the sum of the delays, so a time under the
            // sum proves overlap. A busy machine can make a good run slow, so try up to three times.
            Duration sum = SERVER_DELAY.multipliedBy(THREADS);
            Duration best = null;
            for (int attempt = 0; attempt < ATTEMPTS && (best == null || best.compareTo(sum) >= 0); attempt++) {
                recorder.clear();
                Duration elapsed = fetchOnThreads(gil, server);
                best = best == null || elapsed.compareTo(best) < 0 ? elapsed : best;
                for (int i = 1; i <= THREADS; i++) {
                    String name = "py-" + i;
                    List<GilEvent.Kind> kinds = recorder.events().stream()
                            .filter(event -> event.thread().equals(name)).map(GilEvent::kind).toList();
                    assertTrue(kinds.contains(GilEvent.Kind.RELEASED_FOR_IO) && kinds.contains(GilEvent.Kind.REACQUIRED),
                            () -> name + "'s GIL log shows no RELEASED_FOR_IO and REACQUIRED: " + kinds
                                    + ". Let the runtime release the GIL for the download with gil.blockingIo(...).");
                }
            }
            Duration fastest = best;
            assertTrue(fastest.compareTo(sum) < 0,
                    () -> THREADS + " Python threads each fetched a page from a server that waits "
                            + SERVER_DELAY.toMillis() + " ms, and together they took " + fastest.toMillis()
                            + " ms at best in " + ATTEMPTS + " tries: no less than the sum of the delays, "
                            + sum.toMillis() + " ms, so the waits ran one after another. GIL log: " + recorder.lines());
        }
    }

    /** Runs one fetch on each of THREADS Python threads, started together; returns the wall time. */
    private static Duration fetchOnThreads(Gil gil, LoopbackServer server) throws InterruptedException {
        CountDownLatch go = new CountDownLatch(1);
        List<PythonThread> threads = new ArrayList<>();
        for (int i = 1; i <= THREADS; i++) {
            URI page = URI.create("http://127.0.0.1:" + server.port() + "/page/" + i);
            PythonThread py = new PythonThread("py-" + i, gil, page, go);
            py.start();
            threads.add(py);
        }
        long start = System.nanoTime();
        go.countDown();
        for (PythonThread py : threads) {
            py.finish();
            assertNull(py.failure, () -> "fetch() on " + py.getName() + " failed: " + py.failure);
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** The last GIL event of {@code thread}, as "KIND thread @time", or "none". */
    private static String lastEventOf(GilRecorder recorder, String thread) {
        List<GilEvent> events = recorder.events().stream().filter(event -> event.thread().equals(thread)).toList();
        return events.isEmpty() ? "none" : events.get(events.size() - 1).toString();
    }

    /** A "Python" thread: waits for {@code go} (if any), calls fetch, notes the result and the GIL. */
    private static final class PythonThread extends Thread {
        private final Gil gil;
        private final URI page;
        private final CountDownLatch go;
        volatile String result;
        volatile Throwable failure;
        volatile boolean heldGilAfterwards;

        PythonThread(String name, Gil gil, URI page, CountDownLatch go) {
            super(name);
            setDaemon(true);
            this.gil = gil;
            this.page = page;
            this.go = go;
        }

        @Override
        public void run() {
            try {
                if (go != null && !go.await(THREAD_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the test never said go");
                }
                result = GilFetcher.fetch(gil, page);
            } catch (Throwable e) {
                failure = e;
            } finally {
                heldGilAfterwards = gil.isHeldByCurrentThread();
            }
        }

        /** Waits for the thread; fails the test, naming the thread's GIL state, if it does not end. */
        void finish() throws InterruptedException {
            join(THREAD_LIMIT.toMillis());
            assertFalse(isAlive(), () -> getName() + " did not finish its fetch within " + THREAD_LIMIT.toSeconds()
                    + " s. Is another Python thread still holding the GIL? Every fetch() must give it back.");
        }
    }
}
