package dev.tutor.exercises.threadsio;

import dev.tutor.runtime.gil.Gil;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * One fetch made by a "Python" thread under the simulated GIL: the thread must hold the GIL to run
 * Python code, and it should let go of it while it waits for the network, as CPython does around a
 * blocking {@code recv}, so that other Python threads can run and send their own requests meanwhile.
 *
 * <p>{@link #download} is the blocking call (CPython's C code for the socket, which needs no GIL);
 * {@link #summarize} is Python code and throws if its thread does not hold the GIL.
 *
 * <p>Exercise: complete {@link #fetch}. Leave the two helpers as they are; the tests rely on them.
 */
public final class GilFetcher {

    private GilFetcher() {
    }

    /**
     * Fetches {@code page} and returns the summary of its body. Called on a Python thread that does not
     * hold the GIL; it must not hold it when this method returns either, also when the download fails.
     */
    public static String fetch(Gil gil, URI page) {
        gil.acquire();
        String body = gil.blockingIo(() -> download(page));
        return summarize(gil, page, body); // returns still holding the GIL
    }

    /** Makes one blocking GET request and returns the body. Needs no GIL: it is the socket's C code. */
    static String download(URI page) {
        try {
            HttpURLConnection connection = (HttpURLConnection) page.toURL().openConnection();
            connection.setConnectTimeout(5_000);
            connection.setReadTimeout(5_000);
            try (InputStream body = connection.getInputStream()) { // waits for the server's answer
                return new String(body.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not fetch " + page + ": " + e.getMessage(), e);
        }
    }

    /**
     * Python code: counts the words of a body, a few "bytecodes" per word. Must run holding the GIL.
     *
     * @throws IllegalStateException if the calling thread does not hold {@code gil}
     */
    static String summarize(Gil gil, URI page, String body) {
        if (gil.isEnabled() && !gil.isHeldByCurrentThread()) {
            throw new IllegalStateException("summarize() is Python code, but thread " + Thread.currentThread().getName()
                    + " ran it without holding the GIL. Take the GIL before running Python code, and do not"
                    + " run Python code inside gil.blockingIo(...), where the GIL is released.");
        }
        int words = 0;
        for (String word : body.split("\\s+")) {
            gil.check(); // where CPython's eval loop may hand the GIL to another thread
            if (!word.isEmpty()) {
                words++;
            }
        }
        return page.getPath() + ": " + words + " words";
    }
}
