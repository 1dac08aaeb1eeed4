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

    /** What a command did: exit status, text output, error output, binary standard output. */
    public record Result(int exit, String out, String err, byte[] stdout) {
        public String stdoutText() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- out\n" + out + "--- err\n" + err;
        }
    }
}
