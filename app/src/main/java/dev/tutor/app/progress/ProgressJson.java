package dev.tutor.app.progress;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The progress file's format: {@link Progress} to pretty-printed JSON and back.
 *
 * <p>The tree is mapped by hand rather than by Gson's reflection so that a wrong type is reported with the field
 * that holds it ("exercises.loop-01.attempts is not a whole number"), and so that {@link Instant} needs no adapter.
 * Reading is strict about types and lenient about absence: a missing count is 0, a missing time {@code null}, and
 * fields this version does not know are ignored.
 */
final class ProgressJson {

    /** The header that tells a curious learner where the file comes from. */
    static final String NOTE = "Written by the Concurrency Tutor after each graded save; edits may be overwritten.";

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls().create();

    private ProgressJson() {}

    /** Returns {@code progress} as the text of a progress file. */
    static String write(Progress progress) {
        JsonObject root = new JsonObject();
        root.addProperty("_note", NOTE);
        root.addProperty("schemaVersion", progress.schemaVersion());
        root.add("current", progress.current() == null ? null : new JsonPrimitive(progress.current()));
        JsonObject exercises = new JsonObject();
        progress.exercises().forEach((id, p) -> exercises.add(id, write(p)));
        root.add("exercises", exercises);
        return GSON.toJson(root) + "\n";
    }

    private static JsonObject write(ExerciseProgress p) {
        JsonObject o = new JsonObject();
        o.addProperty("status", p.status().name().toLowerCase(Locale.ROOT));
        o.addProperty("attempts", p.attempts());
        o.addProperty("hintsTaken", p.hintsTaken());
        o.addProperty("firstPassedAt", p.firstPassedAt() == null ? null : p.firstPassedAt().toString());
        o.addProperty("lastAttemptAt", p.lastAttemptAt() == null ? null : p.lastAttemptAt().toString());
        o.addProperty("solutionViewed", p.solutionViewed());
        return o;
    }

    /** Returns the progress that {@code text} holds. */
    static Progress read(String text) throws ProgressFormatException {
        JsonObject root = object(parse(text), "the top level");
        JsonElement version = root.get("schemaVersion");
        if (version == null) {
            throw new ProgressFormatException("no schemaVersion");
        }
        int schema = count(version, "schemaVersion");
        if (schema != Progress.SCHEMA_VERSION) {
            throw new ProgressFormatException("unknown schemaVersion " + schema + ", this tutor reads "
                    + Progress.SCHEMA_VERSION);
        }
        String current = optionalString(root.get("current"), "current");
        if (current != null && current.isBlank()) {
            throw new ProgressFormatException("current is blank");
        }
        Map<String, ExerciseProgress> exercises = new LinkedHashMap<>();
        JsonElement all = root.get("exercises");
        if (all != null && !all.isJsonNull()) {
            for (Map.Entry<String, JsonElement> e : object(all, "exercises").entrySet()) {
                if (e.getKey().isBlank()) {
                    throw new ProgressFormatException("exercises has a blank id");
                }
                exercises.put(e.getKey(), readExercise(e.getValue(), "exercises." + e.getKey()));
            }
        }
        return new Progress(schema, exercises, current);
    }

    private static ExerciseProgress readExercise(JsonElement element, String where) throws ProgressFormatException {
        JsonObject o = object(element, where);
        String status = optionalString(o.get("status"), where + ".status");
        return new ExerciseProgress(
                status == null ? ExerciseStatus.NOT_STARTED : status(status, where + ".status"),
                optionalCount(o.get("attempts"), where + ".attempts"),
                optionalCount(o.get("hintsTaken"), where + ".hintsTaken"),
                optionalInstant(o.get("firstPassedAt"), where + ".firstPassedAt"),
                optionalInstant(o.get("lastAttemptAt"), where + ".lastAttemptAt"),
                optionalBoolean(o.get("solutionViewed"), where + ".solutionViewed"));
    }

    private static JsonElement parse(String text) throws ProgressFormatException {
        if (text.isBlank()) {
            throw new ProgressFormatException("the file is empty");
        }
        try {
            JsonReader reader = new JsonReader(new StringReader(text));
            reader.setStrictness(Strictness.STRICT);
            JsonElement element = JsonParser.parseReader(reader);
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new ProgressFormatException("text after the JSON value, at " + reader.getPath());
            }
            return element;
        } catch (JsonParseException | IOException e) {
            throw new ProgressFormatException(firstLine(e));
        }
    }

    private static String firstLine(Exception e) {
        // Gson appends a troubleshooting link on a second line; one line is what we promise.
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        Throwable cause = e.getCause();
        if (e instanceof JsonParseException && cause != null && cause.getMessage() != null) {
            message = cause.getMessage();
        }
        message = message.lines().findFirst().orElse(message);
        return message.replace("Use JsonReader.setStrictness(Strictness.LENIENT) to accept malformed JSON",
                "malformed JSON");
    }

    private static JsonObject object(JsonElement e, String where) throws ProgressFormatException {
        if (!e.isJsonObject()) {
            throw new ProgressFormatException(where + " is not a JSON object but " + describe(e));
        }
        return e.getAsJsonObject();
    }

    private static ExerciseStatus status(String value, String where) throws ProgressFormatException {
        try {
            return ExerciseStatus.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ProgressFormatException(where + " is not a known status: \"" + value + "\"");
        }
    }

    private static int count(JsonElement e, String where) throws ProgressFormatException {
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
            try {
                int n = e.getAsBigDecimal().intValueExact();
                if (n >= 0) {
                    return n;
                }
            } catch (ArithmeticException | NumberFormatException notWhole) {
                // reported below with the value
            }
        }
        throw new ProgressFormatException(where + " is not a whole number of at least 0 but " + describe(e));
    }

    private static int optionalCount(JsonElement e, String where) throws ProgressFormatException {
        return e == null || e.isJsonNull() ? 0 : count(e, where);
    }

    private static String optionalString(JsonElement e, String where) throws ProgressFormatException {
        if (e == null || e.isJsonNull()) {
            return null;
        }
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) {
            return e.getAsString();
        }
        throw new ProgressFormatException(where + " is not a string but " + describe(e));
    }

    private static boolean optionalBoolean(JsonElement e, String where) throws ProgressFormatException {
        if (e == null || e.isJsonNull()) {
            return false;
        }
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isBoolean()) {
            return e.getAsBoolean();
        }
        throw new ProgressFormatException(where + " is not true or false but " + describe(e));
    }

    private static Instant optionalInstant(JsonElement e, String where) throws ProgressFormatException {
        String text = optionalString(e, where);
        try {
            return text == null ? null : Instant.parse(text);
        } catch (DateTimeParseException bad) {
            throw new ProgressFormatException(where + " is not a UTC time such as 2026-01-31T12:00:00Z: \""
                    + text + "\"");
        }
    }

    private static String describe(JsonElement e) {
        String text = e.toString();
        return text.length() > 40 ? text.substring(0, 37) + "..." : text;
    }
}
