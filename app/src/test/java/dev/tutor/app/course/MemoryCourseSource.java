package dev.tutor.app.course;

import java.util.Map;
import java.util.Optional;

/**
 * A course kept in memory for the app's own tests: the stubs and tests they give by path, and nothing else (no
 * manifest, lessons, solutions or mistakes).
 */
public class MemoryCourseSource implements CourseSource {
    private final Map<String, String> stubs;
    private final Map<String, String> tests;

    public MemoryCourseSource(Map<String, String> stubs, Map<String, String> tests) {
        this.stubs = Map.copyOf(stubs);
        this.tests = Map.copyOf(tests);
    }

    @Override
    public Optional<String> manifest() {
        return Optional.empty();
    }

    @Override
    public Optional<String> lessonText(String path) {
        return Optional.empty();
    }

    @Override
    public Optional<String> stub(String path) {
        return Optional.ofNullable(stubs.get(path));
    }

    @Override
    public Optional<String> test(String path) {
        return Optional.ofNullable(tests.get(path));
    }

    @Override
    public Optional<String> solution(String path) {
        return Optional.empty();
    }

    @Override
    public Optional<String> mistake(String exerciseId, String mistakeName, String path) {
        return Optional.empty();
    }
}
