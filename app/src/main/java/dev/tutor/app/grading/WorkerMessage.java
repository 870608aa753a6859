package dev.tutor.app.grading;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One line of the private channel between the tutor and a test JVM: what happened, with exactly the facts that
 * kind of event has.
 *
 * <p>The worker writes these on the process's original standard output, which the learner's code cannot
 * reach through {@code System.out} (that is redirected to a capped buffer). One message a line, as JSON with
 * its {@code kind} beside its fields, flushed at once, so that whatever happened before a crash or a
 * {@code System.exit} has already reached the tutor.
 */
public sealed interface WorkerMessage {
    /** The worker has warmed up and waits for its one request. */
    record Ready() implements WorkerMessage {
    }

    /** Run {@code run} (from 1) of the whole test set begins. */
    record RunStarted(int run) implements WorkerMessage {
    }

    /** A test began; its tags name the hint that fits should it break the JVM. */
    record TestStarted(int run, String test, List<String> tags) implements WorkerMessage {
        public TestStarted {
            tags = tags == null ? List.of() : List.copyOf(tags);
        }
    }

    /**
     * A test ended.
     *
     * @param status    SUCCESSFUL, FAILED or ABORTED
     * @param message   a failure's message, or null
     * @param exception the class name of a failure's exception, or null
     * @param where     the learner's line where it failed, as {@code File.java:42}, or null
     * @param tags      the test's JUnit tags, for the hint it points to
     */
    record TestFinished(int run, String test, String status, String message, String exception, String where,
                        List<String> tags) implements WorkerMessage {
    }

    /**
     * A test ran past its time limit; {@code dump} says where the threads stood. The output is what the learner's
     * code printed up to then, capped, and {@code dropped} how many bytes went over the cap.
     */
    record TestTimedOut(String test, List<String> tags, String dump, String output, long dropped)
            implements WorkerMessage {
    }

    /** Someone called {@code System.exit} during {@code test}, at the learner's line {@code where}; the JVM is going down. */
    record ExitCalled(String test, String where, String output, long dropped) implements WorkerMessage {
    }

    /** A test published a figure it measured on the learner's code (see {@link Measurement}). */
    record Measured(String test, String name, String value) implements WorkerMessage {
    }

    /** Every run ended; the worker is about to stop itself. */
    record Done(String output, long dropped) implements WorkerMessage {
    }

    /** The worker itself failed before or around the tests (a class not found, for example). */
    record WorkerFailed(String message) implements WorkerMessage {
    }

    /** The kind each message is written with, and read back by. */
    Map<String, Class<? extends WorkerMessage>> KINDS = Map.of("READY", Ready.class, "RUN", RunStarted.class,
            "STARTED", TestStarted.class, "FINISHED", TestFinished.class, "TIMEOUT", TestTimedOut.class,
            "EXIT", ExitCalled.class, "MEASURED", Measured.class, "DONE", Done.class, "ERROR", WorkerFailed.class);

    /** The message as one line of JSON. */
    static String toJson(Gson gson, WorkerMessage message) {
        JsonObject json = gson.toJsonTree(message).getAsJsonObject();
        String kind = KINDS.entrySet().stream().filter(e -> e.getValue() == message.getClass()).findFirst()
                .orElseThrow().getKey();
        json.addProperty("kind", kind);
        return gson.toJson(json);
    }

    /** The message a line holds; empty for anything else (the learner's code may write to the raw descriptor). */
    static Optional<WorkerMessage> fromJson(Gson gson, String line) {
        try {
            JsonElement parsed = JsonParser.parseString(line);
            if (!parsed.isJsonObject() || !parsed.getAsJsonObject().has("kind")) {
                return Optional.empty();
            }
            JsonObject json = parsed.getAsJsonObject();
            Class<? extends WorkerMessage> type = KINDS.get(json.get("kind").getAsString());
            return type == null ? Optional.empty() : Optional.ofNullable(gson.fromJson(json, type));
        } catch (JsonParseException | IllegalStateException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }
}
