package dev.tutor.exercises.processes;

import java.nio.file.Path;
import java.util.List;

/**
 * One worker of {@link PrimeSplitter}: a program that runs in a child process, counts the primes in the
 * ranges it is given, and answers on standard output.
 *
 * <p>Its whole conversation with the parent is one command line in and one line out. Started as
 * {@code java -cp ... PrimeWorker FROM TO [FROM TO ...]}, with one or more ranges, it prints one line,
 * {@code PID COUNT}: its own process ID and the number of primes {@code p} with {@code FROM <= p < TO} in all
 * of its ranges together. Then {@code main} returns, and the process ends with status 0. Started with no
 * arguments or an odd number of them, it says how to use it on standard error and ends with status 2.
 */
public final class PrimeWorker {

    private PrimeWorker() {
    }

    public static void main(String[] args) {
        if (args.length == 0 || args.length % 2 != 0) {
            System.err.println("usage: PrimeWorker FROM TO [FROM TO ...] (counts the primes p with FROM <= p < TO,"
                    + " in every range)");
            System.exit(2);
        }
        long total = 0;
        for (int i = 0; i < args.length; i += 2) {
            total += countPrimes(Long.parseLong(args[i]), Long.parseLong(args[i + 1]));
        }
        System.out.println(ProcessHandle.current().pid() + " " + total);
    }

    /** The command that starts one worker with the given class path; the ranges go after it. */
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

    /**
     * Whether {@code n} is prime, by trial division: the remainder by 2, then by each odd {@code d} from 3
     * up to the first that divides {@code n} or the last with {@code d * d <= n}. A prime near {@code N}
     * takes about {@code sqrt(N) / 2} divisions, so testing big numbers is more work than testing small ones.
     */
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
