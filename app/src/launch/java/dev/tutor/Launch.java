package dev.tutor;

import java.lang.reflect.Method;

/**
 * The entry point of tutor.jar, compiled for Java 8 so that any Java can run it far enough to say
 * which Java the tutor needs.
 *
 * <p>Everything else in the tutor is compiled for Java 21 (virtual threads are course content). Started
 * on an older Java, the real main class would fail with an {@code UnsupportedClassVersionError} and a
 * stack trace; this class checks the version first and prints one line instead.
 */
public final class Launch {
    /** The oldest Java feature release the tutor runs on. */
    static final int REQUIRED_FEATURE = 21;

    private Launch() {
    }

    public static void main(String[] args) throws Throwable {
        int feature = featureVersion(System.getProperty("java.specification.version", "0"));
        if (feature < REQUIRED_FEATURE) {
            System.err.println("The Concurrency Tutor needs Java " + REQUIRED_FEATURE + " or newer, but this is Java "
                    + System.getProperty("java.version") + " at " + System.getProperty("java.home")
                    + ": install a JDK " + REQUIRED_FEATURE + "+ (for example Temurin 21 or 25) and run tutor.jar"
                    + " with its java, or start the tutor with ./tutor, which looks for one.");
            System.exit(2);
        }
        Class<?> main = Class.forName("dev.tutor.app.cli.TutorMain");
        Method run = main.getMethod("main", String[].class);
        try {
            run.invoke(null, (Object) args);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** Reads "1.8" as 8 and "21" as 21. */
    static int featureVersion(String specification) {
        String s = specification.startsWith("1.") ? specification.substring(2) : specification;
        int dot = s.indexOf('.');
        try {
            return Integer.parseInt(dot < 0 ? s : s.substring(0, dot));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
