package dev.tutor.app.grading.worker;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Where the learner's {@code System.out} and {@code System.err} go inside the test JVM: kept up to a cap,
 * then counted and dropped, so that endless printing can neither fill the memory nor flood the tutor.
 */
final class CappedOutput extends OutputStream {
    private int cap;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private long dropped;

    CappedOutput(int cap) {
        this.cap = cap;
    }

    @Override
    public synchronized void write(int b) {
        if (kept.size() < cap) {
            kept.write(b);
        } else {
            dropped++;
        }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        int room = Math.max(0, cap - kept.size());
        int keep = Math.min(room, len);
        kept.write(b, off, keep);
        dropped += len - keep;
    }

    /** Keeps at most {@code bytes} from now on: the cap the request asks for, known only once it arrives. */
    synchronized void cap(int bytes) {
        this.cap = Math.max(0, bytes);
    }

    /** Forgets what was written so far, such as the warm-up's output, before the learner's tests run. */
    synchronized void clear() {
        kept.reset();
        dropped = 0;
    }

    synchronized String text() {
        return kept.toString(StandardCharsets.UTF_8);
    }

    synchronized long dropped() {
        return dropped;
    }
}
