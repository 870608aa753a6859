package dev.tutor.runtime.loop;

/** Turns callbacks and channels into short names for traces and warnings; used only when someone looks. */
final class Names {

    private Names() {
    }

    /**
     * Names a callback: its own {@code toString()} when its class wrote one, otherwise "lambda in Foo"
     * for a lambda declared in class Foo, otherwise the simple class name.
     */
    static String of(Object callback) {
        Class<?> type = callback.getClass();
        String className = type.getName();
        int lambda = className.indexOf("$$Lambda");
        if (lambda >= 0) {
            return "lambda in " + simple(className.substring(0, lambda));
        }
        try {
            if (type.getMethod("toString").getDeclaringClass() != Object.class) {
                return callback.toString();
            }
        } catch (NoSuchMethodException impossible) {
            // Every class has toString(); fall through to the class name.
        }
        return simple(className);
    }

    private static String simple(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }
}
