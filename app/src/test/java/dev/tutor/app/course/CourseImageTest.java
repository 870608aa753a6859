package dev.tutor.app.course;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The build's image of the course: the very course the manifest gives, and never a stale one. */
class CourseImageTest {
    private static final CourseSource COURSE = new ClasspathCourseSource();

    /** The real course's files, with an image of the test's choosing in place of the build's. */
    private static final class WithImage extends MemoryCourseSource {
        private final byte[] image;

        WithImage(byte[] image) {
            super(java.util.Map.of(), java.util.Map.of());
            this.image = image;
        }

        @Override
        public Optional<String> manifest() {
            return COURSE.manifest();
        }

        @Override
        public Optional<String> lessonText(String path) {
            return COURSE.lessonText(path);
        }

        @Override
        public Optional<String> stub(String path) {
            return COURSE.stub(path);
        }

        @Override
        public Optional<String> test(String path) {
            return COURSE.test(path);
        }

        @Override
        public Optional<String> solution(String path) {
            return COURSE.solution(path);
        }

        @Override
        public boolean hasMistake(String exerciseId, String mistakeName, String path) {
            return COURSE.hasMistake(exerciseId, mistakeName, path);
        }

        @Override
        public Optional<byte[]> courseImage() {
            return Optional.ofNullable(image);
        }
    }

    @Test
    void theBuildsImageIsTheCourseTheManifestGives() {
        Course parsed = ManifestLoader.load(COURSE);

        assertThat(COURSE.courseImage()).as("course/course.bin, written by the build's process-classes phase")
                .isPresent();
        assertThat(CourseImage.read(COURSE.courseImage().get(), CourseImage.checksum(COURSE.manifest().get())))
                .as("the build's image read against the manifest beside it").contains(parsed);
        assertThat(CourseImage.load(COURSE)).isEqualTo(parsed);
    }

    @Test
    void anImageWrittenAndReadBackGivesEveryFieldOfEveryLessonExerciseAndMistake() {
        Course parsed = ManifestLoader.load(COURSE);
        String manifest = COURSE.manifest().orElseThrow();

        Course back = CourseImage.read(CourseImage.write(parsed, manifest), CourseImage.checksum(manifest)).orElseThrow();

        assertThat(back).isEqualTo(parsed);
        assertThat(back.lessons()).anySatisfy(l -> assertThat(l.learnerDemo()).isNotNull());
        assertThat(back.lessons()).anySatisfy(l -> assertThat(l.timeline()).isNotNull());
        assertThat(back.lessons()).anySatisfy(l -> assertThat(l.meters()).isTrue());
    }

    @Test
    void anImageOfAnotherManifestIsIgnoredAndTheManifestParsedInstead() {
        Course parsed = ManifestLoader.load(COURSE);
        Course other = new Course(parsed.topics(), parsed.lessons(), parsed.exercises().subList(0, 1));
        byte[] stale = CourseImage.write(other, COURSE.manifest().orElseThrow() + "\n# edited after the build\n");

        assertThat(CourseImage.load(new WithImage(stale))).isEqualTo(parsed);
    }

    @Test
    void aTruncatedImageIsIgnoredAndTheManifestParsedInstead() {
        Course parsed = ManifestLoader.load(COURSE);
        byte[] whole = CourseImage.write(parsed, COURSE.manifest().orElseThrow());

        for (int length : new int[] {0, 10, whole.length / 2, whole.length - 1}) {
            assertThat(CourseImage.load(new WithImage(Arrays.copyOf(whole, length)))).as("first %d bytes", length)
                    .isEqualTo(parsed);
        }
        byte[] longer = Arrays.copyOf(whole, whole.length + 1);
        assertThat(CourseImage.read(longer, CourseImage.checksum(COURSE.manifest().get()))).as("a byte too many")
                .isEmpty();
    }
}
