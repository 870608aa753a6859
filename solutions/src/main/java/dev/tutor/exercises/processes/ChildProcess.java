package dev.tutor.exercises.processes;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a Java program in a child process: a second JVM with its own PID and its own memory, started by
 * this one, watched while it runs, and waited for.
 *
 * <p>This is what a parent process does with every child: it starts it, reads what it says, waits for it
 * to end and looks at its exit code. A child that runs too long is killed, because a process nobody
 * stops keeps running after its parent has lost interest in it.
 */
public final class ChildProcess {

    private ChildProcess() {
    }

    /**
     * What a child left behind when it ended.
     *
     * @param pid      the child's process ID, as the operating system numbered it
     * @param exitCode the status it ended with; 0 by convention means success
     * @param output   everything it printed, standard output and standard error, line by line
     */
    public record Finished(long pid, int exitCode, List<String> output) {
        public Finished {
            output = List.copyOf(output);
        }
    }

    /**
     * Runs {@code java -cp classPath mainClass args...} with this JVM's own {@code java} launcher, and
     * returns once the child has ended and its output has been read to the end.
     *
     * <p>Each element of {@code args} reaches the child as one argument, exactly as given, even when it holds
     * spaces or is empty. The child's standard error is joined to its standard output, so {@link
     * Finished#output} holds every line it printed on either, in the order it printed them, up to the end of
     * its output. That end may come after the child's own: a process the child started can hold its output
     * open, and print into it, after the child has ended.
     *
     * <p>Whatever way this method ends without a result, it leaves no child behind: the child is killed
     * forcibly (a child may ignore a polite request to stop) and is gone by the time the exception reaches
     * the caller. Nor does it leave a thread of its own running once the child is gone.
     *
     * @param limit how long the child may run; after that it is killed and this method throws
     * @throws TimeoutException     if the child was still running after {@code limit}; it is dead by the
     *                              time this method throws
     * @throws InterruptedException if the calling thread is interrupted while it waits for the child; the
     *                              child is dead by the time this method throws
     * @throws IOException          if the child could not be started or its output could not be read
     */
    public static Finished run(String classPath, String mainClass, List<String> args, Duration limit)
            throws IOException, InterruptedException, TimeoutException {
        List<String> command = new ArrayList<>();
        command.add(javaLauncher().toString());
        command.add("-cp");
        command.add(classPath);
        command.add(mainClass);
        command.addAll(args);

        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            // The pipe between us holds about 64 KiB: read while the child runs, or it stops at a full pipe.
            // The reading ends by itself, at the end of the output, which comes when the child is gone.
            FutureTask<List<String>> reading = new FutureTask<>(() -> child.inputReader().lines().toList());
            new Thread(reading, "output of child " + child.pid()).start();

            if (!child.waitFor(limit.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new TimeoutException("child " + child.pid() + " (" + mainClass + ") still ran after "
                        + limit.toMillis() + " ms and was killed");
            }
            return new Finished(child.pid(), child.exitValue(), outputOf(child, reading));
        } finally {
            // After a time-out, an interrupt or a failure, the child must not outlive our interest in it; after
            // a normal end it is gone already, and this does nothing. join() waits without being
            // interruptible, so a second interrupt cannot leave the child running.
            child.destroyForcibly().onExit().join();
        }
    }

    /** The {@code java} launcher of the JDK this JVM runs on, so the child runs the same Java. */
    static Path javaLauncher() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    private static List<String> outputOf(Process child, FutureTask<List<String>> reading)
            throws IOException, InterruptedException {
        try {
            return reading.get();
        } catch (ExecutionException e) {
            throw new IOException("could not read the output of child " + child.pid(), e.getCause());
        }
    }
}
