package dev.tutor.app.grading.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tutor.runtime.loop.EventLoop;
import dev.tutor.runtime.net.LoopbackServer;
import dev.tutor.runtime.net.ServerOptions;
import dev.tutor.runtime.net.SlowHttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.ArrayList;
import org.jetbrains.lincheck.Lincheck;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.jupiter.api.io.TempDir;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Handle;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.signature.SignatureReader;
import org.objectweb.asm.signature.SignatureVisitor;
import org.opentest4j.AssertionFailedError;

/**
 * Tests the worker runs on itself before it says it is ready, touching what the course's tests use (JUnit's
 * ordering, tags and time-outs, thread CPU clocks, loopback sockets, selectors, executors, latches, ASM's
 * class-file reader, a parameter from an extension, figures formatted for a message, a failure rewritten on its
 * way out), so that those classes are loaded and warm when the learner's tests arrive. A test JVM waits idle
 * in advance anyway; every class loaded here is time the learner does not wait for after a save. The same
 * run trains the start-up cache. What to touch was found by listing the classes a graded solution still
 * loaded after the request ({@code -Xlog:class+load}), exercise by exercise (bench/RESULTS.md).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 10, unit = TimeUnit.SECONDS)
@ExtendWith(WarmUpTests.LikeSeeded.class)
public class WarmUpTests {
    /** A field, as test classes have: JUnit looks through a class's fields for extensions to register. */
    private final Random fixed = new Random(4);

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

    /** Sleeps briefly, as most exercises' tests and the worker's watchdog do: the JDK records sleeps as events. */
    @Test
    @Order(7)
    void sleeps() throws InterruptedException {
        long start = System.nanoTime();
        Thread.sleep(1);
        assertTrue(System.nanoTime() - start > 0);
    }

    /** Takes a parameter from an extension, as every exercise's test with a {@code Random} from Seeded does. */
    @Test
    @Order(8)
    void takesAParameterFromAnExtension(Random random) {
        assertNotNull(random);
        assertNotSame(fixed, random, "the parameter is the extension's, not the field's");
    }

    /**
     * Formats a fraction in the default locale, as the tests' messages do ("%.1f ms"): the first such call
     * in a JVM loads the locale's number formats, about 50 classes.
     */
    @Test
    @Order(9)
    void formatsAFractionForAMessage() {
        String text = String.format("%.1f ms, %,d bytes", 1.5, 12_345);
        assertTrue(text.contains("ms"), text);
    }

    /**
     * Makes, fills and deletes a temporary folder as the tests' {@code @TempDir} does. Like the three below, only
     * the start-up cache's training runs it: what it loads (secure random names, directory streams) is then in
     * the cache of every spare JVM, at no cost to their warm-up.
     */
    @Test
    @Order(10)
    @EnabledIfSystemProperty(named = TestWorker.TRAINING_PROPERTY, matches = "true")
    void fillsATemporaryFolder(@TempDir Path folder) throws IOException {
        Path file = Files.writeString(folder.resolve("page.txt"), "page");
        assertEquals("page", Files.readString(file));
    }

    /**
     * Fetches a page from the bundled HTTP server, as the fetching exercises do. Not with java.net.http's client
     * too: one exercise uses it, and its 300 classes in the cache would be loaded at every JVM's start.
     */
    @Test
    @Order(11)
    @EnabledIfSystemProperty(named = TestWorker.TRAINING_PROPERTY, matches = "true")
    void fetchesAPageFromTheBundledServer() throws Exception {
        try (LoopbackServer server = SlowHttpServer.start(ServerOptions.defaults())) {
            URI page = URI.create("http://127.0.0.1:" + server.port() + "/page/1?delay=0");
            HttpURLConnection connection = (HttpURLConnection) page.toURL().openConnection();
            try (InputStream body = connection.getInputStream()) {
                assertEquals(200, connection.getResponseCode());
                assertTrue(body.readAllBytes().length > 0);
            }
        }
    }

    /** Runs the bundled event loop for a turn and a timer, as the event-loop exercises' tests do. */
    @Test
    @Order(12)
    @EnabledIfSystemProperty(named = TestWorker.TRAINING_PROPERTY, matches = "true")
    void runsTheBundledEventLoop() {
        try (EventLoop loop = EventLoop.create()) {
            AtomicLong turns = new AtomicLong();
            loop.callSoon(turns::incrementAndGet);
            loop.runUntilComplete(loop.sleep(Duration.ofMillis(1)));
            assertEquals(1, turns.get());
        }
    }

    /** Starts a child process and waits for it, as the process exercises' tests do. */
    @Test
    @Order(13)
    @EnabledIfSystemProperty(named = TestWorker.TRAINING_PROPERTY, matches = "true")
    void startsAChildProcess() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-version").redirectErrorStream(true).start();
        child.getInputStream().readAllBytes();
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, child.exitValue());
    }

    /**
     * Doubles a duration, as the first exercise's classifier does: Duration's multiplication goes through
     * BigDecimal, whose static set-up takes about 30 ms the first time in a JVM, cached or not.
     */
    @Test
    @Order(14)
    void doublesADuration() {
        assertEquals(Duration.ofNanos(6), Duration.ofNanos(3).multipliedBy(2));
    }

    /**
     * Fails, last, as a wrong answer's test does: the failure passes through the extension's handler, which
     * rewrites it as Seeded adds the seed, and the worker's listener stops the run and reads the failure's
     * stack. Its verdict is thrown away with the rest of the warm-up; a wrong answer is the save a learner
     * makes most, and this is the path its verdict takes.
     */
    @Test
    @Order(99)
    void failsAsAWrongAnswerDoes() {
        assertEquals(4, 2 + 3, () -> String.format("warm-up: expected %d, saw %d", 4, 5));
    }

    /** Resolves a {@code Random} and rewrites failures on their way out, as the exercises' Seeded extension does. */
    static final class LikeSeeded implements ParameterResolver, TestExecutionExceptionHandler {
        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == Random.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            return new Random(context.getRequiredTestMethod().getName().hashCode());
        }

        @Override
        public void handleTestExecutionException(ExtensionContext context, Throwable thrown) throws Throwable {
            if (!(thrown instanceof AssertionError)) {
                throw thrown;
            }
            AssertionFailedError rewritten = new AssertionFailedError(thrown.getMessage() + "\n(warm-up)", thrown);
            rewritten.setStackTrace(thrown.getStackTrace());
            throw rewritten;
        }
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
     * Exercise rules read the learner's class files with ASM's ClassReader, as the exercises' CompiledNest does
     * (this module cannot see it, so the same walk is written out here). Every spare JVM runs this, not only the
     * start-up cache's training: ASM's classes are compiled for Java 5, and a start-up cache holds no class
     * file older than Java 6's, so each JVM loads them from the jar (about 30 ms on this machine kind).
     */
    @Test
    @Order(6)
    void readsWhatACompiledClassUses() throws Exception {
        List<String> uses = new ArrayList<>();
        try (InputStream in = WarmUpTests.class.getResourceAsStream("WarmUpTests.class")) {
            new ClassReader(in).accept(new ClassVisitor(Opcodes.ASM9) {
                @Override
                public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                                 String[] exceptions) {
                    new SignatureReader(signature != null ? signature : descriptor)
                            .accept(new SignatureVisitor(Opcodes.ASM9) {
                                @Override
                                public void visitClassType(String type) {
                                    uses.add(type);
                                }
                            });
                    return new MethodVisitor(Opcodes.ASM9) {
                        @Override
                        public void visitMethodInsn(int opcode, String owner, String member, String desc,
                                                    boolean isInterface) {
                            uses.add(Type.getObjectType(owner).getClassName() + "." + member
                                    + Type.getArgumentTypes(desc).length);
                        }

                        @Override
                        public void visitInvokeDynamicInsn(String member, String desc, Handle bootstrap,
                                                           Object... arguments) {
                            for (Object argument : arguments) {
                                if (argument instanceof Handle handle) {
                                    uses.add(Type.getObjectType(handle.getOwner()).getClassName() + "."
                                            + handle.getName());
                                }
                            }
                        }
                    };
                }
            }, ClassReader.SKIP_FRAMES);
        }
        assertTrue(uses.contains("java.lang.Thread.start0"), () -> "read from WarmUpTests.class: " + uses);
        assertTrue(uses.contains("java.util.concurrent.atomic.AtomicLong.incrementAndGet"),
                () -> "a method reference, read from WarmUpTests.class: " + uses);
    }
}
