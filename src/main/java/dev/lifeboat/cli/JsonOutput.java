package dev.lifeboat.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.manifest.Json;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * The {@code --json} contract, kept in one place so that every command (and every field a service
 * adds to a report) follows it: stdout carries exactly one JSON document, everything for people
 * goes to stderr. A document is an object {@code {"schema": "lifeboat/<kind>/v1", ...}} with
 * snake_case keys (the mapping of {@link Json}); its shape is {@code src/main/resources/schema/<kind>.json}.
 * A command sets its document once, and it is printed when the command ends: as it is on success,
 * and on failure with {@code error} (the exit code's stable name), {@code exit_code} and
 * {@code message} added; a failure before any document is the {@code error} document. A command
 * whose output is a stream ({@code daemon}) writes JSON Lines instead, and a failure ends the
 * stream with one such line.
 *
 * <p>One instance per command line: it holds the real stdout, which the command's own writer
 * stops being under {@code --json}.
 */
final class JsonOutput {
    static final String ERROR = "error";

    private final PrintWriter stdout;
    private boolean enabled;
    private ObjectNode document;
    private boolean streaming;

    JsonOutput(PrintWriter stdout) {
        this.stdout = stdout;
    }

    /** The JSON output of the command line {@code spec} belongs to. */
    static JsonOutput of(CommandLine.Model.CommandSpec spec) {
        return ((Main) spec.root().userObject()).output.json();
    }

    void enable() {
        enabled = true;
    }

    boolean enabled() {
        return enabled;
    }

    /**
     * Sets this command's document: {@code body} (a record or map; it must render as an object)
     * with the schema of {@code kind} first. Returns the document for fields to be added.
     */
    ObjectNode document(String kind, Object body) {
        ObjectNode node = Json.document(kind, body);
        for (String failureField : List.of("error", "exit_code", "message")) {
            if (node.has(failureField)) {
                throw new IllegalStateException("the " + kind + " document has its own '" + failureField
                        + "', which only a failure may set; rename it");
            }
        }
        this.document = node;
        return document;
    }

    /** For a command whose output is a stream of JSON Lines: the real stdout. */
    PrintWriter lines() {
        streaming = true;
        return stdout;
    }

    /** The command ended with {@code code} and no exception; prints its document. */
    void finished(int code, String command) {
        if (!enabled || streaming && code == ExitCode.OK.code()) {
            return;
        }
        if (code != ExitCode.OK.code()) {
            // A code of its own (wal-fetch's 126 for PostgreSQL) keeps its number, as the process exits with it.
            ObjectNode node = failedDocument(exitCode(code), command + " failed; see stderr");
            node.put("exit_code", code);
            print(node);
            return;
        }
        print(document != null ? document : fallback(command));
    }

    /** A failure inside a document (one backup of several): the same fields as the failure of a command. */
    static Map<String, Object> failure(LifeboatException failure) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("error", failure.exitCode().kind());
        fields.put("exit_code", failure.exitCode().code());
        fields.put("message", failure.getMessage());
        return fields;
    }

    /** The command failed: its document (or the error document) with the failure's fields. */
    void failed(ExitCode exit, String message) {
        print(failedDocument(exit, message));
    }

    private ObjectNode failedDocument(ExitCode exit, String message) {
        ObjectNode node = document != null && !streaming ? document : Json.document(ERROR, Map.of());
        node.setAll(Json.tree(failure(new LifeboatException(exit, message))));
        return node;
    }

    private void print(ObjectNode node) {
        stdout.println(streaming ? Json.writeLine(node) : Json.writeString(node));
        stdout.flush();
        document = null;
    }

    /** A command that has no document of its own (none should) still prints one. */
    private static ObjectNode fallback(String command) {
        return Json.document("done", Map.of("command", command));
    }

    private static ExitCode exitCode(int code) {
        for (ExitCode exit : ExitCode.values()) {
            if (exit.code() == code) {
                return exit;
            }
        }
        return ExitCode.FAILURE;
    }
}
