package dev.tutor.app.home;

import java.nio.file.Path;
import java.util.Map;

/**
 * The learner's home folder and the tutor's folders under it, taken the way {@code ./tutor} and every shell
 * take them ({@code $HOME}, {@code $XDG_CACHE_HOME}), so that the workspace, the start-up cache and the
 * script always agree. Java's {@code user.home} comes from the password database instead, and differs from
 * {@code $HOME} wherever someone set {@code HOME} for a run (a sandbox, a CI job, {@code HOME=/tmp/x ./tutor}).
 */
public final class Home {
    private Home() {
    }

    /** The home folder: {@code $HOME} when set, else Java's {@code user.home}. */
    public static Path folder() {
        return folder(System.getenv(), System.getProperty("user.home"));
    }

    /** Where the tutor keeps its caches: {@code $XDG_CACHE_HOME/concurrency-tutor}, else {@code ~/.cache/...}. */
    public static Path cacheFolder() {
        return cacheFolder(System.getenv(), System.getProperty("user.home"));
    }

    static Path folder(Map<String, String> env, String userHome) {
        String home = env.get("HOME");
        return Path.of(home != null && !home.isBlank() ? home : userHome);
    }

    static Path cacheFolder(Map<String, String> env, String userHome) {
        String xdg = env.get("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : folder(env, userHome).resolve(".cache");
        return base.resolve("concurrency-tutor");
    }
}
