package dev.tutor.exercises.gil;

import dev.tutor.runtime.gil.Gil;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/** Known mistake: each thread is joined right after it starts, so the fetches run one after another. */
public final class GilFetcher {

    /** A blocking fetch, standing for a socket read: it may wait a long time before it returns. */
    @FunctionalInterface
    public interface Page {
        /** Returns the body of the page at {@code url}, waiting as long as the network takes. */
        String fetch(String url) throws IOException;
    }

    private final Gil gil;
    private final Page page;
    private final UnaryOperator<String> parse;

    /**
     * @param gil   the GIL that every thread of this fetcher plays by
     * @param page  the blocking fetch
     * @param parse the "Python code" that turns a body into a result; it must run holding the GIL
     */
    public GilFetcher(Gil gil, Page page, UnaryOperator<String> parse) {
        this.gil = Objects.requireNonNull(gil, "gil");
        this.page = Objects.requireNonNull(page, "page");
        this.parse = Objects.requireNonNull(parse, "parse");
    }

    /**
     * Fetches and parses one page on the calling thread, which must not hold the GIL yet. Returns with
     * the GIL released, whether the fetch succeeded or threw.
     */
    public String fetchOne(String url) throws IOException {
        gil.acquire();
        try {
            String body = gil.blockingIo(() -> page.fetch(url)); // the GIL is free while we wait
            return parse.apply(body);                             // Python code: the GIL is held again
        } finally {
            gil.release();
        }
    }

    /**
     * Fetches every page, each on its own new thread, so that their waits overlap, and returns the
     * results in the order of {@code urls}. If a fetch fails, throws the first failure's IOException.
     */
    public List<String> fetchAll(List<String> urls) throws IOException, InterruptedException {
        String[] results = new String[urls.size()];
        IOException[] failures = new IOException[urls.size()];
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < urls.size(); i++) {
            int index = i;
            Thread thread = Thread.ofPlatform().name("fetch-" + (i + 1)).start(() -> {
                try {
                    results[index] = fetchOne(urls.get(index));
                } catch (IOException e) {
                    failures[index] = e;
                }
            });
            threads.add(thread);
            thread.join();
        }
        for (IOException failure : failures) {
            if (failure != null) {
                throw failure;
            }
        }
        return Arrays.asList(results);
    }
}
