package dev.lifeboat.encryption;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.ExitCode;
import dev.lifeboat.testing.ChildJvm;
import dev.lifeboat.testing.Cli;
import dev.lifeboat.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * age's scrypt with the default work factor 18 needs a 256 MiB array: a smaller heap is one line
 * naming LIFEBOAT_JAVA_OPTS with a heap that fits, not an OutOfMemoryError, for writing and reading.
 */
class ScryptHeapTest {
    private static final String PASSPHRASE = "correct horse battery staple";
    private static final String FIX = "run with LIFEBOAT_JAVA_OPTS=-Xmx384m";

    @TempDir
    Path dir;

    @Test
    void aHeapTooSmallForScryptFailsInOneLineAndChangesNothing() throws Exception {
        Path db = dir.resolve("app.db");
        TestDatabases.walWithUncheckpointedRows(db, 20).close();
        Path repo = dir.resolve("repo");
        Map<String, String> env = Map.of("LIFEBOAT_SCRATCH_DIR", dir.resolve("scratch").toString(),
                "BACKUP_PASSPHRASE", PASSPHRASE);

        assertOneLineFailure(smallHeap(env, "backup", db.toString(), "--repo", repo.toString(), "--passphrase-env",
                "BACKUP_PASSPHRASE"), "work factor 18 needs 256 MiB");
        assertFalse(Files.exists(repo.resolve("backups")), "nothing was stored");

        Cli cli = new Cli(dir.resolve("scratch")).env("BACKUP_PASSPHRASE", PASSPHRASE);
        Cli.Result stored = cli.run("backup", db.toString(), "--repo", repo.toString(), "--passphrase-env",
                "BACKUP_PASSPHRASE");
        assertEquals(0, stored.exit(), stored.toString());
        try (java.sql.Connection conn = TestDatabases.open(db)) {
            TestDatabases.insertCustomers(conn, 100, 5);
        }
        byte[] before = Files.readAllBytes(db);
        assertOneLineFailure(smallHeap(env, "restore", "latest", "--repo", repo.toString(), "--to", db.toString(),
                "--passphrase-env", "BACKUP_PASSPHRASE", "--yes"), "work factor 18 needs 256 MiB");
        assertArrayEquals(before, Files.readAllBytes(db), "the target is as it was");
        assertOneLineFailure(smallHeap(env, "cat", "latest", "--repo", repo.toString(), "--passphrase-env",
                "BACKUP_PASSPHRASE"), "scrypt");
        assertEquals(2, cli.run("list", "--repo", repo.toString()).out().lines().count(), "one backup, no safety copy");
    }

    private String smallHeap(Map<String, String> env, String... args) throws Exception {
        Path log = Files.createTempFile(dir, "child", ".log");
        Process child = ChildJvm.start(List.of("-Xmx64m"), env, log, args);
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child finished");
        String output = Files.readString(log);
        assertEquals(ExitCode.SOURCE.code(), child.exitValue(), output);
        return output;
    }

    private static void assertOneLineFailure(String output, String cause) {
        assertEquals(1, output.lines().count(), "exactly one line: " + output);
        assertTrue(output.startsWith("lifeboat: not enough memory for the passphrase's scrypt key derivation"), output);
        assertTrue(output.contains(cause), output);
        assertTrue(output.strip().endsWith(FIX + " (or more)"), output);
    }
}
