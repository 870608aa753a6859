package dev.tutor.runtime.meter;

import java.util.List;

/** The names of the meters' threads still alive in this JVM: what a test of closing looks at. */
final class MeterThreads {
    private MeterThreads() {
    }

    static List<String> alive() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> name.startsWith("meter-")).toList();
    }
}
