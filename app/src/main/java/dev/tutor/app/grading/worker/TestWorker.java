package dev.tutor.app.grading.worker;

import com.google.gson.Gson;
import dev.tutor.app.grading.WorkerMessage;
import dev.tutor.app.grading.WorkerRequest;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.platform.engine.CancellationToken;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherExecutionRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * The program that runs inside a test JVM: it warms up, says it is ready, takes one grading request from
 * standard input, runs the tests through the JUnit Platform Launcher, streams what happens, and stops.
 *
 * <p>One JVM grades one attempt and is then gone, because on Java 21+ nothing inside a JVM can stop
 * {@code System.exit} or a runaway thread. Whatever the learner's code does, the tutor keeps what was
 * streamed before, and kills the whole process tree at the hard time limit.
 */
public final class TestWorker {
    /** The system property the tests read their seed from; a request may set it to replay a failure. */
    static final String SEED_PROPERTY = "tutor.seed";
    /** The system property that names the exercise being graded, for the tests' replay instructions. */
    static final String EXERCISE_PROPERTY = "tutor.exercise";
    /** The system property set only while a test JVM trains the start-up cache. */
    public static final String TRAINING_PROPERTY = "tutor.train";
    /** JUnit's switch for @Timeout, which the worker turns off: its watchdog is the only time limit. */
    private static final String TIMEOUT_MODE = "junit.jupiter.execution.timeout.mode";
    /** How often the watchdog looks at the running test. */
    private static final long WATCHDOG_PERIOD_MS = 25;

    private final Gson gson = new Gson();
    private final PrintStream control;
    private final CappedOutput output;
    private final Set<Thread> ownThreads = new HashSet<>();
    private volatile Set<Thread> threadsBefore = Set.of();
    private volatile List<String> learnerClasses = List.of();
    private volatile String currentTest;
    private volatile List<String> currentTags = List.of();
    private volatile long currentTestStartedNanos;
    /** The request's limit for one test; none until the request comes. */
    private volatile long testTimeLimitNanos = Long.MAX_VALUE;
    private volatile boolean finished;
    /** True while warming up: messages are made (to warm that path) but not sent. */
    private volatile boolean muted;

    private TestWorker(PrintStream control, CappedOutput output) {
        this.control = control;
        this.output = output;
    }

    public static void main(String[] args) throws Exception {
        PrintStream control = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        BufferedReader requests = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        CappedOutput output = new CappedOutput(64 * 1024); // until the request says how much to keep
        PrintStream captured = new PrintStream(output, true, StandardCharsets.UTF_8);
        System.setOut(captured);
        System.setErr(captured);
        new TestWorker(control, output).serve(requests);
    }

    private void serve(BufferedReader requests) throws Exception {
        Launcher launcher = sessionLauncher();
        warmUp(launcher);
        if (Boolean.getBoolean(TRAINING_PROPERTY)) {
            // Training the start-up cache: a normal exit is what writes it.
            System.exit(0);
        }
        // Started now rather than with the request: a thread's start is 2 to 6 ms of a fresh JVM, which the
        // learner would wait for after their save.
        Runtime.getRuntime().addShutdownHook(new Thread(this::reportExit, "tutor-exit-reporter"));
        startWatchdog();
        send(new WorkerMessage.Ready());
        String line = requests.readLine();
        if (line == null) {
            Runtime.getRuntime().halt(0);
        }
        // The learner's code gets an empty standard input: a read returns end-of-file instead of hanging.
        System.setIn(new ByteArrayInputStream(new byte[0]));
        WorkerRequest request = gson.fromJson(line, WorkerRequest.class);
        output.cap(request.outputCapBytes()); // the JVM starts before the request, so the cap comes with it
        int status = grade(launcher, request);
        Runtime.getRuntime().halt(status);
    }

    /**
     * JUnit's launcher for the warm-up and the one request: a session's, so that the engines are found and set
     * up once, and made while JFR is hidden from it. JUnit registers flight-recording listeners whenever it can
     * load {@code jdk.jfr.FlightRecorder} through the context class loader, and registering their events builds
     * classes at run time: on this machine kind about 120 ms of every test JVM's start, and an event per test,
     * for recordings nobody takes. The session is never closed: the JVM halts after its one request.
     */
    private static Launcher sessionLauncher() {
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        thread.setContextClassLoader(new WithoutFlightRecorder(before));
        try {
            return LauncherFactory.openSession().getLauncher();
        } finally {
            thread.setContextClassLoader(before);
        }
    }

    /** Delegates everything to its parent except JFR's classes, which it says it cannot find. */
    static final class WithoutFlightRecorder extends ClassLoader {
        WithoutFlightRecorder(ClassLoader parent) {
            super(parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (name.startsWith("jdk.jfr.")) {
                throw new ClassNotFoundException(name + " is hidden from JUnit's launcher");
            }
            return super.loadClass(name, resolve);
        }
    }

    /**
     * Runs the warm-up tests down the same path a real request takes (parsing a request, the streaming
     * listener, the messages) with the channel muted, so that none of it is cold when the learner's tests
     * arrive: in a fresh JVM, first uses of Gson, JUnit and lambdas cost tens of milliseconds.
     */
    private void warmUp(Launcher launcher) {
        muted = true;
        gson.fromJson(gson.toJson(new WorkerRequest("warm-up", List.of("."), List.of(WarmUpTests.class.getName()), List.of(),
                1, 1_000, 1_024, null)), WorkerRequest.class);
        LauncherDiscoveryRequest warmUp = discovery(List.of(WarmUpTests.class));
        CancellationToken stop = CancellationToken.create();
        launcher.execute(LauncherExecutionRequestBuilder.executionRequest(warmUp)
                .listeners(new StreamingListener(this, 1, stop)).cancellationToken(stop).build());
        testFinished();
        endChildProcesses(); // the end of a request's path, as it finds nothing to end here
        if (Boolean.getBoolean("tutor.warmExplorer")) {
            WarmUpTests.exploreOnce();
        }
        output.clear();
        muted = false;
    }

    private int grade(Launcher launcher, WorkerRequest request) throws Exception {
        learnerClasses = request.learnerClasses();
        List<URL> folders = new ArrayList<>();
        for (String dir : request.classesDirs()) {
            folders.add(Path.of(dir).toUri().toURL());
        }
        // The grader puts the attempt's folders on this JVM's class path before it starts (Lincheck looks
        // classes up with Class.forName); the loader below finds them there first, and serves only folders
        // that are not on it, as a fallback. Tests that start a child JVM build its class path from
        // java.class.path, so every folder belongs on it.
        URLClassLoader loader = new URLClassLoader(folders.toArray(URL[]::new), TestWorker.class.getClassLoader());
        List<String> classPath = new ArrayList<>(List.of(System.getProperty("java.class.path").split(File.pathSeparator)));
        for (String dir : request.classesDirs()) {
            if (!classPath.contains(dir)) {
                classPath.add(dir);
            }
        }
        System.setProperty("java.class.path", String.join(File.pathSeparator, classPath));
        Thread.currentThread().setContextClassLoader(loader);
        if (request.exercise() != null) {
            System.setProperty(EXERCISE_PROPERTY, request.exercise());
        }
        if (request.seed() != null) {
            System.setProperty(SEED_PROPERTY, Long.toString(request.seed()));
        }
        List<Class<?>> testClasses = new ArrayList<>();
        for (String name : request.testClasses()) {
            try {
                testClasses.add(Class.forName(name, false, loader));
            } catch (ClassNotFoundException | LinkageError e) {
                send(new WorkerMessage.WorkerFailed("Could not load test class " + name + ": " + e));
                return 1;
            }
        }
        threadsBefore = Set.copyOf(Thread.getAllStackTraces().keySet());
        testTimeLimitNanos = request.testTimeLimitMs() * 1_000_000L;
        for (int run = 1; run <= request.repeat(); run++) {
            send(new WorkerMessage.RunStarted(run));
            // Fail fast: the first failing test settles the verdict, and the tests after it are not run.
            CancellationToken stop = CancellationToken.create();
            StreamingListener listener = new StreamingListener(this, run, stop);
            launcher.execute(LauncherExecutionRequestBuilder.executionRequest(discovery(testClasses))
                    .listeners(listener).cancellationToken(stop).build());
            if (listener.timedOut() || listener.failed()) {
                break;
            }
        }
        finished = true;
        endChildProcesses();
        System.out.flush();
        send(new WorkerMessage.Done(output.text(), output.dropped()));
        return 0;
    }

    /** What JUnit is asked to run: the warm-up's and the request's alike, so that the request finds this path warm. */
    private static LauncherDiscoveryRequest discovery(List<Class<?>> testClasses) {
        return LauncherDiscoveryRequestBuilder.request()
                .selectors(testClasses.stream().map(DiscoverySelectors::selectClass).toList())
                // The watchdog is the only time limit here. A JUnit @Timeout (kept in the tests for a learner's
                // IDE) would interrupt a deadlocked test and let it unwind before the dump.
                .configurationParameter(TIMEOUT_MODE, "disabled")
                .build();
    }

    /** A last word when someone calls System.exit: which test was running, and the learner's line. */
    private void reportExit() {
        if (finished) {
            return;
        }
        endChildProcesses();
        String where = null;
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            StackTraceElement[] stack = e.getValue();
            boolean exiting = false;
            for (StackTraceElement frame : stack) {
                if (frame.getClassName().equals("java.lang.Runtime") && frame.getMethodName().equals("exit")) {
                    exiting = true;
                } else if (exiting && frame.getClassName().startsWith(ThreadDumps.EXERCISE_PACKAGE)) {
                    where = place(frame);
                    break;
                }
            }
            if (where != null) {
                break;
            }
        }
        send(new WorkerMessage.ExitCalled(currentTest, where, output.text(), output.dropped()));
    }

    /**
     * Ends a test that runs past its limit. The thread dump is taken first, while every thread still stands
     * where the limit found it: interrupting the test (as JUnit's own time-out does) would let a deadlock
     * unwind before anyone saw it. Then the JVM stops, since a runaway thread cannot be stopped inside it.
     */
    private void startWatchdog() {
        Thread watchdog = new Thread(() -> {
            while (!finished) {
                String test = currentTest;
                if (test != null && System.nanoTime() - currentTestStartedNanos > testTimeLimitNanos) {
                    String dump = threadDump();
                    endChildProcesses();
                    send(new WorkerMessage.TestTimedOut(test, currentTags, dump, output.text(), output.dropped()));
                    Runtime.getRuntime().halt(1);
                }
                try {
                    Thread.sleep(WATCHDOG_PERIOD_MS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "tutor-watchdog");
        watchdog.setDaemon(true);
        ownThreads.add(watchdog);
        watchdog.start();
    }

    void testStarted(String name, List<String> tags) {
        currentTestStartedNanos = System.nanoTime();
        currentTags = tags;
        currentTest = name;
    }

    /** Ends processes the learner's code started, which would otherwise outlive this JVM as orphans. */
    private static void endChildProcesses() {
        ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
    }

    void testFinished() {
        currentTest = null;
    }

    String threadDump() {
        return ThreadDumps.describe(threadsBefore, ownThreads);
    }

    /** The learner's line nearest the top of a failure's stack, or the test's line when there is none. */
    String learnerLine(Throwable thrown) {
        StackTraceElement testFrame = null;
        for (Throwable t = thrown; t != null; t = t.getCause() == t ? null : t.getCause()) {
            for (StackTraceElement frame : t.getStackTrace()) {
                String owner = frame.getClassName();
                if (learnerClasses.contains(topLevel(owner))) {
                    return place(frame);
                }
                if (testFrame == null && owner.startsWith(ThreadDumps.EXERCISE_PACKAGE)) {
                    testFrame = frame;
                }
            }
        }
        return testFrame == null ? null : place(testFrame);
    }

    /**
     * A frame's file and line, "Counter.java:56". A class Lincheck's agent rewrote has lost its source file's
     * name; the top-level class's name stands in for it, as its file is named.
     */
    static String place(StackTraceElement frame) {
        String file = frame.getFileName();
        if (file == null) {
            String topLevel = topLevel(frame.getClassName());
            file = topLevel.substring(topLevel.lastIndexOf('.') + 1) + ".java";
        }
        return file + ":" + frame.getLineNumber();
    }

    /** The top-level class a class is nested in, or the class itself. */
    private static String topLevel(String className) {
        int nested = className.indexOf('$');
        return nested < 0 ? className : className.substring(0, nested);
    }

    static String messageOf(Throwable t) {
        String message = t.getMessage();
        return message == null || message.isBlank() ? t.getClass().getSimpleName() : message;
    }

    synchronized void send(WorkerMessage message) {
        String line = WorkerMessage.toJson(gson, message);
        if (!muted) {
            control.println(line);
            control.flush();
        }
    }
}
