package dev.tutor.app.course;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * The course manifest, validated and parsed once by the build and kept in tutor.jar as a few kilobytes of
 * binary, so that a start of the tutor reads the course in a millisecond or two instead of parsing TOML
 * and checking every file the manifest names (about a fifth of a second in a fresh JVM, the longest path
 * to the first screen).
 *
 * <p>The image carries a checksum of the manifest it was made from; an image that does not match the
 * manifest beside it (a manifest edited after the build) is ignored, and the manifest is parsed as before.
 */
public final class CourseImage {
    /** Where the build puts the image, beside {@code course/course.toml}. */
    public static final String RESOURCE = "course/course.bin";
    private static final String MAGIC = "concurrency-tutor course image 1";

    private CourseImage() {
    }

    /**
     * The course: from the image when it matches the manifest, else parsed and validated from the manifest.
     *
     * @throws CourseException when there is no image to use and the manifest is missing or invalid
     */
    public static Course load(CourseSource source) {
        Optional<byte[]> image = source.courseImage();
        Optional<String> manifest = source.manifest();
        if (image.isPresent() && manifest.isPresent()) {
            Optional<Course> read = read(image.get(), checksum(manifest.get()));
            if (read.isPresent()) {
                return read.get();
            }
        }
        return ManifestLoader.load(source);
    }

    /** The image of a course made from the manifest text {@code manifest}. */
    public static byte[] write(Course course, String manifest) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(MAGIC);
            out.writeLong(checksum(manifest));
            out.writeInt(course.topics().size());
            for (Topic t : course.topics()) {
                out.writeUTF(t.id());
                out.writeUTF(t.title());
            }
            out.writeInt(course.lessons().size());
            for (Lesson l : course.lessons()) {
                out.writeUTF(l.id());
                out.writeInt(l.number());
                out.writeUTF(l.title());
                strings(out, l.topics());
                out.writeUTF(l.text());
                strings(out, l.demos());
                nullable(out, l.timeline());
                out.writeBoolean(l.learnerDemo() != null);
                if (l.learnerDemo() != null) {
                    out.writeUTF(l.learnerDemo().exercise());
                    out.writeUTF(l.learnerDemo().demo());
                }
                out.writeBoolean(l.meters());
            }
            out.writeInt(course.exercises().size());
            for (Exercise e : course.exercises()) {
                out.writeUTF(e.id());
                out.writeUTF(e.lessonId());
                out.writeUTF(e.title());
                strings(out, e.topics());
                strings(out, e.files());
                strings(out, e.tests());
                strings(out, e.hints());
                out.writeLong(e.timeLimit().toMillis());
                out.writeLong(e.testTimeLimit().toMillis());
                out.writeInt(e.repeat());
                out.writeInt(e.mistakes().size());
                for (Mistake m : e.mistakes()) {
                    out.writeUTF(m.name());
                    out.writeInt(m.hint());
                    out.writeUTF(m.description());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return bytes.toByteArray();
    }

    /** The course in {@code image}, or empty when the image is not one of a manifest with this checksum. */
    static Optional<Course> read(byte[] image, long manifestChecksum) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(image))) {
            if (!MAGIC.equals(in.readUTF()) || in.readLong() != manifestChecksum) {
                return Optional.empty();
            }
            List<Topic> topics = new ArrayList<>();
            for (int n = in.readInt(); n > 0; n--) {
                topics.add(new Topic(in.readUTF(), in.readUTF()));
            }
            List<Lesson> lessons = new ArrayList<>();
            for (int n = in.readInt(); n > 0; n--) {
                lessons.add(new Lesson(in.readUTF(), in.readInt(), in.readUTF(), strings(in), in.readUTF(),
                        strings(in), nullable(in), in.readBoolean() ? new LearnerDemo(in.readUTF(), in.readUTF()) : null,
                        in.readBoolean()));
            }
            List<Exercise> exercises = new ArrayList<>();
            for (int n = in.readInt(); n > 0; n--) {
                String id = in.readUTF();
                String lesson = in.readUTF();
                String title = in.readUTF();
                List<String> exerciseTopics = strings(in);
                List<String> files = strings(in);
                List<String> tests = strings(in);
                List<String> hints = strings(in);
                Duration timeLimit = Duration.ofMillis(in.readLong());
                Duration testTimeLimit = Duration.ofMillis(in.readLong());
                int repeat = in.readInt();
                List<Mistake> mistakes = new ArrayList<>();
                for (int m = in.readInt(); m > 0; m--) {
                    mistakes.add(new Mistake(in.readUTF(), in.readInt(), in.readUTF()));
                }
                exercises.add(new Exercise(id, lesson, title, exerciseTopics, files, tests, hints, timeLimit,
                        testTimeLimit, repeat, mistakes));
            }
            return in.read() == -1 ? Optional.of(new Course(topics, lessons, exercises)) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // a truncated or foreign image: the manifest is there to parse instead
        }
    }

    static long checksum(String manifest) {
        CRC32 crc = new CRC32();
        crc.update(manifest.getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
    }

    private static void strings(DataOutputStream out, List<String> values) throws IOException {
        out.writeInt(values.size());
        for (String v : values) {
            out.writeUTF(v);
        }
    }

    private static List<String> strings(DataInputStream in) throws IOException {
        List<String> values = new ArrayList<>();
        for (int n = in.readInt(); n > 0; n--) {
            values.add(in.readUTF());
        }
        return values;
    }

    private static void nullable(DataOutputStream out, String value) throws IOException {
        out.writeBoolean(value != null);
        if (value != null) {
            out.writeUTF(value);
        }
    }

    private static String nullable(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }

    /**
     * Run by the build after the classes are compiled: validates the manifest on the class path (a broken
     * manifest fails the build with its list of problems) and writes its image to the file {@code args[0]}.
     */
    public static void main(String[] args) throws IOException {
        CourseSource source = new ClasspathCourseSource();
        Course course = ManifestLoader.load(source);
        Path target = Path.of(args[0]);
        Files.createDirectories(target.getParent());
        Files.write(target, write(course, source.manifest().orElseThrow()));
    }
}
