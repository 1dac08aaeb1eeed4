package dev.lifeboat.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.testing.Cli;
import dev.lifeboat.testing.TestDatabases;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run waits for a repository lock up to its limit, then fails naming the holder as before. */
class LockWaitTest {
    @TempDir
    Path dir;

    @Test
    void aLockReleasedWithinTheLimitIsTakenAndOneHeldLongerFailsNamingItsHolder() throws Exception {
        Repository repository = Repositories.open(dir.resolve("repo").toString(), java.util.Map.of());
        repository.create();
        RepositoryLock held = repository.lock("prune", "prune");
        CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS).execute(held::close);
        List<String> heard = new ArrayList<>();
        try (RepositoryLock taken = new LockWait(Duration.ofSeconds(20)).take(
                () -> repository.lock("prune", "prune"), heard::add)) {
            assertEquals(1, heard.size(), heard.toString());
            assertTrue(heard.get(0).startsWith("waiting up to 20 s: 'prune' in "), heard.toString());
        }

        try (RepositoryLock again = repository.lock("prune", "prune")) {
            LifeboatException e = assertThrows(LifeboatException.class, () -> new LockWait(Duration.ofMillis(300))
                    .take(() -> repository.lock("prune", "prune")));
            assertEquals(ExitCode.LOCKED, e.exitCode());
            assertTrue(e.getMessage().contains("is locked by") && e.getMessage().endsWith("(waited 0 s)"),
                    e.getMessage());
            LifeboatException atOnce = assertThrows(LifeboatException.class, () -> LockWait.NONE
                    .take(() -> repository.lock("prune", "prune")));
            assertTrue(atOnce.getMessage().contains("is locked by") && !atOnce.getMessage().contains("waited"));
        }
    }

    @Test
    void lifeboatBackupLockWaitAppliesToTheDatabaseLockInTheRepository() throws Exception {
        Path db = dir.resolve("app.db");
        TestDatabases.walWithUncheckpointedRows(db, 50).close();
        Path repo = dir.resolve("repo");
        Cli cli = new Cli(dir.resolve("scratch"));
        assertEquals(0, cli.run("backup", "--no-encrypt", db.toString(), "--repo", repo.toString()).exit());
        Repository repository = Repositories.open(repo.toString(), java.util.Map.of());
        RepositoryLock held = repository.lock("database-app", "restore");
        Cli.Result atOnce = cli.run("backup", "--no-encrypt", db.toString(), "--repo", repo.toString());
        assertEquals(ExitCode.LOCKED.code(), atOnce.exit(), atOnce.toString());
        CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS).execute(held::close);
        Cli.Result waited = cli.env("LIFEBOAT_BACKUP_LOCK_WAIT", "30").run("backup", "--no-encrypt", db.toString(),
                "--repo", repo.toString());
        assertEquals(0, waited.exit(), waited.toString());
    }
}
