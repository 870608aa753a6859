package dev.tutor.exercises.threads;

import dev.tutor.exercises.threads.Workers.Result;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * What the failure messages of the tests of {@link Workers} say about a wrong answer beyond what it did: results
 * and thread names in the order a reader expects, and which other rule a wrong set of names or a wrong count of
 * threads follows, when one does.
 */
final class WorkersRemarks {

    private WorkersRemarks() {
    }

    /** "w-1 (input 5)" entries ordered by the number after the prefix, not as text. */
    static List<String> byPlace(List<String> runs, String prefix) {
        List<String> copy = new ArrayList<>(runs);
        copy.sort(Comparator.comparingLong(run -> placeOf(run, prefix)));
        return copy;
    }

    private static long placeOf(String run, String prefix) {
        String rest = run.startsWith(prefix) ? run.substring(prefix.length()) : run;
        int space = rest.indexOf(' ');
        try {
            return Long.parseLong(space < 0 ? rest : rest.substring(0, space));
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    /** What the names have in common, when they all follow one rule other than the place from 1. */
    static String aboutNames(ConcurrentLinkedQueue<WorkCall> calls, List<Integer> inputs, String prefix) {
        boolean byValue = true;
        boolean fromZero = true;
        Map<Integer, Integer> firstIndex = new HashMap<>();
        for (int i = inputs.size() - 1; i >= 0; i--) {
            firstIndex.put(inputs.get(i), i);
        }
        boolean byFirstIndex = true;
        List<String> zeroBased = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            zeroBased.add(prefix + i);
        }
        List<String> seen = new ArrayList<>();
        for (WorkCall c : calls) {
            String name = c.thread().getName();
            seen.add(name);
            byValue &= name.equals(prefix + c.input());
            byFirstIndex &= name.equals(prefix + (firstIndex.get(c.input()) + 1));
        }
        Collections.sort(seen);
        Collections.sort(zeroBased);
        fromZero = seen.equals(zeroBased);
        if (fromZero) {
            return " The names count from 0; the first input's thread is namePrefix + 1.";
        }
        if (byValue) {
            return " Each thread is named after its input's value; the name comes from the input's place in the"
                    + " list, i + 1, whatever the value.";
        }
        if (byFirstIndex) {
            return " Equal inputs ran on threads of the same name, the place of the first of them: each input has a"
                    + " place of its own, i + 1, even when its value repeats.";
        }
        return "";
    }

    /** Which other way of counting gives the number countAlive returned, when one does. */
    static String aboutCount(int returned, int expected, int activeCount) {
        if (returned == activeCount) {
            return " " + returned + " is also what Thread.activeCount() returns here: an estimate of the live threads"
                    + " of the caller's thread group, whatever their names.";
        }
        if (returned == expected - 2) {
            return " " + returned + " is the number of different names among them: threads may share a name, and each"
                    + " is a thread of its own.";
        }
        if (returned == expected - 1) {
            return " " + returned + " is the count without the daemon: a daemon thread is alive like any other.";
        }
        if (returned == expected + 2) {
            return " " + returned + " is the count with the two threads whose names have the prefix inside them.";
        }
        return "";
    }

    /** The results ordered by worker name, shorter first so that w-2 comes before w-10, then by input. */
    static List<Result> sorted(List<Result> results) {
        List<Result> copy = new ArrayList<>(results);
        copy.sort(Comparator.comparing(Result::worker, Comparator.comparingLong(n -> n.length()))
                .thenComparing(Result::worker).thenComparingInt(Result::input));
        return copy;
    }
}
