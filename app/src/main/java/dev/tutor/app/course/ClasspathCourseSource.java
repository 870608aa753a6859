package dev.tutor.app.course;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Reads the course from the class path, where the build puts it: {@code course/course.toml},
 * {@code course/lessons/}, and the sources under {@code course/stubs/}, {@code course/tests/},
 * {@code course/solutions/} and {@code course/mistakes/} (known mistakes, as diffs against the solutions).
 *
 * <p>The sources travel as text, never as classes, so no solution can stand in for a learner's class.
 */
public final class ClasspathCourseSource implements CourseSource {
    private static final String ROOT = "course/";
    private final ClassLoader loader;

    public ClasspathCourseSource() {
        this(ClasspathCourseSource.class.getClassLoader());
    }

    public ClasspathCourseSource(ClassLoader loader) {
        this.loader = loader;
    }

    @Override
    public Optional<String> manifest() {
        return read(ROOT + "course.toml");
    }

    @Override
    public Optional<byte[]> courseImage() {
        try (InputStream in = loader.getResourceAsStream(CourseImage.RESOURCE)) {
            return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
        } catch (IOException e) {
            return Optional.empty(); // the manifest is there to parse instead
        }
    }

    @Override
    public Optional<String> lessonText(String path) {
        return read(ROOT + path);
    }

    @Override
    public Optional<String> stub(String path) {
        return read(ROOT + "stubs/" + path);
    }

    @Override
    public Optional<String> test(String path) {
        return read(ROOT + "tests/" + path);
    }

    @Override
    public Optional<String> solution(String path) {
        return read(ROOT + "solutions/" + path);
    }

    /** A known mistake is kept as {@code <path>.diff} against the solution, and rebuilt from it here. */
    @Override
    public Optional<String> mistake(String exerciseId, String mistakeName, String path) {
        String diffPath = "mistakes/" + exerciseId + "/" + mistakeName + "/" + path + ".diff";
        return read(ROOT + diffPath).map(diff -> MistakePatch.apply(solution(path).orElseThrow(() ->
                new CourseException(diffPath + " has no solution " + path + " to apply to.")), diff, diffPath));
    }

    @Override
    public boolean hasMistake(String exerciseId, String mistakeName, String path) {
        return loader.getResource(ROOT + "mistakes/" + exerciseId + "/" + mistakeName + "/" + path + ".diff") != null;
    }

    private Optional<String> read(String resource) {
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                return Optional.empty();
            }
            return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + resource + " from tutor.jar", e);
        }
    }
}
