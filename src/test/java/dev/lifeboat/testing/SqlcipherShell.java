package dev.lifeboat.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code sqlcipher} shell (SQLCipher 3.x here), as an application would use it: one-off
 * queries, or a session that stays open, so WAL content stays uncheckpointed and locks stay held.
 */
public final class SqlcipherShell implements AutoCloseable {
    private final Process process;
    private final PrintWriter in;
    private final BufferedReader out;
    private int sentinel;

    private SqlcipherShell(Process process) {
        this.process = process;
        this.in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Opens a session keyed with {@code keyPragmas} (e.g. "PRAGMA key='k';"). */
    public static SqlcipherShell open(Path db, String keyPragmas) throws IOException {
        Tools.requireTool("sqlcipher");
        Process process = new ProcessBuilder("sqlcipher", "-batch", db.toString()).redirectErrorStream(true).start();
        SqlcipherShell shell = new SqlcipherShell(process);
        shell.in.println(keyPragmas);
        return shell;
    }

    /** Runs statements and waits until the shell has done them; returns what they printed. */
    public String run(String sql) throws IOException {
        String done = "done-" + (++sentinel);
        in.println(sql);
        in.println("SELECT '" + done + "';");
        StringBuilder printed = new StringBuilder();
        for (String line; (line = out.readLine()) != null; ) {
            if (line.equals(done)) {
                return printed.toString();
            }
            printed.append(line).append('\n');
        }
        fail("the sqlcipher shell ended: " + printed);
        return null;
    }

    @Override
    public void close() throws Exception {
        in.println(".quit");
        in.close();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    /** One query through a fresh shell; the output, trimmed; fails the test if the shell fails. */
    public static String query(Path db, String keyPragmas, String sql) {
        Tools.Output output = tryQuery(db, keyPragmas, sql);
        assertEquals(0, output.exit(), "sqlcipher failed: " + output.err() + output.out());
        return output.out().trim();
    }

    /** One query through a fresh shell, successful or not. */
    public static Tools.Output tryQuery(Path db, String keyPragmas, String sql) {
        try {
            Path script = java.nio.file.Files.createTempFile("sqlcipher", ".sql");
            try {
                java.nio.file.Files.writeString(script, keyPragmas + "\n" + sql + "\n");
                Tools.Output output = Tools.run(List.of("sqlcipher", "-batch", "-bail", db.toString()), Map.of(), script);
                boolean failed = output.exit() != 0 || output.err().contains("Error") || output.out().contains("Error:");
                return new Tools.Output(failed ? Math.max(1, output.exit()) : 0, output.out(), output.err());
            } finally {
                java.nio.file.Files.deleteIfExists(script);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
