package dev.lifeboat.sqlcipher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.testing.ChildJvm;
import dev.lifeboat.testing.Cli;
import dev.lifeboat.testing.SqlcipherShell;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two backups of one database never run at once, across processes: the second fails clearly, or waits. */
class ConcurrentBackupTest {
    static final String KEY = "PRAGMA key = 'k';";

    @TempDir
    Path dir;

    @Test
    void aSecondBackupFailsNamingTheFirstOrWaitsForItWhenAskedTo() throws Exception {
        Path db = dir.resolve("busy.db");
        Path repo = dir.resolve("repo");
        // The per-database lock guards the database itself, across repositories: the others go elsewhere.
        Path otherRepo = dir.resolve("other-repo");
        Path scratch = dir.resolve("scratch");
        String source = "sqlcipher:" + db + "?key-env=APP_KEY&legacy=3";
        SqlcipherShell.query(db, KEY, "CREATE TABLE t(x); INSERT INTO t VALUES (1), (2);");
        Cli cli = new Cli(scratch).env("APP_KEY", "k");
        try (SqlcipherShell writer = SqlcipherShell.open(db, KEY)) {
            // A rollback-journal writer mid-transaction makes the first backup wait inside SQLite.
            writer.run("BEGIN EXCLUSIVE; INSERT INTO t VALUES (3);");
            Process first = ChildJvm.start(Map.of("APP_KEY", "k", "LIFEBOAT_SCRATCH_DIR", scratch.toString(),
                    "LIFEBOAT_LOCK_TIMEOUT", "60"), dir.resolve("first.log"), "backup", source, "--repo",
                    repo.toString());
            awaitLockFile(scratch.resolve("locks"));

            Cli.Result second = cli.run("backup", source, "--repo", otherRepo.toString());
            assertEquals(3, second.exit(), second.toString());
            assertTrue(second.err().contains("another backup of " + db + " is running")
                    && second.err().contains("pid " + first.pid()) && second.err().contains("lock-wait=SECONDS"),
                    second.err());

            CompletableFuture<Cli.Result> third = CompletableFuture.supplyAsync(() ->
                    cli.run("backup", source + "&lock-wait=60", "--repo", otherRepo.toString()));
            Thread.sleep(1500);
            assertTrue(!third.isDone(), "the third backup waits for the first");
            writer.run("COMMIT;");
            assertTrue(first.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, first.exitValue(), Files.readString(dir.resolve("first.log")));
            Cli.Result waited = third.get(60, TimeUnit.SECONDS);
            assertEquals(0, waited.exit(), waited.toString());
        }
        assertEquals(2, cli.run("list", "--repo", repo.toString()).out().lines().count(), "the first backup");
        assertEquals(2, cli.run("list", "--repo", otherRepo.toString()).out().lines().count(), "the third backup");
        try (Stream<Path> locks = Files.list(scratch.resolve("locks"))) {
            assertEquals(0, locks.count(), "both locks were released");
        }
    }

    private static void awaitLockFile(Path locks) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (Files.isDirectory(locks)) {
                try (Stream<Path> files = Files.list(locks)) {
                    if (files.findAny().isPresent()) {
                        return;
                    }
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the first backup never took its lock");
    }
}
