package dev.tutor.exercises.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Pins what {@link ServeLoop} blames, on the small servers below (compiled, never run): a plain stop flag, a
 * wakeup before the flag, a clean-up only after the loop, each also through a helper; and nothing in the right
 * shapes a learner may write, every server of {@link ServeLoopRightShapes} (a volatile flag or an AtomicBoolean,
 * set before the wakeup, a wakeup only while the selector is open, a lock around a plain flag, a stop() that
 * closes the selector, a finally in serve() or around a helper's loop, a try-with-resources, a catch that closes
 * and rethrows, a helper that swallows and returns). Not listed in any exercise's tests.
 */
class ServeLoopTest {

    @Test
    void aPlainFlagIsBlamedWhereStopWritesItAndServeReadsIt() {
        List<ServeLoop.PlainFlag> found = check(PlainFlag.class).plainFlags();
        assertEquals(1, found.size(), () -> String.valueOf(found));
        assertEquals("stopped", found.get(0).field());
        assertTrue(found.get(0).written().startsWith("stop() (ServeLoopTest.java:"), found.get(0)::written);
        assertTrue(found.get(0).read().startsWith("serve() (ServeLoopTest.java:"), found.get(0)::read);
        assertEquals(List.of("running"), check(PlainFlagReadInAHelper.class).plainFlags().stream()
                .map(ServeLoop.PlainFlag::field).toList());
    }

    @Test
    void aWakeupOnlyBeforeTheFlagIsBlamed() {
        Optional<ServeLoop.WakeupFirst> found = check(WakeupFirst.class).wakeupBeforeFlag();
        assertTrue(found.isPresent());
        assertEquals("stopped", found.get().flag());
        assertEquals("stop() (ServeLoopTest.java:" + WakeupFirst.WAKEUP_LINE + ")", found.get().wakeup());
        assertEquals("stop() (ServeLoopTest.java:" + (WakeupFirst.WAKEUP_LINE + 1) + ")", found.get().set());
        assertEquals("stopped", check(WakeupFirstThenAtomic.class).wakeupBeforeFlag().orElseThrow().flag());
        assertTrue(check(WakeupFirstInAHelper.class).wakeupBeforeFlag().isPresent());
    }

    @Test
    void aCleanUpOnlyAfterTheLoopIsBlamed() {
        assertEquals(Optional.of("serve() (ServeLoopTest.java:" + CleanUpAfterTheLoop.SELECT_LINE + ")"),
                check(CleanUpAfterTheLoop.class).selectFailureClosesNothing());
        assertEquals(Optional.of("serve() (ServeLoopTest.java:" + CleanUpAfterAHelpersLoop.LOOP_LINE + ")"),
                check(CleanUpAfterAHelpersLoop.class).selectFailureClosesNothing());
        assertTrue(check(SwallowedAndReturned.class).selectFailureClosesNothing().isPresent());
    }

    @Test
    void rightShapesAreNotBlamed() {
        int checked = 0;
        for (Class<?> right : ServeLoopRightShapes.class.getDeclaredClasses()) {
            if (Modifier.isAbstract(right.getModifiers())) {
                continue;
            }
            checked++;
            ServeLoop loop = check(right);
            assertEquals(List.of(), loop.plainFlags(), right::getSimpleName);
            assertEquals(Optional.empty(), loop.wakeupBeforeFlag(), right::getSimpleName);
            assertEquals(Optional.empty(), loop.selectFailureClosesNothing(), right::getSimpleName);
        }
        assertEquals(13, checked);
    }

    @Test
    void theWrongShapesAreBlamedForTheirOwnMistakeOnly() {
        assertEquals(Optional.empty(), check(PlainFlag.class).wakeupBeforeFlag());
        assertEquals(Optional.empty(), check(PlainFlag.class).selectFailureClosesNothing());
        assertEquals(List.of(), check(WakeupFirst.class).plainFlags());
        assertEquals(Optional.empty(), check(WakeupFirst.class).selectFailureClosesNothing());
        assertEquals(List.of(), check(CleanUpAfterTheLoop.class).plainFlags());
        assertEquals(Optional.empty(), check(CleanUpAfterTheLoop.class).wakeupBeforeFlag());
    }

    private static ServeLoop check(Class<?> server) {
        return ServeLoop.of(server, "serve", "stop");
    }

    /**
     * The fields the servers below and in {@link ServeLoopRightShapes} share. Their code is written out in each,
     * not called here: a method the class only inherits is one {@link ServeLoop} does not follow.
     */
    abstract static class Base {
        final Selector selector;
        final ServerSocketChannel listener;

        Base() throws IOException {
            selector = Selector.open();
            listener = ServerSocketChannel.open();
        }
    }

    // ---- wrong ----

    static final class PlainFlag extends Base {
        private boolean stopped;

        PlainFlag() throws IOException {
        }

        public void serve() throws IOException {
            try {
                while (!stopped) {
                    selector.select();
                    selector.selectedKeys().clear();
                }
            } finally {
                selector.close();
            }
        }

        public void stop() {
            stopped = true;
            selector.wakeup();
        }
    }

    static final class PlainFlagReadInAHelper extends Base {
        private boolean running = true;

        PlainFlagReadInAHelper() throws IOException {
        }

        public void serve() throws IOException {
            try {
                while (isRunning()) {
                    selector.select();
                    selector.selectedKeys().clear();
                }
            } finally {
                selector.close();
            }
        }

        private boolean isRunning() {
            return running;
        }

        public void stop() {
            running = false;
            selector.wakeup();
        }
    }

    static final class WakeupFirst extends Base {
        static final int WAKEUP_LINE = 171;
        private volatile boolean stopped;

        WakeupFirst() throws IOException {
        }

        public void serve() throws IOException {
            try {
                while (!stopped) {
                    selector.select();
                    selector.selectedKeys().clear();
                }
            } finally {
                selector.close();
            }
        }

        public void stop() {
            selector.wakeup();
            stopped = true;
        }
    }

    static final class WakeupFirstThenAtomic extends Base {
        private final AtomicBoolean stopped = new AtomicBoolean();

        WakeupFirstThenAtomic() throws IOException {
        }

        public void serve() throws IOException {
            try {
                while (!stopped.get()) {
                    selector.select();
                    selector.selectedKeys().clear();
                }
            } finally {
                selector.close();
            }
        }

        public void stop() {
            selector.wakeup();
            stopped.set(true);
        }
    }

    static final class WakeupFirstInAHelper extends Base {
        private volatile boolean stopped;

        WakeupFirstInAHelper() throws IOException {
        }

        public void serve() throws IOException {
            try {
                while (!stopped) {
                    selector.select();
                    selector.selectedKeys().clear();
                }
            } finally {
                selector.close();
            }
        }

        public void stop() {
            wake();
            stopped = true;
        }

        private void wake() {
            selector.wakeup();
        }
    }

    static final class CleanUpAfterTheLoop extends Base {
        static final int SELECT_LINE = 235;
        private volatile boolean stopped;

        CleanUpAfterTheLoop() throws IOException {
        }

        public void serve() throws IOException {
            while (!stopped) {
                selector.select();
                selector.selectedKeys().clear();
            }
            selector.close();
        }

        public void stop() {
            stopped = true;
            selector.wakeup();
        }
    }

    static final class CleanUpAfterAHelpersLoop extends Base {
        static final int LOOP_LINE = 255;
        private volatile boolean stopped;

        CleanUpAfterAHelpersLoop() throws IOException {
        }

        public void serve() throws IOException {
            loop();
            selector.close();
        }

        private void loop() throws IOException {
            while (!stopped) {
                selector.select();
                selector.selectedKeys().clear();
            }
        }

        public void stop() {
            stopped = true;
            selector.wakeup();
        }
    }

    static final class SwallowedAndReturned extends Base {
        private volatile boolean stopped;

        SwallowedAndReturned() throws IOException {
        }

        public void serve() throws IOException {
            while (!stopped) {
                try {
                    selector.select();
                } catch (IOException e) {
                    return;
                }
                selector.selectedKeys().clear();
            }
            selector.close();
        }

        public void stop() {
            stopped = true;
            selector.wakeup();
        }
    }
}
