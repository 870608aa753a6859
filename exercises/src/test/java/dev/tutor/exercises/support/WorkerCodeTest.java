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
    void aThreadSubclassAddingInRunIsBlamed() {
        assertEquals(1, WorkerCode.unguardedAdds(ThreadSubclass.class).size());
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
    static final int ADD_LINE = 50;

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
    private final ArrayList<String> results = new ArrayList<>();

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
