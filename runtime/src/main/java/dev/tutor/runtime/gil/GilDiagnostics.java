package dev.tutor.runtime.gil;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * What the simulated GILs alive in this JVM say about one thread, for a thread dump: a thread waiting
 * for the GIL is parked on a condition the JVM cannot tie to an owner, so without this a dump of a
 * deadlock through the GIL shows no cause.
 */
public final class GilDiagnostics {
    private static final Set<SimulatedGil> LIVE = Collections.synchronizedSet(
            Collections.newSetFromMap(new WeakHashMap<>()));

    private GilDiagnostics() {
    }

    static void register(SimulatedGil gil) {
        LIVE.add(gil);
    }

    /**
     * One line for each simulated GIL that {@code thread} holds or waits for, such as
     * {@code waits for the simulated GIL, held by "fetch-1"}; empty when it has nothing to do with one.
     */
    public static List<String> describe(Thread thread) {
        List<SimulatedGil> gils;
        synchronized (LIVE) {
            gils = new ArrayList<>(LIVE);
        }
        List<String> lines = new ArrayList<>();
        for (SimulatedGil gil : gils) {
            gil.describe(thread).ifPresent(lines::add);
        }
        return lines;
    }
}
