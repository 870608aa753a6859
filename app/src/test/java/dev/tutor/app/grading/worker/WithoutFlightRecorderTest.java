package dev.tutor.app.grading.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryListener;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.LauncherExecutionRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.jfr.JfrUtils;

/**
 * Pins what the worker's launcher relies on: JUnit registers its flight-recording listeners only when the context
 * class loader can load JFR, so a loader that hides JFR keeps them out, and nothing else is hidden. JfrUtils is
 * JUnit's internal helper, used here as a canary: if an upgrade decides otherwise, this fails, and the test JVMs'
 * start would be about 120 ms slower again.
 */
class WithoutFlightRecorderTest {

    @Test
    void hidesJfrAndNothingElse() throws ClassNotFoundException {
        ClassLoader loader = new TestWorker.WithoutFlightRecorder(getClass().getClassLoader());
        assertThrows(ClassNotFoundException.class, () -> Class.forName("jdk.jfr.FlightRecorder", false, loader));
        assertEquals(String.class, Class.forName("java.lang.String", false, loader));
        assertEquals(Launcher.class, Class.forName(Launcher.class.getName(), false, loader));
    }

    @Test
    void junitRegistersItsFlightRecordingListenersOnlyWhereTheContextLoaderSeesJfr() {
        assertEquals(2, listenersRegisteredWith(Thread.currentThread().getContextClassLoader()),
                "the control: with JFR visible, JUnit registers a discovery and an execution listener");
        assertEquals(0, listenersRegisteredWith(new TestWorker.WithoutFlightRecorder(getClass().getClassLoader())));
    }

    private static int listenersRegisteredWith(ClassLoader context) {
        List<Object> registered = new ArrayList<>();
        Launcher recording = new Launcher() {
            @Override
            public void registerLauncherDiscoveryListeners(LauncherDiscoveryListener... listeners) {
                registered.addAll(List.of(listeners));
            }

            @Override
            public void registerTestExecutionListeners(TestExecutionListener... listeners) {
                registered.addAll(List.of(listeners));
            }

            @Override
            public TestPlan discover(LauncherDiscoveryRequest request) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void execute(LauncherDiscoveryRequest request, TestExecutionListener... listeners) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void execute(TestPlan plan, TestExecutionListener... listeners) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void execute(LauncherExecutionRequest request) {
                throw new UnsupportedOperationException();
            }
        };
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        thread.setContextClassLoader(context);
        try {
            JfrUtils.registerListeners(recording);
        } finally {
            thread.setContextClassLoader(before);
        }
        return registered.size();
    }
}
