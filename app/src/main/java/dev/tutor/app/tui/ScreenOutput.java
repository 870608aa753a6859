package dev.tutor.app.tui;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;

/**
 * The bytes the full screen sends to the terminal, gathered into one system call per frame.
 *
 * <p>Lanterna writes a frame a few bytes at a time and flushes once at its end; through {@code System.out},
 * which passes every write straight on, one 80x24 frame took about three thousand system calls, and the
 * terminal drew it piece by piece. The one exception is a question to the terminal, the cursor-position
 * report {@code ESC [ 6 n} that Lanterna sends to learn the terminal's size: Lanterna waits for the answer
 * without flushing, so the question goes out at once.
 */
final class ScreenOutput extends BufferedOutputStream {
    private static final int SIZE = 1 << 16;

    ScreenOutput() {
        super(new FileOutputStream(FileDescriptor.out), SIZE);
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
        super.write(bytes, offset, length);
        if (asksForTheCursorPosition(bytes, offset, length)) {
            flush();
        }
    }

    static boolean asksForTheCursorPosition(byte[] bytes, int offset, int length) {
        int end = offset + length;
        return length >= 4 && bytes[end - 4] == 0x1b && bytes[end - 3] == '[' && bytes[end - 2] == '6'
                && bytes[end - 1] == 'n';
    }
}
