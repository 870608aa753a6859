package dev.tutor.app.grading;

import com.google.gson.Gson;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One test JVM, from its start to its kill: the tutor's side of the private channel to a
 * {@code TestWorker}.
 *
 * <p>A reader thread turns the worker's lines into {@link WorkerMessage}s; another keeps the JVM's own
 * error output (where it reports running out of memory), capped. Killing ends the whole process tree, so
 * a child process the learner started cannot outlive the verdict.
 */
final class TestJvm implements AutoCloseable {
    /** Put on the queue when the worker's output ends: not a message it sent, so compared by identity. */
    static final WorkerMessage END = new WorkerMessage.WorkerFailed("the test JVM's output ended");
    private static final int STDERR_CAP = 16 * 1024;
    /** Where HotSpot on Linux makes the socket of a JVM's attach listener. */
    static final Path ATTACH_SOCKETS = Path.of("/tmp");

    private final Process process;
    private final Path scratch;
    private final BlockingQueue<WorkerMessage> messages = new LinkedBlockingQueue<>();
    private final CompletableFuture<Boolean> ready = new CompletableFuture<>();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    /** One for all test JVMs: Gson builds its adapters for the messages' records once, not at every grading. */
    private static final Gson GSON = new Gson();

    private TestJvm(Process process, Path scratch) {
        this.process = process;
        this.scratch = scratch;
    }

    /**
     * Writes and reads one message of each kind and a request, so that a learner's first verdict does not wait
     * while the private channel's code loads and Gson builds its adapters.
     */
    static void warmChannel() {
        List<WorkerMessage> samples = List.of(new WorkerMessage.Ready(), new WorkerMessage.RunStarted(1),
                new WorkerMessage.TestStarted(1, "t", List.of("hint:1")), new WorkerMessage.TestFinished(1, "t", "FAILED", "m",
                        "java.lang.AssertionError", "A.java:1", List.of("hint-1")),
                new WorkerMessage.TestTimedOut("t", List.of(), "d", "o", 0), new WorkerMessage.ExitCalled("t", "w", "o", 0),
                new WorkerMessage.Measured("t", "n", "v"), new WorkerMessage.Done("o", 0),
                new WorkerMessage.WorkerFailed("m"));
        for (WorkerMessage sample : samples) {
            WorkerMessage.fromJson(GSON, WorkerMessage.toJson(GSON, sample));
        }
        GSON.toJson(new WorkerRequest("warm-up", List.of("."), List.of("T"), List.of("A"), 1, 1, 1, null));
    }

    /** Where an attempt's learner classes go before the request is sent; on the JVM's class path. */
    static Path classesFolder(Path scratch) {
        return scratch.resolve("attempt-classes");
    }

    /** Where an attempt's test classes go before the request is sent; on the JVM's class path. */
    static Path testsFolder(Path scratch) {
        return scratch.resolve("attempt-tests");
    }

    /** The JVM's temporary folder ({@code java.io.tmpdir}), deleted with the rest of its scratch folder. */
    static Path temporaryFolder(Path scratch) {
        return scratch.resolve("tmp");
    }

    Path classesFolder() {
        return classesFolder(scratch);
    }

    Path testsFolder() {
        return testsFolder(scratch);
    }

    static TestJvm start(List<String> command, Path scratch) {
        try {
            Files.createDirectories(classesFolder(scratch));
            Files.createDirectories(testsFolder(scratch));
            Files.createDirectories(temporaryFolder(scratch));
            Process process = new ProcessBuilder(command).directory(scratch.toFile()).start();
            TestJvm jvm = new TestJvm(process, scratch);
            jvm.startReaders();
            return jvm;
        } catch (IOException e) {
            throw new GradingException("Could not start a test JVM (" + command.get(0) + "): " + e.getMessage(), e);
        }
    }

    private void startReaders() {
        Thread out = new Thread(this::readMessages, "tutor-test-jvm-" + process.pid() + "-out");
        out.setDaemon(true);
        out.start();
        Thread err = new Thread(this::readErrors, "tutor-test-jvm-" + process.pid() + "-err");
        err.setDaemon(true);
        err.start();
    }

    private void readMessages() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                Optional<WorkerMessage> message = WorkerMessage.fromJson(GSON, line);
                if (message.isEmpty()) {
                    continue; // something wrote to the raw descriptor; not ours to trust
                }
                if (message.get() instanceof WorkerMessage.Ready) {
                    ready.complete(true);
                } else {
                    messages.add(message.get());
                }
            }
        } catch (IOException e) {
            // the process went away: END below says so
        } finally {
            ready.complete(false);
            messages.add(END);
        }
    }

    private void readErrors() {
        byte[] buffer = new byte[4096];
        try (InputStream in = process.getErrorStream()) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                synchronized (stderr) {
                    int keep = Math.min(n, STDERR_CAP - stderr.size());
                    if (keep > 0) {
                        stderr.write(buffer, 0, keep);
                    }
                }
            }
        } catch (IOException e) {
            // the process went away
        }
    }

    /** Waits until the worker has warmed up; false when it died first or the time ran out. */
    boolean awaitReady(long timeoutMillis) {
        try {
            return ready.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            return false;
        }
    }

    boolean isReady() {
        return ready.isDone() && ready.getNow(false);
    }

    /** Sends the one request and closes standard input, so a learner's read from it ends at once. */
    void send(WorkerRequest request) {
        try (OutputStream in = process.getOutputStream()) {
            in.write((GSON.toJson(request) + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new GradingException("The test JVM stopped before it took the request: " + stderr(), e);
        }
    }

    /** The next message, {@link #END} once the output has ended, or empty when the deadline passed first. */
    Optional<WorkerMessage> next(long deadlineNanos) {
        long waitNanos = deadlineNanos - System.nanoTime();
        try {
            return Optional.ofNullable(messages.poll(Math.max(0, waitNanos), TimeUnit.NANOSECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** The exit status once the process has ended, waiting at most the given time. */
    Optional<Integer> awaitExit(long timeoutMillis) {
        try {
            if (process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
                return Optional.of(process.exitValue());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Optional.empty();
    }

    String stderr() {
        synchronized (stderr) {
            return stderr.toString(StandardCharsets.UTF_8);
        }
    }

    long pid() {
        return process.pid();
    }

    /** Ends the JVM and every process it started, at once. */
    @Override
    public void close() {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ScratchFolders.delete(scratch);
        deleteAttachSocket();
    }

    /**
     * Deletes the socket a JVM that was attached to (Lincheck's agent attaches to its own) leaves behind when
     * killed. HotSpot puts it in /tmp on Linux whatever {@code java.io.tmpdir} says; the name holds the pid.
     */
    private void deleteAttachSocket() {
        try {
            Files.deleteIfExists(ATTACH_SOCKETS.resolve(".java_pid" + process.pid()));
        } catch (IOException e) {
            // left for the OS's temp cleaner
        }
    }
}
