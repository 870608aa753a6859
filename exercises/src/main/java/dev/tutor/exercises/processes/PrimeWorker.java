package dev.tutor.exercises.processes;

import java.nio.file.Path;
import java.util.List;

/**
 * One worker of {@link PrimeSplitter}: a program that runs in a child process, counts the primes in the
 * range it is given, and answers on standard output.
 *
 * <p>Its whole conversation with the parent is one command line in and one line out: started as
 * {@code java -cp ... PrimeWorker FROM TO}, it prints {@code PID COUNT}, its own process ID and the number
 * of primes {@code p} with {@code FROM <= p < TO}, and ends with status 0.
 *
 * <p>Exercise: complete {@link #main}. {@link #countPrimes} and {@link #command} are done.
 */
public final class PrimeWorker {

    private PrimeWorker() {
    }

    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: PrimeWorker FROM TO (counts the primes p with FROM <= p < TO)");
            System.exit(2);
        }
        long from = Long.parseLong(args[0]);
        long to = Long.parseLong(args[1]);
        // TODO: print one line: this process's own PID, a space, and the number of primes from <= p < to.
    }

    /** The command that starts one worker with the given class path; the range goes after it. */
    public static List<String> command(String classPath) {
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classPath,
                PrimeWorker.class.getName());
    }

    /** How many primes {@code p} there are with {@code from <= p < to}, by trial division: CPU work. */
    public static long countPrimes(long from, long to) {
        long count = 0;
        for (long n = Math.max(from, 2); n < to; n++) {
            if (isPrime(n)) {
                count++;
            }
        }
        return count;
    }

    static boolean isPrime(long n) {
        if (n < 2) {
            return false;
        }
        if (n % 2 == 0) {
            return n == 2;
        }
        for (long d = 3; d * d <= n; d += 2) {
            if (n % d == 0) {
                return false;
            }
        }
        return true;
    }
}
