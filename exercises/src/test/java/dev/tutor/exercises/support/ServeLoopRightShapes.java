package dev.tutor.exercises.support;

import java.io.IOException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The right shapes of a server's serve() and stop() that {@link ServeLoopTest} pins {@link ServeLoop} never to
 * blame: compiled, never run. Not a test itself, and not listed in any exercise's tests.
 */
final class ServeLoopRightShapes {
    private ServeLoopRightShapes() {
    }

    static final class VolatileFlag extends ServeLoopTest.Base {
        private volatile boolean stopped;

        VolatileFlag() throws IOException {
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

    static final class AtomicFlag extends ServeLoopTest.Base {
        private final AtomicBoolean stopped = new AtomicBoolean();

        AtomicFlag() throws IOException {
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
            if (stopped.compareAndSet(false, true)) {
                selector.wakeup();
            }
        }
    }

    static final class FlagSetInAHelper extends ServeLoopTest.Base {
        private volatile boolean stopped;

        FlagSetInAHelper() throws IOException {
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
            requestStop();
            selector.wakeup();
        }

        private void requestStop() {
            if (!stopped) {
                stopped = true;
            }
        }
    }

    /** A wakeup only where there is a selector left to wake: not on every path after the flag, but on one. */
    static final class WakeupWhileOpen extends ServeLoopTest.Base {
        private volatile boolean stopped;

        WakeupWhileOpen() throws IOException {
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
            if (selector.isOpen()) {
                selector.wakeup();
            }
        }
    }

    /** A plain flag, but written and read under the same monitor: the lock orders them. */
    static final class LockedPlainFlag extends ServeLoopTest.Base {
        private boolean stopped;

        LockedPlainFlag() throws IOException {
        }

        public void serve() throws IOException {
            try {
                while (!isStopped()) {
                    selector.select();
                    selector.selectedKeys().clear();
                }
            } finally {
                selector.close();
            }
        }

        private synchronized boolean isStopped() {
            return stopped;
        }

        public synchronized void stop() {
            stopped = true;
            selector.wakeup();
        }
    }

    /** No flag: stop() closes the selector, select() throws ClosedSelectorException, the finally closes the rest. */
    static final class ClosedByStop extends ServeLoopTest.Base {
        ClosedByStop() throws IOException {
        }

        public void serve() throws IOException {
            try {
                while (true) {
                    selector.select();
                    selector.selectedKeys().clear();
                }
            } catch (ClosedSelectorException stopped) {
                // stop() closed it: the way this server ends
            } finally {
                listener.close();
            }
        }

        public void stop() {
            try {
                selector.close();
            } catch (IOException ignored) {
                // closing is all stop() can do
            }
        }
    }

    static final class CleanUpInAHelper extends ServeLoopTest.Base {
        private volatile boolean stopped;

        CleanUpInAHelper() throws IOException {
        }

        public void serve() throws IOException {
            try {
                loop();
            } finally {
                cleanUp();
            }
        }

        private void cleanUp() throws IOException {
            for (SelectionKey key : selector.keys()) {
                key.channel().close();
            }
            listener.close();
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

    static final class TryWithResources extends ServeLoopTest.Base {
        private volatile boolean stopped;

        TryWithResources() throws IOException {
        }

        public void serve() throws IOException {
            try (Selector open = selector; ServerSocketChannel listening = listener) {
                while (!stopped) {
                    open.select();
                    selector.selectedKeys().clear();
                }
            }
        }

        public void stop() {
            stopped = true;
            selector.wakeup();
        }
    }

    static final class CloseAndRethrow extends ServeLoopTest.Base {
        private volatile boolean stopped;

        CloseAndRethrow() throws IOException {
        }

        public void serve() throws IOException {
            try {
                while (!stopped) {
                    selector.select();
                    selector.selectedKeys().clear();
                }
            } catch (IOException | RuntimeException e) {
                selector.close();
                throw e;
            }
            selector.close();
        }

        public void stop() {
            stopped = true;
            selector.wakeup();
        }
    }

    /** The loop's helper takes a failed select() as the end, and serve() closes everything after it. */
    static final class HelperSwallowsAndReturns extends ServeLoopTest.Base {
        private volatile boolean stopped;

        HelperSwallowsAndReturns() throws IOException {
        }

        public void serve() throws IOException {
            while (!stopped && waitForWork()) {
                selector.selectedKeys().clear();
            }
            selector.close();
        }

        private boolean waitForWork() {
            try {
                selector.select();
                return true;
            } catch (IOException | ClosedSelectorException e) {
                return false;
            }
        }

        public void stop() {
            stopped = true;
            selector.wakeup();
        }
    }

    /** A base class with its helpers, to lend them. */
    abstract static class WithHelpers extends ServeLoopTest.Base {
        WithHelpers() throws IOException {
        }

        void cleanUp() throws IOException {
            listener.close();
            selector.close();
        }

        void wake() {
            selector.wakeup();
        }
    }

    /** Its clean-up and wakeup are inherited, in another class file: not followed, so not judged. */
    static final class InheritedHelpers extends WithHelpers {
        private boolean stopped;

        InheritedHelpers() throws IOException {
        }

        public void serve() throws IOException {
            while (!stopped) {
                selector.select();
            }
            cleanUp();
        }

        public void stop() {
            wake();
            stopped = true;
        }
    }

    /** stop() closes everything itself; serve() takes the ClosedSelectorException as its end and returns. */
    static final class EverythingClosedByStop extends ServeLoopTest.Base {
        EverythingClosedByStop() throws IOException {
        }

        public void serve() throws IOException {
            try {
                while (true) {
                    selector.select();
                    selector.selectedKeys().clear();
                }
            } catch (ClosedSelectorException stopped) {
                return;
            }
        }

        public void stop() {
            try {
                listener.close();
                selector.close();
            } catch (IOException ignored) {
                // closing is all stop() can do
            }
        }
    }

    /** A try-with-resources on the final fields themselves (Java 9's form). */
    static final class TryWithTheFields extends ServeLoopTest.Base {
        private volatile boolean stopped;

        TryWithTheFields() throws IOException {
        }

        public void serve() throws IOException {
            try (selector; listener) {
                while (!stopped) {
                    selector.select();
                    selector.selectedKeys().clear();
                }
            }
        }

        public void stop() {
            stopped = true;
            selector.wakeup();
        }
    }
}
