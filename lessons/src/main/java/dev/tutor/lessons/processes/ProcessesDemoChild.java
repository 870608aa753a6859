package dev.tutor.lessons.processes;

/**
 * The child side of {@link ProcessesDemo}: a small program that the demo starts in a JVM of its own.
 *
 * <p>With no arguments it reports its PID and its parent's, looks at {@link ProcessesDemo#counter} in its
 * own memory, changes it, and ends with exit code 7. With {@code primes FROM TO} it counts the primes in
 * that range and answers with one line: its PID, the count, and the milliseconds the counting took.
 */
public final class ProcessesDemoChild {
    /** The exit code of the memory run, so that the parent can see it arrive. */
    static final int EXIT_CODE = 7;

    private ProcessesDemoChild() {
    }

    public static void main(String[] args) {
        if (args.length == 3 && args[0].equals("primes")) {
            long from = Long.parseLong(args[1]);
            long to = Long.parseLong(args[2]);
            long started = System.nanoTime();
            long primes = countPrimes(from, to);
            long millis = (System.nanoTime() - started) / 1_000_000;
            System.out.println(ProcessHandle.current().pid() + " " + primes + " " + millis);
            return;
        }
        ProcessHandle me = ProcessHandle.current();
        String parent = me.parent().map(p -> Long.toString(p.pid())).orElse("unknown");
        System.out.println("my pid is " + me.pid() + ", my parent's is " + parent);
        System.out.println("counter = " + ProcessesDemo.counter + " in my memory");
        ProcessesDemo.counter += 1_000;
        System.out.println("counter = " + ProcessesDemo.counter + " after I added 1000");
        System.exit(EXIT_CODE);
    }

    /** The primes {@code p} with {@code from <= p < to}, by trial division: pure CPU work. */
    static long countPrimes(long from, long to) {
        long count = 0;
        for (long n = Math.max(from, 2); n < to; n++) {
            if (isPrime(n)) {
                count++;
            }
        }
        return count;
    }

    private static boolean isPrime(long n) {
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
