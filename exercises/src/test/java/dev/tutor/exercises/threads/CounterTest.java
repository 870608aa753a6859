package dev.tutor.exercises.threads;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Grades the three {@link Counter}s. Each test hammers one counter: eight threads wait at a barrier,
 * start together and call {@code increment()} for 12 ms, each keeping its own tally, and then the count
 * must equal the sum of the tallies. The
 * tests run in the order of the hints: {@code synchronized} (hint 1), {@link AtomicLong} (hint 2),
 * {@link LongAdder} (hint 3).
 *
 * <p>A racy counter does not lose updates on every run, so the course manifest repeats these tests; the
 * tutor reports the run that caught it. Each run takes a few tens of milliseconds.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class CounterTest {

    /** More threads than cores, so that threads are also switched out in the middle of an increment. */
    private static final int THREADS = 8;
    /** How long the threads hammer a counter: long enough for a race to show, short enough to repeat. */
    private static final long HAMMER_NANOS = TimeUnit.MILLISECONDS.toNanos(12);
    /** Written after every increment, so that the JIT cannot merge many increments into one. */
    private static volatile int fence;

    @Test
    @Order(1)
    @Tag("hint:1")
    void synchronizedCounterLosesNoUpdates() throws InterruptedException {
        Hammered counted = hammer(new SynchronizedCounter());

        assertExact("SynchronizedCounter", counted, "Mark increment() and get() synchronized, so that every"
                + " thread takes the same lock, the counter itself, and only one of them is inside at a time."
                + " A lock keeps out only the threads that take the same lock: synchronized (new Object())"
                + " locks a different object on every call and keeps out no one.");
        assertNoField(SynchronizedCounter.class, AtomicLong.class, "AtomicCounter");
        assertNoField(SynchronizedCounter.class, LongAdder.class, "AdderCounter");
    }

    @Test
    @Order(2)
    @Tag("hint:2")
    void atomicCounterLosesNoUpdates() throws InterruptedException {
        Hammered counted = hammer(new AtomicCounter());

        assertExact("AtomicCounter", counted, "A volatile field makes every read and write visible to the"
                + " other threads, but count++ on it is still a read and a separate write. An AtomicLong does"
                + " the whole increment as one step: incrementAndGet(). Calling get() and then set() on it"
                + " is two steps again, with the same gap between them.");
        assertHasField(AtomicCounter.class, AtomicLong.class, "keep the count in an AtomicLong");
    }

    @Test
    @Order(3)
    @Tag("hint:3")
    void adderCounterLosesNoUpdates() throws InterruptedException {
        Hammered counted = hammer(new AdderCounter());

        assertExact("AdderCounter", counted, "Keep the count in a LongAdder: increment() adds one, and"
                + " sum() adds up its cells when get() is called.");
        assertHasField(AdderCounter.class, LongAdder.class, "keep the count in a LongAdder");
    }

    /** What one hammering did: how many increments the threads made, and what get() said afterwards. */
    private record Hammered(long made, long counted) {
    }

    /**
     * Starts {@link #THREADS} threads together; each calls {@code increment()} for {@link #HAMMER_NANOS}
     * and keeps its own tally, which no other thread touches.
     */
    private static Hammered hammer(Counter counter) throws InterruptedException {
        CyclicBarrier startTogether = new CyclicBarrier(THREADS);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long[] made = new long[THREADS];
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int slot = t;
            Thread thread = new Thread(() -> {
                try {
                    startTogether.await(5, TimeUnit.SECONDS);
                    long until = System.nanoTime() + HAMMER_NANOS;
                    long mine = 0;
                    do {
                        for (int i = 0; i < 256; i++) {
                            counter.increment();
                            fence = i;
                        }
                        mine += 256;
                    } while (System.nanoTime() < until);
                    made[slot] = mine;
                } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
                    failure.compareAndSet(null, e);
                } catch (RuntimeException | Error e) {
                    failure.compareAndSet(null, e);
                }
            }, "incrementer-" + (t + 1));
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(8));
            if (thread.isAlive()) {
                fail(thread.getName() + " was still incrementing after 8 s: does increment() wait for something"
                        + " that never happens?");
            }
        }
        if (failure.get() != null) {
            Throwable e = failure.get();
            fail(counter.getClass().getSimpleName() + ".increment() threw " + e, e);
        }
        long total = 0;
        for (long m : made) {
            total += m;
        }
        return new Hammered(total, counter.get());
    }

    private static void assertExact(String name, Hammered h, String howToFix) {
        if (h.counted() == h.made()) {
            return;
        }
        String start = String.format("%d threads started together and called increment() %,d times in all on"
                + " one %s, so get() should return %,d; it returned %,d", THREADS, h.made(), name, h.made(),
                h.counted());
        if (h.counted() < h.made() && h.counted() > 0) {
            fail(String.format("%s: %,d updates were lost. count++ is three steps, read, add one, write back,"
                    + " and two threads that read the same value both write back the same sum. ", start,
                    h.made() - h.counted()) + howToFix);
        }
        fail(start + ". " + howToFix);
    }

    private static void assertHasField(Class<?> owner, Class<?> type, String what) {
        for (Field field : owner.getDeclaredFields()) {
            if (field.getType() == type) {
                return;
            }
        }
        fail(owner.getSimpleName() + " counts right, but it has no field of type " + type.getSimpleName()
                + ": this exercise asks for three ways to do it, and this one should " + what + ".");
    }

    private static void assertNoField(Class<?> owner, Class<?> type, String whoseWay) {
        for (Field field : owner.getDeclaredFields()) {
            assertTrue(field.getType() != type, () -> owner.getSimpleName() + " counts right, but it keeps its"
                    + " count in a " + type.getSimpleName() + ", which is " + whoseWay + "'s way. Keep a plain"
                    + " long here and guard it with synchronized.");
        }
    }
}
