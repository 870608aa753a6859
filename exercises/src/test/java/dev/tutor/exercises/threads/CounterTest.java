package dev.tutor.exercises.threads;

import static org.junit.jupiter.api.Assertions.fail;

import dev.tutor.exercises.support.CompiledNest;
import dev.tutor.exercises.support.Interleavings;
import dev.tutor.exercises.support.Seeded;
import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Grades the three {@link Counter}s, one after the other in the order of the hints: {@code synchronized}
 * (hint 1), {@link AtomicLong} (hint 2), {@link LongAdder} (hint 3). Each is checked first on one thread,
 * over random sequences of calls on two counters at once; then with two threads incrementing together;
 * then by the means its class asks for.
 *
 * <p>Each test carries {@code @Tag("hint:N")}: when it fails, the tutor offers hint N of the exercise.
 * The races are not left to luck: Lincheck takes over the scheduler and tries the interleavings of the two
 * threads one by one, so a window of a few nanoseconds is found on every run, and the failure shows the
 * schedule that opened it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
// Exploring schedules is CPU work: on a loaded two-core machine one scenario took 24 s. The tutor grades
// with its own limit and ignores this one; it is the IDE's and the build's net for a deadlock.
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@ExtendWith(Seeded.class)
class CounterTest {
    /** Interleavings to try per race: every known mistake fails within them (verify --runs 8 at 30). */
    private static final int SCHEDULES = 30;
    /**
     * Increments per thread in a race. Two, not one: a lock taken on the count's own object (a boxed
     * {@code Long} that {@code ++} replaces) keeps out a second thread's first increment and loses only
     * when one thread comes back for another.
     */
    private static final int EACH = 2;
    /** How long a thread that should be waiting for a lock may take to get there: only a hang costs it. */
    private static final long SETTLE_NANOS = TimeUnit.SECONDS.toNanos(3);

    // ---- SynchronizedCounter (hint 1) ----

    @Test
    @Order(1)
    @Tag("hint:1")
    void synchronizedCounterCountsOnOneThread(Random random) {
        countsOnOneThread("SynchronizedCounter", () -> new SynchronizedCounter(), random);
    }

    @Test
    @Order(2)
    @Tag("hint:1")
    void synchronizedCounterLosesNoUpdateBetweenTwoThreads() {
        Interleavings.explore(SCHEDULES, () -> new SynchronizedCounter(),
                counter -> losesNoUpdate("SynchronizedCounter", counter));
    }

    @Test
    @Order(3)
    @Tag("hint:1")
    void synchronizedCounterReadsUnderTheLockItIncrementsUnder(Random random) throws InterruptedException {
        SynchronizedCounter counter = new SynchronizedCounter();
        int made = 1 + random.nextInt(5);
        for (int i = 0; i < made; i++) {
            counter.increment();
        }
        List<Object> candidates = new ArrayList<>();
        candidates.add(counter);
        candidates.add(SynchronizedCounter.class);
        candidates.addAll(referencesIn(counter));
        Object lock = null;
        for (Object candidate : candidates) {
            Call increment = callWhileHolding(candidate, "increment()", () -> {
                counter.increment();
                return null;
            });
            increment.rethrow();
            made++;
            if (increment.waitedFor(candidate)) {
                lock = candidate;
                break;
            }
        }
        if (lock == null) {
            fail("With each of these held by another thread in turn, increment() still went ahead: the"
                    + " SynchronizedCounter itself, SynchronizedCounter.class and the objects in its fields ("
                    + describe(referencesIn(counter)) + "). This counter is the one that takes Java's"
                    + " built-in lock, synchronized, on an object every thread shares: the counter itself.");
        }
        String lockName = describeLock(lock, counter);
        // The same lock on the next call too: a lock taken on the count's own object (a boxed Long) is
        // replaced by the increment itself, and then two threads can be inside at once.
        Call again = callWhileHolding(lock, "increment()", () -> {
            counter.increment();
            return null;
        });
        again.rethrow();
        made++;
        if (!again.waitedFor(lock)) {
            List<Object> now = referencesIn(counter);
            fail("With " + lockName + " held by another thread, increment() waited for it; after that increment,"
                    + " with the same object still held, the next increment() went ahead without it. Its fields now"
                    + " hold " + describe(now) + ": increment() locks a different object from one call to the next,"
                    + " so two threads can be inside at once. Lock an object that every call shares and that"
                    + " never changes: the counter itself.");
        }
        Call get = callWhileHolding(lock, "get()", counter::get);
        if (!get.waitedFor(lock)) {
            get.rethrow();
            fail("While another thread held " + lockName + ", the lock increment() takes, get() did not wait"
                    + " for it: it returned " + get.returned() + " at once. A read without the lock is not"
                    + " guaranteed to see other threads' increments, ever: the JIT may keep the field in a"
                    + " register and read it once. Read the count under the same lock as increment().");
        }
        long seen = counter.get();
        if (seen != made) {
            fail("After " + made + " increment() calls, one at a time, get() returned " + seen + ": "
                    + tooFewOrMany(seen, made) + ".");
        }
        assertNoField(SynchronizedCounter.class, AtomicLong.class, "AtomicCounter");
        assertNoField(SynchronizedCounter.class, LongAdder.class, "AdderCounter");
        assertCountsInALong(SynchronizedCounter.class);
        countsPastTheIntRange("SynchronizedCounter", new SynchronizedCounter(), "return count", random);
    }

    // ---- AtomicCounter (hint 2) ----

    @Test
    @Order(4)
    @Tag("hint:2")
    void atomicCounterCountsOnOneThread(Random random) {
        countsOnOneThread("AtomicCounter", () -> new AtomicCounter(), random);
    }

    @Test
    @Order(5)
    @Tag("hint:2")
    void atomicCounterLosesNoUpdateBetweenTwoThreads() {
        Interleavings.explore(SCHEDULES, () -> new AtomicCounter(),
                counter -> losesNoUpdate("AtomicCounter", counter));
    }

    @Test
    @Order(6)
    @Tag("hint:2")
    void atomicCounterKeepsItsCountInAnAtomicLong(Random random) {
        assertCountsInALong(AtomicCounter.class);
        assertHasField(AtomicCounter.class, AtomicLong.class, "keep the count in a private final AtomicLong");
        countsPastTheIntRange("AtomicCounter", new AtomicCounter(), "return count.get()", random);
        // A read with no ordering passes every run here: a test's threads are joined before it reads. What it
        // loses is a reader in a loop, which the JIT may let read the field once and never again.
        Collection<String> plainReads = CompiledNest.forbiddenUses(CompiledNest.of(AtomicCounter.class),
                "a read with no memory ordering", (owner, name) -> owner.equals(AtomicLong.class.getName())
                        && name.equals("getPlain"));
        if (!plainReads.isEmpty()) {
            fail("AtomicCounter reads its count with " + String.join("; ", plainReads) + ". getPlain() reads the"
                    + " AtomicLong as if it were a plain long field: nothing makes it see another thread's"
                    + " increments, and a thread that calls get() in a loop may be left reading one old value for"
                    + " ever, the JIT keeping it in a register. Return count.get(), which reads with the"
                    + " guarantees of a volatile field.");
        }
    }

    // ---- AdderCounter (hint 3) ----

    @Test
    @Order(7)
    @Tag("hint:3")
    void adderCounterCountsOnOneThread(Random random) {
        countsOnOneThread("AdderCounter", () -> new AdderCounter(), random);
    }

    @Test
    @Order(8)
    @Tag("hint:3")
    void adderCounterLosesNoUpdateBetweenTwoThreads() {
        Interleavings.explore(SCHEDULES, () -> new AdderCounter(),
                counter -> losesNoUpdate("AdderCounter", counter));
    }

    @Test
    @Order(9)
    @Tag("hint:3")
    void adderCounterKeepsItsCountInALongAdder(Random random) {
        assertCountsInALong(AdderCounter.class);
        assertHasField(AdderCounter.class, LongAdder.class, "keep the count in a private final LongAdder");
        countsPastTheIntRange("AdderCounter", new AdderCounter(), "return count.sum()", random);
    }

    // ---- the checks ----

    /**
     * Random sequences of calls on two counters of one class, on the test's own thread: every get() must
     * return the number of increments made on that counter so far, however often it is read.
     */
    private static void countsOnOneThread(String name, Supplier<Counter> create, Random random) {
        long madeInAll = 0;
        for (int round = 0; round < 60; round++) {
            Counter[] counters = {create.get(), create.get()};
            long[] made = new long[2];
            List<String> calls = new ArrayList<>();
            int length = 1 + random.nextInt(round < 30 ? 12 : 300);
            for (int step = 0; step < length; step++) {
                int which = random.nextInt(2);
                if (random.nextInt(4) == 0) {
                    checkGet(name, counters, made, which, calls, madeInAll);
                } else {
                    counters[which].increment();
                    made[which]++;
                    madeInAll++;
                    record(calls, NAMES[which] + ".increment()");
                }
            }
            // Every sequence ends reading both counters twice, so that a read that changes the count shows.
            for (int read = 0; read < 2; read++) {
                checkGet(name, counters, made, 0, calls, madeInAll);
                checkGet(name, counters, made, 1, calls, madeInAll);
            }
        }
    }

    private static final String[] NAMES = {"a", "b"};

    private static void checkGet(String name, Counter[] counters, long[] made, int which, List<String> calls,
            long madeInAll) {
        long seen = counters[which].get();
        record(calls, NAMES[which] + ".get()");
        if (seen == made[which]) {
            return;
        }
        String history = calls.size() <= 16 ? String.join(", ", calls)
                : "(" + (calls.size() - 12) + " earlier calls), " + String.join(", ", calls.subList(calls.size() - 12,
                calls.size()));
        String shared = "";
        if (seen > made[which] && seen == madeInAll) {
            shared = "; " + String.format("%,d", seen) + " is the number of increments made on all the " + name
                    + "s of this test so far, as if they shared one count";
        } else if (seen > made[which] && seen == made[0] + made[1]) {
            shared = "; " + seen + " is the number of increments made on a and b together, as if they shared one"
                    + " count";
        }
        fail("On one thread, with two new " + name + "s a and b, " + made[0] + " increments of a and " + made[1]
                + " of b so far: " + history + ". That last get() returned " + String.format("%,d", seen) + " for "
                + String.format("%,d", made[which]) + " increments of " + NAMES[which] + ": "
                + tooFewOrMany(seen, made[which]) + shared + ".");
    }

    /** Two threads increment one new counter {@link #EACH} times each; afterwards get() must count all. */
    private static void losesNoUpdate(String name, Counter counter) {
        Interleavings.runTogether("increment()", () -> incrementTimes(counter, EACH),
                () -> incrementTimes(counter, EACH));
        long made = 2L * EACH;
        long seen = counter.get();
        if (seen != made) {
            fail("Two threads each called increment() " + EACH + " times on one new " + name + ", and after both"
                    + " had finished get() returned " + seen + " for " + made + " increments: "
                    + tooFewOrMany(seen, made) + (seen < made && seen > 0 ? " (" + (made - seen) + " lost)" : "")
                    + ".");
        }
    }

    private static void incrementTimes(Counter counter, int times) {
        for (int i = 0; i < times; i++) {
            counter.increment();
        }
    }

    private static String tooFewOrMany(long seen, long made) {
        return seen < made ? "too few" : "too many";
    }

    /** Appends a call to a history, writing a run of the same call as one entry: {@code a.increment() x3}. */
    private static void record(List<String> calls, String call) {
        if (!calls.isEmpty()) {
            String last = calls.get(calls.size() - 1);
            String base = last.replaceAll(" x\\d+$", "");
            if (base.equals(call)) {
                int times = last.equals(base) ? 1 : Integer.parseInt(last.substring(base.length() + 2));
                calls.set(calls.size() - 1, call + " x" + (times + 1));
                return;
            }
        }
        calls.add(call);
    }

    // ---- the lock a call waits for ----

    /** One call made on a thread of its own while the test's thread held a lock. */
    private record Call(Thread thread, LockInfo blockedOn, Object[] result, Throwable[] thrown) {
        boolean waitedFor(Object lock) {
            return blockedOn != null && blockedOn.getIdentityHashCode() == System.identityHashCode(lock)
                    && blockedOn.getClassName().equals(lock.getClass().getName());
        }

        Object returned() {
            return result[0];
        }

        void rethrow() {
            if (thrown[0] != null) {
                fail("No call here may fail, but one threw " + thrown[0] + ".", thrown[0]);
            }
        }
    }

    /**
     * Holds {@code lock} and makes {@code call} on another thread: it either finishes, or stops to wait for a
     * lock, which is then reported. Nothing is left running: the lock is released and the thread joined.
     */
    private static Call callWhileHolding(Object lock, String what, Supplier<Object> call) throws InterruptedException {
        Object[] returned = new Object[1];
        Throwable[] thrown = new Throwable[1];
        Thread caller = new Thread(() -> {
            try {
                returned[0] = call.get();
            } catch (RuntimeException | Error e) {
                thrown[0] = e;
            }
        }, "calls-" + what);
        LockInfo blockedOn = null;
        synchronized (lock) {
            caller.start();
            long deadline = System.nanoTime() + SETTLE_NANOS;
            // A thread's state has no event to wait for; the call settles in microseconds either way.
            while (true) {
                Thread.State state = caller.getState();
                if (state == Thread.State.TERMINATED) {
                    break;
                }
                if (state == Thread.State.BLOCKED) {
                    ThreadInfo info = ManagementFactory.getThreadMXBean().getThreadInfo(caller.threadId());
                    if (info != null && info.getLockInfo() != null) {
                        blockedOn = info.getLockInfo();
                        break;
                    }
                }
                if (System.nanoTime() > deadline) {
                    fail(what + " neither returned nor waited for a lock within " + TimeUnit.NANOSECONDS.toSeconds(
                            SETTLE_NANOS) + " s: it was " + state + ". Does it wait for something that never"
                            + " happens?");
                }
                Thread.onSpinWait();
                Thread.yield();
            }
        }
        caller.join();
        return new Call(caller, blockedOn, returned, thrown);
    }

    /** The objects a counter's fields refer to, static ones too: the locks it might take. */
    private static List<Object> referencesIn(Object owner) {
        List<Object> values = new ArrayList<>();
        for (Field field : owner.getClass().getDeclaredFields()) {
            if (field.getType().isPrimitive() || !isDeclared(field)) {
                continue;
            }
            try {
                field.setAccessible(true);
                Object value = field.get(Modifier.isStatic(field.getModifiers()) ? null : owner);
                if (value != null) {
                    values.add(value);
                }
            } catch (ReflectiveOperationException | RuntimeException e) {
                // a field the test cannot read cannot be a lock it can hold either
            }
        }
        return values;
    }

    private static String describe(List<Object> objects) {
        if (objects.isEmpty()) {
            return "it has none";
        }
        List<String> names = new ArrayList<>();
        for (Object o : objects) {
            names.add("a " + o.getClass().getSimpleName());
        }
        return String.join(", ", names);
    }

    private static String describeLock(Object lock, Object counter) {
        if (lock == counter) {
            return "the counter itself";
        }
        if (lock instanceof Class<?> c) {
            return c.getSimpleName() + ".class";
        }
        return "the " + lock.getClass().getSimpleName() + " in one of its fields";
    }

    // ---- what each class keeps its count in ----

    /** The count is a long: a count in an int wraps around to a negative number after 2^31 - 1 increments. */
    private static void assertCountsInALong(Class<?> owner) {
        for (Field field : owner.getDeclaredFields()) {
            if (!isDeclared(field)) {
                continue;
            }
            Class<?> type = field.getType();
            if (type == int.class || type == Integer.class || type == AtomicInteger.class || type == short.class
                    || type == Short.class) {
                fail(String.format("%s keeps a field %s of type %s. Counter's count is a long: an int holds at"
                        + " most %,d, and one increment more wraps it around to %,d.", owner.getSimpleName(),
                        field.getName(), type.getSimpleName(), Integer.MAX_VALUE, Integer.MIN_VALUE));
            }
        }
    }

    /**
     * Brings a new counter's count close to {@link Integer#MAX_VALUE} through its own field, as that many
     * increments would, then increments it past that and checks that get() gives the exact long back. Counting
     * there one by one would take seconds; the fields only tell whether get() keeps the whole long. A counter
     * whose count the test cannot find (no single long, Long, AtomicLong or LongAdder field holding it) is left
     * to the other checks.
     */
    private static void countsPastTheIntRange(String name, Counter counter, String right, Random random) {
        Field field = countField(counter.getClass());
        if (field == null) {
            return;
        }
        long before = 1 + random.nextInt(5);
        for (int i = 0; i < before; i++) {
            counter.increment();
        }
        int shortOf = random.nextInt(4);
        long given = Integer.MAX_VALUE - before - shortOf;
        try {
            field.setAccessible(true);
            Object value = field.get(counter);
            if (value instanceof AtomicLong atomic) {
                atomic.addAndGet(given);
            } else if (value instanceof LongAdder adder) {
                adder.add(given);
            } else if (field.getType() == long.class || value instanceof Long) {
                synchronized (counter) {
                    if (field.getType() == long.class) {
                        field.setLong(counter, field.getLong(counter) + given);
                    } else {
                        field.set(counter, (Long) field.get(counter) + given);
                    }
                }
            } else {
                return;
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            return;   // a count the test cannot reach is left to the other checks
        }
        // Enough increments to cross Integer.MAX_VALUE, whatever the random steps: the count ends past it.
        long after = shortOf + 1 + random.nextInt(6);
        for (int i = 0; i < after; i++) {
            counter.increment();
        }
        long expected = before + given + after;
        long seen = counter.get();
        if (seen != expected) {
            String cut = seen == (int) expected ? String.format(" %,d is that count cut to an int, as intValue() or"
                    + " a cast to (int) does: past %,d an int wraps around to the negatives.", seen,
                    Integer.MAX_VALUE) : "";
            fail(String.format("A new %s was incremented %d times, then its %s field %s was given %,d more, as that"
                    + " many increments would have done, and it was incremented %d times more: get() returned %,d"
                    + " for a count of %,d.%s Counter's count is a long, exact past %,d: %s, the whole long.",
                    name, before, field.getType().getSimpleName(), field.getName(), given, after, seen, expected,
                    cut, Integer.MAX_VALUE, right));
        }
    }

    /** The one instance field that can hold a long count, or null when there is none or more than one. */
    private static Field countField(Class<?> owner) {
        Field found = null;
        for (Field field : owner.getDeclaredFields()) {
            Class<?> type = field.getType();
            if (!isDeclared(field) || Modifier.isStatic(field.getModifiers()) || !(type == long.class
                    || type == Long.class || type == AtomicLong.class || type == LongAdder.class)) {
                continue;
            }
            if (found != null) {
                return null;
            }
            found = field;
        }
        return found;
    }

    /** A field written in the source, not one a tool added to the compiled class (a coverage probe). */
    private static boolean isDeclared(Field field) {
        return !field.isSynthetic() && !field.getName().contains("$");
    }

    private static void assertHasField(Class<?> owner, Class<?> type, String what) {
        for (Field field : owner.getDeclaredFields()) {
            if (field.getType() == type && !Modifier.isStatic(field.getModifiers())) {
                return;
            }
        }
        fail(owner.getSimpleName() + " counts right, but it has no instance field of type " + type.getSimpleName()
                + ": this exercise asks for three ways to count, and this one should " + what + ".");
    }

    private static void assertNoField(Class<?> owner, Class<?> type, String whoseWay) {
        for (Field field : owner.getDeclaredFields()) {
            if (field.getType() == type) {
                fail(owner.getSimpleName() + " counts right, but it keeps its count in a " + type.getSimpleName()
                        + ", which is " + whoseWay + "'s way. Keep a plain long here and guard it with"
                        + " synchronized.");
            }
        }
    }
}
