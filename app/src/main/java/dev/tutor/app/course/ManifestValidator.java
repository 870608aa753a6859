package dev.tutor.app.course;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a parsed course against the rules every course must keep, and against the files it names.
 *
 * <p>Each problem is one line naming the entry and what is wrong, so a course author can fix it without
 * reading code: unknown topics, missing files, duplicate ids, fewer than two hints, a mistake that points
 * to a hint that does not exist, a topic no lesson teaches or no exercise practises.
 */
public final class ManifestValidator {
    static final int MIN_HINTS = 2;
    static final int MAX_HINTS = 5;

    private ManifestValidator() {
    }

    /** Every problem found, in manifest order; empty when the course is valid. */
    public static List<String> problems(Course course, CourseSource source) {
        List<String> problems = new ArrayList<>();
        Set<String> topicIds = new HashSet<>();
        for (Topic t : course.topics()) {
            if (!topicIds.add(t.id())) {
                problems.add("topic '" + t.id() + "': duplicate id");
            }
        }
        Set<String> lessonIds = new HashSet<>();
        Set<String> taught = new HashSet<>();
        for (Lesson l : course.lessons()) {
            String where = "lesson '" + l.id() + "'";
            if (!lessonIds.add(l.id())) {
                problems.add(where + ": duplicate id");
            }
            if (!l.id().matches("[a-z][a-z0-9]*")) {
                problems.add(where + ": id must be lower-case letters and digits (it is a Java package name)");
            }
            checkTopics(where, l.topics(), topicIds, problems);
            taught.addAll(l.topics());
            for (String demo : l.demos()) {
                if (!demo.startsWith("dev.tutor.lessons." + l.id() + ".")) {
                    problems.add(where + ": demo '" + demo + "' must be a class in package dev.tutor.lessons." + l.id());
                } else if (!source.hasDemo(demo)) {
                    problems.add(where + ": demo class '" + demo + "' does not exist in lessons/src/main/java");
                }
            }
            checkLearnerDemo(where, l, course, source, problems);
            if (l.timeline() != null && !Lesson.TIMELINES.contains(l.timeline())) {
                problems.add(where + ": timeline '" + l.timeline() + "' is not one of " + Lesson.TIMELINES);
            }
            if (source.lessonText(l.text()).isEmpty()) {
                problems.add(where + ": text file '" + l.text() + "' does not exist");
            }
        }
        Set<String> exerciseIds = new HashSet<>();
        Set<String> allFiles = new HashSet<>();
        Set<String> practised = new HashSet<>();
        for (Exercise e : course.exercises()) {
            checkExercise(e, source, lessonIds, topicIds, exerciseIds, allFiles, problems);
            practised.addAll(e.topics());
        }
        // Every topic of the curriculum is both taught and practised: a topic only read about is not learnt.
        for (Topic t : course.topics()) {
            if (!taught.contains(t.id())) {
                problems.add("topic '" + t.id() + "': no lesson teaches it");
            }
            if (!practised.contains(t.id())) {
                problems.add("topic '" + t.id() + "': no exercise practises it");
            }
        }
        return problems;
    }

    private static void checkExercise(Exercise e, CourseSource source, Set<String> lessonIds, Set<String> topicIds,
                                      Set<String> exerciseIds, Set<String> allFiles, List<String> problems) {
        String where = "exercise '" + e.id() + "'";
        if (!exerciseIds.add(e.id())) {
            problems.add(where + ": duplicate id");
        }
        if (!e.id().matches("[a-z][a-z0-9-]*")) {
            problems.add(where + ": id must be lower-case letters, digits and dashes");
        }
        if (!lessonIds.contains(e.lessonId())) {
            problems.add(where + ": unknown lesson '" + e.lessonId() + "'");
        }
        checkTopics(where, e.topics(), topicIds, problems);
        if (e.hints().size() < MIN_HINTS) {
            problems.add(where + ": has " + e.hints().size() + " hint(s), needs at least " + MIN_HINTS);
        } else if (e.hints().size() > MAX_HINTS) {
            problems.add(where + ": has " + e.hints().size() + " hints, at most " + MAX_HINTS + " read well");
        }
        if (e.files().isEmpty()) {
            problems.add(where + ": lists no files");
        }
        if (e.tests().isEmpty()) {
            problems.add(where + ": lists no tests");
        }
        String packagePath = "dev/tutor/exercises/" + e.lessonId() + "/";
        for (String file : e.files()) {
            if (!allFiles.add(file)) {
                problems.add(where + ": file '" + file + "' belongs to another exercise too");
            }
            if (!file.startsWith(packagePath) || !file.endsWith(".java")) {
                problems.add(where + ": file '" + file + "' must be a .java file under " + packagePath);
            }
            if (source.stub(file).isEmpty()) {
                problems.add(where + ": stub '" + file + "' does not exist in exercises/src/main/java");
            }
            if (source.solution(file).isEmpty()) {
                problems.add(where + ": solution '" + file + "' does not exist in solutions/src/main/java");
            }
        }
        for (String test : e.tests()) {
            if (source.test(test).isEmpty()) {
                problems.add(where + ": test '" + test + "' does not exist in exercises/src/test/java");
            }
        }
        if (e.timeLimit().isNegative() || e.timeLimit().isZero()) {
            problems.add(where + ": time_limit_seconds must be positive");
        }
        if (e.testTimeLimit().compareTo(e.timeLimit()) > 0) {
            problems.add(where + ": test_time_limit_seconds must not exceed time_limit_seconds");
        }
        if (e.repeat() < 1 || e.repeat() > 100) {
            problems.add(where + ": repeat must be between 1 and 100, not " + e.repeat());
        }
        Set<String> mistakeNames = new HashSet<>();
        for (Mistake m : e.mistakes()) {
            String mwhere = where + " mistake '" + m.name() + "'";
            if (!mistakeNames.add(m.name())) {
                problems.add(mwhere + ": duplicate name");
            }
            if (m.hint() < 1 || m.hint() > e.hints().size()) {
                problems.add(mwhere + ": points to hint " + m.hint() + ", but the exercise has "
                        + e.hints().size() + " hints");
            }
            if (e.files().stream().noneMatch(f -> source.hasMistake(e.id(), m.name(), f))) {
                problems.add(mwhere + ": no .diff files under solutions/mistakes/" + e.id() + "/" + m.name() + "/");
            }
        }
    }

    /** A learner demo runs on an exercise of its own lesson and is a demo class of that lesson. */
    private static void checkLearnerDemo(String where, Lesson l, Course course, CourseSource source,
                                         List<String> problems) {
        LearnerDemo mine = l.learnerDemo();
        if (mine == null) {
            return;
        }
        boolean ownExercise = course.exercises().stream()
                .anyMatch(e -> e.id().equals(mine.exercise()) && e.lessonId().equals(l.id()));
        if (!ownExercise) {
            problems.add(where + ": learner_demo names exercise '" + mine.exercise() + "', which is not one of this"
                    + " lesson's exercises");
        }
        if (!mine.demo().startsWith("dev.tutor.lessons." + l.id() + ".")) {
            problems.add(where + ": learner_demo '" + mine.demo() + "' must be a class in package dev.tutor.lessons."
                    + l.id());
        } else if (!source.hasDemo(mine.demo())) {
            problems.add(where + ": learner_demo class '" + mine.demo() + "' does not exist in lessons/src/main/java");
        }
    }

    private static void checkTopics(String where, List<String> topics, Set<String> known, List<String> problems) {
        if (topics.isEmpty()) {
            problems.add(where + ": lists no topics");
        }
        for (String t : topics) {
            if (!known.contains(t)) {
                problems.add(where + ": unknown topic '" + t + "' (topics are T1 to T12)");
            }
        }
    }
}
