package dev.tutor.app.grading;

import java.util.Set;

/**
 * Recognises a verdict caused by tests compiled against a different shape of the learner's class (a
 * method renamed, a signature changed): errors that only a stale compilation can produce.
 */
final class LinkageProblems {
    private static final Set<String> LINKAGE_ERRORS = Set.of("java.lang.NoSuchMethodError",
            "java.lang.NoSuchFieldError", "java.lang.AbstractMethodError", "java.lang.IncompatibleClassChangeError",
            "java.lang.NoClassDefFoundError", "java.lang.IllegalAccessError", "java.lang.InstantiationError",
            "java.lang.VerifyError", "java.lang.ClassFormatError");

    private LinkageProblems() {
    }

    static boolean in(Verdict verdict) {
        return switch (verdict) {
            case Verdict.TestsFailed f -> f.failures().stream().anyMatch(t -> LINKAGE_ERRORS.contains(t.exception()));
            case Verdict.Crashed c -> c.cause() == Verdict.Cause.WORKER_ERROR;
            default -> false;
        };
    }
}
