package dev.tutor.exercises.processes;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * Runs a Java program in a child process: a second JVM with its own PID and its own memory, started by
 * this one, watched while it runs, and waited for.
 *
 * <p>This is what a parent process does with every child: it starts it, reads what it says, waits for it
 * to end and looks at its exit code. A child that runs too long is killed, because a process nobody
 * stops keeps running after its parent has lost interest in it.
 *
 * <p>Exercise: complete {@link #run}. Leave {@link Finished} as it is; the tests use it.
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
        // TODO: build the command: this JVM's java launcher, "-cp", classPath, mainClass, then args.
        // TODO: start the child with a ProcessBuilder, its standard error joined to its standard output.
        // TODO: collect its output lines while it runs.
        // TODO: wait for it, at most limit; if it is still running then, kill it and throw a TimeoutException.
        // TODO: on every way out without a result (time-out, interrupt, failure), kill the child and wait
        //       until it is gone before the exception leaves this method.
        return new Finished(-1, -1, List.of());
    }
}
