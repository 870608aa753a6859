package dev.tutor.exercises.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

class GuardedFieldsTest {

    /** Changed under the monitor, read bare: the shape of a stale read. */
    static final class ReadBare {
        private int count;

        synchronized void increment() {
            count++;
        }

        int count() {
            return count;
        }
    }

    /** Every access under the monitor, one of them through a private helper only ever called with it held. */
    static final class AllGuarded {
        private int count;

        synchronized void increment() {
            bump();
        }

        private void bump() {
            count++;
        }

        int count() {
            synchronized (this) {
                return count;
            }
        }
    }

    /** A Lock, released in a finally, around both the change and the read. */
    static final class WithALock {
        private final ReentrantLock lock = new ReentrantLock();
        private long total;

        void add(long n) {
            lock.lock();
            try {
                total += n;
            } finally {
                lock.unlock();
            }
        }

        long total() {
            lock.lock();
            try {
                return total;
            } finally {
                lock.unlock();
            }
        }
    }

    /** Volatile fields are not guarded by a lock, and are not this rule's business. */
    static final class VolatileField {
        private volatile int count;

        synchronized void increment() {
            count++;
        }

        int count() {
            return count;
        }
    }

    @Test
    void aFieldChangedUnderALockAndReadWithoutOneIsFound() {
        List<GuardedFields.Finding> found = GuardedFields.of(ReadBare.class);
        assertEquals(1, found.size(), () -> String.valueOf(found));
        assertEquals("count", found.get(0).field());
        assertTrue(found.get(0).unguarded().stream().anyMatch(where -> where.contains("in count()")),
                () -> String.valueOf(found.get(0).unguarded()));
    }

    @Test
    void fieldsGuardedEverywhereAreNotFound() {
        assertEquals(List.of(), GuardedFields.of(AllGuarded.class));
        assertEquals(List.of(), GuardedFields.of(WithALock.class));
        assertEquals(List.of(), GuardedFields.of(VolatileField.class));
    }
}
