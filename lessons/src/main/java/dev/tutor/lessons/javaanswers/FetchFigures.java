package dev.tutor.lessons.javaanswers;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one run of {@link FetchRun} measured, and the one line it travels in from the child JVM to
 * {@link TenThousandFetchesDemo}: {@code figures} then tab-separated {@code key=value} pairs.
 *
 * @param kind virtual, platform or loop
 * @param count fetches started
 * @param ok fetches answered with status 200
 * @param millis wall time from the first thread or task started to the last fetch done
 * @param allSentMillis when the last request had been sent, so that every fetch was in flight; -1 if never
 * @param peakRssKb the child's peak resident memory (VmHWM), -1 where unknown
 * @param threadStacksKb stacks committed for platform threads when every fetch was in flight (NMT), -1 where unknown
 * @param heapUsedKb heap in use at that moment, -1 where unknown
 * @param threadsStarted platform threads the JVM started during the run
 * @param peakThreads the most platform threads alive at once in the child's life
 * @param jdkThreads the JDK's own platform threads for this work at that moment, named
 * @param failure the first failure seen, empty when none
 */
record FetchFigures(String kind, int count, int ok, long millis, long allSentMillis, long peakRssKb, long threadStacksKb,
                    long heapUsedKb, long threadsStarted, int peakThreads, String jdkThreads, String failure) {

    private static final String PREFIX = "figures";

    /** The line a child prints: tabs separate the pairs, and no value may hold a tab or a line break. */
    String toLine() {
        Map<String, String> pairs = new LinkedHashMap<>();
        pairs.put("kind", kind);
        pairs.put("count", Integer.toString(count));
        pairs.put("ok", Integer.toString(ok));
        pairs.put("millis", Long.toString(millis));
        pairs.put("allSentMillis", Long.toString(allSentMillis));
        pairs.put("peakRssKb", Long.toString(peakRssKb));
        pairs.put("threadStacksKb", Long.toString(threadStacksKb));
        pairs.put("heapUsedKb", Long.toString(heapUsedKb));
        pairs.put("threadsStarted", Long.toString(threadsStarted));
        pairs.put("peakThreads", Integer.toString(peakThreads));
        pairs.put("jdkThreads", jdkThreads);
        pairs.put("failure", failure);
        StringBuilder line = new StringBuilder(PREFIX);
        pairs.forEach((key, value) -> line.append('\t').append(key).append('=').append(clean(value)));
        return line.toString();
    }

    /** The figures in {@code line}, or empty when it is not a figures line (a child may print other things). */
    static Optional<FetchFigures> parse(String line) {
        if (!line.startsWith(PREFIX + "\t")) {
            return Optional.empty();
        }
        Map<String, String> pairs = new LinkedHashMap<>();
        for (String pair : line.substring(PREFIX.length() + 1).split("\t")) {
            int equals = pair.indexOf('=');
            if (equals > 0) {
                pairs.put(pair.substring(0, equals), pair.substring(equals + 1));
            }
        }
        try {
            return Optional.of(new FetchFigures(pairs.get("kind"), Integer.parseInt(pairs.get("count")),
                    Integer.parseInt(pairs.get("ok")), Long.parseLong(pairs.get("millis")),
                    Long.parseLong(pairs.get("allSentMillis")),
                    Long.parseLong(pairs.get("peakRssKb")), Long.parseLong(pairs.get("threadStacksKb")),
                    Long.parseLong(pairs.get("heapUsedKb")), Long.parseLong(pairs.get("threadsStarted")),
                    Integer.parseInt(pairs.get("peakThreads")), pairs.getOrDefault("jdkThreads", ""),
                    pairs.getOrDefault("failure", "")));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The column headings of {@link #row()}. */
    static String heading() {
        return String.format("  %-9s %11s %8s %8s %10s %13s %10s %8s %8s", "run", "fetches", "all sent", "time",
                "peak RSS", "thread stacks", "heap used", "threads", "at once");
    }

    /** One row of the table: unknown figures as "n/a", memory in MiB. */
    String row() {
        return String.format("  %-9s %11s %8s %8s %10s %13s %10s %8d %8d", kind, ok + "/" + count,
                allSentMillis < 0 ? "n/a" : seconds(allSentMillis), seconds(millis), mib(peakRssKb), mib(threadStacksKb), mib(heapUsedKb),
                threadsStarted, peakThreads);
    }

    private static String seconds(long millis) {
        return String.format("%.2f s", millis / 1000.0);
    }

    /** KiB as MiB with one decimal, or "n/a" for -1. */
    static String mib(long kb) {
        return kb < 0 ? "n/a" : String.format("%.1f MiB", kb / 1024.0);
    }

    /** The median of {@code values}: the middle one, or the mean of the two middle ones. */
    static double median(List<Long> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("No values: a median needs at least one.");
        }
        List<Long> sorted = values.stream().sorted().toList();
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2.0;
    }

    private static String clean(String value) {
        return value == null ? "" : value.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
    }
}
