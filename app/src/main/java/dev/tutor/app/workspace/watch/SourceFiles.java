package dev.tutor.app.workspace.watch;

import java.nio.file.Path;

/**
 * Which paths under a source root are the learner's Java files, as opposed to the temporary files editors make.
 *
 * <p>An editor's save often passes through names that must never be graded: IntelliJ writes
 * {@code Foo.java___jb_tmp___} and renames it, vim probes with {@code 4913} and keeps {@code Foo.java~}, emacs
 * locks with {@code .#Foo.java}, and backup tools write into hidden folders. Requiring a Java identifier before
 * {@code .java}, outside any hidden folder, excludes them all without a list that the next editor would outgrow.
 */
final class SourceFiles {

    private SourceFiles() {}

    /** Returns whether {@code file}, a path under {@code root}, is a learner's source file by its name. */
    static boolean isSource(Path root, Path file) {
        Path relative = root.relativize(file);
        for (int i = 0; i < relative.getNameCount() - 1; i++) {
            if (relative.getName(i).toString().startsWith(".")) {
                return false;
            }
        }
        return isSourceName(file.getFileName().toString());
    }

    /** Returns whether {@code name} is {@code <Java identifier>.java}. */
    static boolean isSourceName(String name) {
        if (!name.endsWith(".java")) {
            return false;
        }
        String stem = name.substring(0, name.length() - ".java".length());
        if (stem.isEmpty() || !Character.isJavaIdentifierStart(stem.codePointAt(0))) {
            return false;
        }
        return stem.codePoints().allMatch(Character::isJavaIdentifierPart);
    }
}
