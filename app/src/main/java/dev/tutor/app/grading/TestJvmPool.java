package dev.tutor.app.grading;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps one test JVM started and warmed up in advance, so that a save is graded in milliseconds rather
 * than the half second a JVM takes to start.
 *
 * <p>Each JVM grades one attempt and is then killed; the next one starts as soon as that verdict is in.
 * Reusing a JVM would be a few milliseconds faster and would lose the isolation that makes
 * {@code System.exit} or a runaway thread harmless.
 */
public final class TestJvmPool implements AutoCloseable {
    /** The learner's heap is capped so that exhausting it ends one JVM, not the machine. */
    static final String HEAP = "-Xmx256m";
    static final String WORKER_CLASS = "dev.tutor.app.grading.worker.TestWorker";
    /**
     * Tells a worker to warm Lincheck up before it says it is ready. Its first exploration costs about 3 s
     * (the agent attaches, Kotlin loads), later ones a tenth of that; only exercises whose tests explore
     * interleavings need it, so only their JVMs pay for it.
     */
    static final String WARM_EXPLORER = "-Dtutor.warmExplorer=true";
    /**
     * Compiles with C1 alone. A grading lasts a fraction of a second to a few seconds, too short for C2's code
     * to pay for itself, and on two cores C2's compiler threads take their CPU from the tests: with C1 alone a
     * JVM is ready 24% sooner, a passing workload-probe save's tests take 0.16 s instead of 0.21 s, and even
     * Lincheck's explorations, which run for seconds, finish sooner (bench/RESULTS.md, 2026-12-06).
     */
    static final String QUICK_JIT = "-XX:TieredStopAtLevel=1";

    private final List<String> command;
    private final StartupCache startupCache;
    private TestJvm spare;
    /** Whether the waiting JVM warmed the explorer up, and whether the next one should. */
    private boolean spareExplores;
    private boolean nextExplores;
    private boolean closed;

    /**
     * @param classPath the tutor's own class path: JUnit, the runtime and the worker
     * @param extraJvmOptions options such as an AOT cache, placed before the main class
     */
    public TestJvmPool(List<String> classPath, List<String> extraJvmOptions) {
        List<String> c = new ArrayList<>();
        c.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        c.add(HEAP);
        c.add("-XX:+ExitOnOutOfMemoryError");
        // HotSpot prints "Terminating due to java.lang.OutOfMemoryError" on standard output by default,
        // which is the private channel here; the tutor reads the JVM's own words from standard error.
        c.add("-XX:+DisplayVMOutputToStderr");
        c.add("-XX:+UseSerialGC");
        c.add("-XX:-UsePerfData");
        c.add(QUICK_JIT);
        c.add("-Djava.awt.headless=true");
        c.add("-Dfile.encoding=UTF-8");
        c.add("-Dstdout.encoding=UTF-8");
        // Tests of races explore interleavings with Lincheck, which attaches its agent to this JVM at its
        // first use and reaches into sun.misc.Unsafe; both would print warnings into the learner's output.
        c.add("-XX:+EnableDynamicAgentLoading");
        // Lincheck's agent is installed by Byte Buddy, which, unless a JVM may attach to itself, starts a second
        // JVM to attach to this one: 0.2 to 0.3 s of CPU more for every test JVM that explores interleavings.
        c.add("-Djdk.attach.allowAttachSelf=true");
        if (Runtime.version().feature() >= 23) {
            c.add("--sun-misc-unsafe-memory-access=allow");
        }
        c.add("-Dlincheck.logLevel=error");
        c.addAll(extraJvmOptions);
        c.add("-cp");
        c.add(String.join(File.pathSeparator, classPath));
        c.add(WORKER_CLASS);
        this.command = List.copyOf(c);
        this.startupCache = new StartupCache(classPath, c);
    }

    /** Trains the start-up cache if it is missing; blocks for a few seconds, so call it off the UI thread. */
    void trainStartupCache() {
        if (startupCache.needsTraining()) {
            startupCache.train(command);
        }
    }

    /** The command with the start-up cache's options, when the cache exists. */
    private List<String> commandNow() {
        List<String> options = startupCache.useOptions();
        if (options.isEmpty()) {
            return command;
        }
        List<String> c = new ArrayList<>(command);
        c.addAll(1, options);
        return c;
    }

    /** Starts the spare JVM now, if none is waiting, so that the first save finds it warm. */
    public synchronized void prestart() {
        if (!closed && spare == null) {
            Path scratch = ScratchFolders.create("tutor-jvm");
            spare = TestJvm.start(commandFor(scratch, nextExplores), scratch);
            spareExplores = nextExplores;
        }
    }

    /**
     * The command of a test JVM whose scratch folder is {@code scratch}. The attempt's two class folders
     * are on its class path from the start, empty until the grader copies an attempt in: Lincheck finds
     * classes with {@code Class.forName}, which sees only the class path, not a class loader made later.
     */
    private List<String> commandFor(Path scratch, boolean explores) {
        List<String> c = new ArrayList<>(commandNow());
        int classPathAt = c.indexOf("-cp") + 1;
        c.set(classPathAt, c.get(classPathAt) + File.pathSeparator + TestJvm.classesFolder(scratch)
                + File.pathSeparator + TestJvm.testsFolder(scratch));
        // The JVM is killed, so nothing it means to delete at its exit is deleted (Lincheck's and Byte Buddy's
        // jars among them): its temporary files go where its scratch folder takes them away.
        c.add(1, "-Djava.io.tmpdir=" + TestJvm.temporaryFolder(scratch));
        if (explores) {
            c.add(c.size() - 1, WARM_EXPLORER);
        }
        return c;
    }

    /**
     * Takes back a JVM that was handed over but never sent a request (the attempt did not compile), as the
     * spare if none is waiting; otherwise it is closed.
     */
    synchronized void giveBack(TestJvm unused, boolean explores) {
        if (!closed && spare == null) {
            spare = unused;
            spareExplores = explores;
        } else {
            unused.close();
        }
    }

    /**
     * Says what the next attempt is likely to need: a JVM with the explorer warm, or a plain one. A
     * waiting JVM of the other kind is replaced only when it lacks the explorer; a warm explorer costs
     * nothing to a plain attempt but memory.
     */
    public synchronized void expect(boolean explores) {
        nextExplores = explores;
        if (explores && spare != null && !spareExplores) {
            spare.close();
            spare = null;
            prestart();
        }
    }

    /**
     * Hands over the waiting JVM, starting one if none waits. Its successor is started by
     * {@link #prestart()} once the grading is over, not now: on two cores a JVM starting beside the tests
     * would slow down the very verdict the learner is waiting for.
     */
    synchronized TestJvm take(boolean explores) {
        if (closed) {
            throw new GradingException("The grader has been closed.");
        }
        nextExplores = explores;
        prestart();
        TestJvm taken = spare;
        spare = null;
        return taken;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (spare != null) {
            spare.close();
            spare = null;
        }
    }
}
