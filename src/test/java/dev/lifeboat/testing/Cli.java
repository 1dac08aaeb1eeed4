package dev.lifeboat.testing;

import dev.lifeboat.cli.Main;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Runs the real command line in this JVM with its own environment and captured output. */
public final class Cli {
    private final Map<String, String> env = new HashMap<>();

    public Cli(Path scratchDir) {
        env.put("LIFEBOAT_SCRATCH_DIR", scratchDir.toString());
        env.put("LIFEBOAT_STATE_DIR", scratchDir.resolveSibling("state").toString());
    }

    public Cli env(String name, String value) {
        env.put(name, value);
        return this;
    }

    public Result run(String... args) {
        return runWithStdin(new byte[0], args);
    }

    public Result runWithStdin(byte[] stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        int exit = Main.run(env, new ByteArrayInputStream(stdin), stdout, new PrintWriter(out, true),
                new PrintWriter(err, true), args);
        return new Result(exit, out.toString(), err.toString(), stdout.toByteArray());
    }

    /** The manifest of the first backup in the text of a {@code backup --json} document. */
    public static dev.lifeboat.manifest.Manifest manifestIn(String backupJson) {
        try {
            com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
            return dev.lifeboat.manifest.Json.read(mapper.writeValueAsBytes(mapper.readTree(backupJson)
                    .path("backups").path(0).path("manifest")), dev.lifeboat.manifest.Manifest.class);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** One line on stderr naming the cause (with each fragment), and the expected exit code. */
    public static void assertOneLineFailure(Result result, dev.lifeboat.ExitCode code, String... fragments) {
        org.junit.jupiter.api.Assertions.assertEquals(code.code(), result.exit(), result.toString());
        org.junit.jupiter.api.Assertions.assertEquals(1, result.err().lines().count(),
                "exactly one line: " + result.err());
        org.junit.jupiter.api.Assertions.assertTrue(result.err().startsWith("lifeboat: "), result.err());
        for (String fragment : fragments) {
            org.junit.jupiter.api.Assertions.assertTrue(result.err().contains(fragment),
                    "'" + fragment + "' in: " + result.err());
        }
    }

    /** What a command did: exit status, text output, error output, binary standard output. */
    public record Result(int exit, String out, String err, byte[] stdout) {
        /** The manifest of the first backup in a {@code backup --json} document. */
        public dev.lifeboat.manifest.Manifest manifest() {
            return manifestIn(out);
        }

        /** The {@code --json} document on stdout. */
        public com.fasterxml.jackson.databind.JsonNode json() {
            try {
                return new com.fasterxml.jackson.databind.ObjectMapper().readTree(out);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        public String stdoutText() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- out\n" + out + "--- err\n" + err;
        }
    }
}
