package dev.tutor.app.grading.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import com.tngtech.archunit.ArchConfiguration;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.lang.syntax.ArchRuleDefinition;
import org.jetbrains.lincheck.Lincheck;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Tests the worker runs on itself before it says it is ready, touching what the course's tests use (JUnit's
 * ordering, tags and time-outs, thread CPU clocks, loopback sockets, selectors, executors, latches, ArchUnit), so that
 * those classes are loaded and warm when the learner's tests arrive. A test JVM waits idle in advance
 * anyway; every class loaded here is time the learner does not wait for after a save. The same run trains
 * the start-up cache.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 10, unit = TimeUnit.SECONDS)
public class WarmUpTests {
    @Test
    @Order(1)
    @Tag("hint:1")
    void addsNumbers() {
        assertEquals(4, 2 + 2, () -> "warm-up " + Duration.ofMillis(4));
    }

    @Test
    @Order(2)
    void readsThreadCpuTime() {
        long cpu = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        assertTrue(cpu >= 0, () -> String.format("cpu %d", cpu));
    }

    @Test
    @Order(3)
    void talksOverLoopback() throws Exception {
        ExecutorService server = Executors.newSingleThreadExecutor();
        try (ServerSocket listening = new ServerSocket()) {
            listening.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            CountDownLatch accepted = new CountDownLatch(1);
            Future<?> echo = server.submit(() -> {
                try (Socket peer = listening.accept()) {
                    accepted.countDown();
                    InputStream in = peer.getInputStream();
                    OutputStream out = peer.getOutputStream();
                    out.write(in.read());
                }
                return null;
            });
            try (Socket client = new Socket()) {
                client.connect(listening.getLocalSocketAddress(), 5_000);
                client.setSoTimeout(5_000);
                client.getOutputStream().write('x');
                assertTrue(accepted.await(5, TimeUnit.SECONDS));
                assertEquals('x', client.getInputStream().read());
            }
            echo.get(5, TimeUnit.SECONDS);
        } finally {
            server.shutdownNow();
        }
    }

    @Test
    @Order(4)
    void selectsOnAChannel() throws Exception {
        try (Selector selector = Selector.open(); ServerSocketChannel channel = ServerSocketChannel.open()) {
            channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            channel.configureBlocking(false);
            SelectionKey key = channel.register(selector, SelectionKey.OP_ACCEPT);
            assertEquals(0, selector.selectNow());
            assertNotNull(key);
            assertEquals(3, ByteBuffer.wrap("abc".getBytes(StandardCharsets.UTF_8)).remaining());
        }
    }

    @Test
    @Order(5)
    void runsThreads() throws Exception {
        AtomicLong sum = new AtomicLong();
        Thread platform = new Thread(() -> sum.addAndGet(1), "warm-up");
        platform.start();
        platform.join();
        Thread.ofVirtual().start(() -> sum.addAndGet(2)).join();
        assertEquals(6, CompletableFuture.supplyAsync(() -> 3).thenApply(x -> x + sum.get()).get());
    }

    /**
     * Explores the interleavings of two threads with Lincheck once, as the race exercises' tests do: the
     * first exploration in a JVM attaches Lincheck's agent and loads its classes, about 3 s that the
     * learner's first save would otherwise wait for. Run by the worker itself, not as a test, and only in
     * JVMs meant for those exercises.
     */
    static void exploreOnce() {
        AtomicLong[] shared = new AtomicLong[1];
        Lincheck.runConcurrentTest(50, () -> {
            AtomicLong count = new AtomicLong();
            shared[0] = count;
            Thread other = new Thread(count::incrementAndGet);
            other.start();
            count.incrementAndGet();
            try {
                other.join();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            assertEquals(2, count.get());
        });
    }

    /**
     * Exercise rules are ArchUnit checks, and its importer is slow to load cold. Only the start-up cache's
     * training runs this, so the cache holds ArchUnit's classes ready-made: every spare JVM would otherwise
     * pay a quarter of a second for what two exercises use.
     */
    @Test
    @Order(6)
    @EnabledIfSystemProperty(named = "tutor.train", matches = "true")
    void checksARuleOnCompiledClasses() {
        EvaluationResult result = ArchRuleDefinition.noClasses()
                .should().callMethod(System.class, "exit", int.class)
                .orShould().dependOnClassesThat(JavaClass.Predicates.resideInAPackage("java.util.concurrent.locks.."))
                .evaluate(ArchConfiguration.withThreadLocalScope(config -> {
                    config.setResolveMissingDependenciesFromClassPath(false);
                    return new ClassFileImporter().importUrls(List.of(WarmUpTests.class.getResource("WarmUpTests.class")));
                }));
        assertTrue(!result.hasViolation(), () -> String.join("; ", result.getFailureReport().getDetails()));
    }
}
