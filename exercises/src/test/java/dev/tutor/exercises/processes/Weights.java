package dev.tutor.exercises.processes;

/**
 * The work of testing each number below {@link #WEIGHED}, as {@link PrimeWorker#isPrime} does it, and the
 * primes among them, by which {@link PrimeSplitterTest} weighs a plan's balance and checks the counts: from a
 * sieve of smallest factors, in a tenth of a second, not by trial division. Not a test itself.
 */
final class Weights {
    /** The largest limit whose work the test weighs: the balance is checked below it. */
    static final int WEIGHED = 1_000_000;

    private static long[] work;
    private static int[] primes;

    private static synchronized void weigh() {
        if (work != null) {
            return;
        }
        int[] smallest = new int[WEIGHED + 1];
        for (int i = 2; i <= WEIGHED; i++) {
            if (smallest[i] == 0) {
                for (long j = i; j <= WEIGHED; j += i) {
                    if (smallest[(int) j] == 0) {
                        smallest[(int) j] = i;
                    }
                }
            }
        }
        long[] w = new long[WEIGHED + 1];
        int[] p = new int[WEIGHED + 1];
        for (int n = 0; n < WEIGHED; n++) {
            long cost;
            if (n < 2) {
                cost = 0;
            } else if (n % 2 == 0) {
                cost = 1;
            } else {
                int root = (int) Math.sqrt(n);
                while ((long) root * root > n) {
                    root--;
                }
                while ((long) (root + 1) * (root + 1) <= n) {
                    root++;
                }
                int factor = smallest[n];
                // The odd d tried: 3, 5, ... up to the smallest factor, or up to the root for a prime.
                cost = factor <= root && factor != n ? 1 + (factor - 1) / 2 : 1 + Math.max(0, (root - 1) / 2);
            }
            w[n + 1] = w[n] + cost;
            p[n + 1] = p[n] + (n >= 2 && smallest[n] == n ? 1 : 0);
        }
        work = w;
        primes = p;
    }

    /** The divisions isPrime makes for the numbers {@code from <= n < to}. */
    static long work(long from, long to) {
        weigh();
        return work[(int) to] - work[(int) from];
    }

    /** The primes {@code p} with {@code from <= p < to}. */
    static long primes(long from, long to) {
        weigh();
        return primes[(int) Math.min(to, WEIGHED)] - primes[(int) Math.min(from, WEIGHED)];
    }
}
