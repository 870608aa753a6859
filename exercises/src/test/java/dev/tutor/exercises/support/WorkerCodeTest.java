package dev.tutor.exercises.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Pins what {@link WorkerCode} blames, on the small classes below, each a nest of its own: a worker's unguarded
 * add, reached through a lambda, a helper or a Thread subclass; and none where a lock or a synchronized list
 * guards it, or where the add runs on the caller. Not listed in any exercise's tests.
 */
class WorkerCodeTest {
    @Test
    void aRunnableLambdaAddingToAPlainListIsBlamed() {
        assertEquals(List.of("List.add() (WorkerCodeTest.java:" + PlainList.ADD_LINE + ")"),
                WorkerCode.unguardedAdds(PlainList.class));
    }

    @Test
    void anAddInAHelperTheWorkerCallsIsBlamed() {
        assertEquals(1, WorkerCode.unguardedAdds(ThroughHelper.class).size());
    }

    @Test
    void aThreadSubclassAddingInRunToAListItWasGivenIsBlamed() {
        assertEquals(1, WorkerCode.unguardedAdds(ThreadSubclass.class).size());
    }

    @Test
    void anAddOutsideTheLockInAClassThatLocksElsewhereIsBlamed() {
        assertEquals(List.of("List.add() (WorkerCodeTest.java:" + LockedElsewhere.ADD_LINE + ")"),
                WorkerCode.unguardedAdds(LockedElsewhere.class));
    }

    @Test
    void anAddAfterTheMonitorIsLetGoIsBlamed() {
        assertEquals(List.of("List.add() (WorkerCodeTest.java:" + AfterTheMonitor.ADD_LINE + ")"),
                WorkerCode.unguardedAdds(AfterTheMonitor.class));
    }

    @Test
    void anAddBetweenLockAndUnlockIsNot() {
        assertEquals(List.of(), WorkerCode.unguardedAdds(UnderALock.class));
    }

    @Test
    void aListOnlyOneWorkerCanReachIsNot() {
        assertEquals(List.of(), WorkerCode.unguardedAdds(OwnLocalList.class));
        assertEquals(List.of(), WorkerCode.unguardedAdds(ListPerWorker.class));
        assertEquals(List.of(), WorkerCode.unguardedAdds(ThreadWithItsOwnList.class));
    }

    @Test
    void aLockItCannotFollowSilencesIt() {
        assertEquals(List.of(), WorkerCode.unguardedAdds(TryLocked.class));
    }

    @Test
    void anAddUnderAMonitorOrOnASynchronizedListIsNot() {
        assertEquals(List.of(), WorkerCode.unguardedAdds(UnderMonitor.class));
        assertEquals(List.of(), WorkerCode.unguardedAdds(SynchronizedList.class));
    }

    @Test
    void anAddOnTheCallingThreadIsNot() {
        assertEquals(List.of(), WorkerCode.unguardedAdds(CallerAdds.class));
    }
}

final class PlainList {
    /** The line of the add below: moving it moves this number. */
    static final int ADD_LINE = 79;

    static Thread start(List<String> results) {
        return new Thread(() -> {
            results.add("done");
        });
    }
}

final class ThroughHelper {
    static Thread start(List<String> results) {
        return new Thread(() -> record(results));
    }

    private static void record(List<String> results) {
        results.add("done");
    }
}

final class ThreadSubclass extends Thread {
    private final List<String> results;

    ThreadSubclass(List<String> results) {
        this.results = results;
    }

    @Override
    public void run() {
        results.add("done");
    }
}

final class UnderMonitor {
    static Thread start(List<String> results) {
        return new Thread(() -> {
            synchronized (results) {
                results.add("done");
            }
        });
    }
}

final class SynchronizedList {
    static Thread start() {
        List<String> results = Collections.synchronizedList(new ArrayList<>());
        return new Thread(() -> results.add("done"));
    }
}

final class CallerAdds {
    static List<Thread> start() {
        List<Thread> threads = new ArrayList<>();
        threads.add(new Thread(() -> { }));
        return threads;
    }
}

final class LockedElsewhere {
    /** The line of the unguarded add below. */
    static final int ADD_LINE = 139;
    private static final java.util.concurrent.locks.ReentrantLock LOCK = new java.util.concurrent.locks.ReentrantLock();

    static Thread start(List<String> results, List<String> log) {
        return new Thread(() -> {
            results.add("done");
            LOCK.lock();
            try {
                log.add("added");
            } finally {
                LOCK.unlock();
            }
        });
    }
}

final class AfterTheMonitor {
    /** The line of the unguarded add below. */
    static final int ADD_LINE = 159;

    static Thread start(List<String> results) {
        return new Thread(() -> {
            synchronized (results) {
                results.add("started");
            }
            results.add("done");
        });
    }
}

final class UnderALock {
    private static final java.util.concurrent.locks.Lock LOCK = new java.util.concurrent.locks.ReentrantLock();

    static Thread start(List<String> results) {
        return new Thread(() -> {
            LOCK.lock();
            try {
                results.add("done");
            } finally {
                LOCK.unlock();
            }
        });
    }
}

final class OwnLocalList {
    static Thread start(List<List<String>> results) {
        return new Thread(() -> {
            List<String> mine = new ArrayList<>();
            fill(mine);
            mine.add("done");
            synchronized (results) {
                results.add(mine);
            }
        });
    }

    private static void fill(List<String> list) {
        list.add("first");
    }
}

final class ListPerWorker {
    static List<String> runAll(int workers) throws InterruptedException {
        List<List<String>> lists = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            List<String> mine = new ArrayList<>();
            lists.add(mine);
            threads.add(new Thread(() -> mine.add("done")));
        }
        for (Thread thread : threads) {
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        List<String> all = new ArrayList<>();
        lists.forEach(all::addAll);
        return all;
    }
}

final class ThreadWithItsOwnList extends Thread {
    final List<String> results = new ArrayList<>();

    @Override
    public void run() {
        results.add("done");
    }
}

final class TryLocked {
    private static final java.util.concurrent.locks.ReentrantLock LOCK = new java.util.concurrent.locks.ReentrantLock();

    static Thread start(List<String> results) {
        return new Thread(() -> {
            while (!LOCK.tryLock()) {
                Thread.onSpinWait();
            }
            try {
                results.add("done");
            } finally {
                LOCK.unlock();
            }
        });
    }
}
