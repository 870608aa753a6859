package dev.tutor.app.course;

import java.util.Optional;

/**
 * Where the course's text comes from: the manifest, lesson Markdown, and the source of every stub, test,
 * solution and known mistake.
 *
 * <p>The tutor reads them from inside tutor.jar ({@link ClasspathCourseSource}); tests may supply their own.
 * Paths use forward slashes. Every method returns empty when the file does not exist.
 */
public interface CourseSource {
    /** The manifest, {@code course.toml}. */
    Optional<String> manifest();

    /** A lesson's Markdown, by the path the manifest gives. */
    Optional<String> lessonText(String path);

    /** A learner file as the learner first receives it, with its TODOs. */
    Optional<String> stub(String path);

    /** A test source, pristine: the grader always uses this copy, never the learner's. */
    Optional<String> test(String path);

    /** A learner file as the reference solution writes it. */
    Optional<String> solution(String path);

    /** A learner file as a known mistake writes it. */
    Optional<String> mistake(String exerciseId, String mistakeName, String path);

    /**
     * Whether a known mistake has a file for {@code path}, without building it: cheap enough for start-up.
     * Whether its diff still fits the solution is for the build and {@code tutor verify} to find.
     */
    default boolean hasMistake(String exerciseId, String mistakeName, String path) {
        return mistake(exerciseId, mistakeName, path).isPresent();
    }

    /** Whether a lesson's demo class is there to run; by default, whether it is on the class path. */
    default boolean hasDemo(String className) {
        return CourseSource.class.getClassLoader().getResource(className.replace('.', '/') + ".class") != null;
    }

    /** The manifest as the build parsed it ({@link CourseImage}), when this source has one. */
    default Optional<byte[]> courseImage() {
        return Optional.empty();
    }
}
