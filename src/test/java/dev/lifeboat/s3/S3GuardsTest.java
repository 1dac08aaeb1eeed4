package dev.lifeboat.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.ExitCode;
import dev.lifeboat.repository.RepositoryLock;
import dev.lifeboat.repository.Repositories;
import dev.lifeboat.repository.Repository;
import dev.lifeboat.testing.Cli;
import dev.lifeboat.testing.S3Server;
import dev.lifeboat.testing.TestDatabases;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Locks, in-use marks, prune and re-encryption work on an S3 repository as on a folder. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class S3GuardsTest {
    private S3Server server;

    @TempDir
    Path dir;

    @BeforeAll
    void startServer() throws Exception {
        server = new S3Server();
    }

    @AfterAll
    void stopServer() throws Exception {
        server.close();
    }

    @Test
    void aHeldLockRefusesASecondBackupNamingItsHolderAndIsReleasedAfterwards() throws Exception {
        Path db = dir.resolve("app.db");
        TestDatabases.walWithUncheckpointedRows(db, 100).close();
        String bucket = server.url("locks");
        Cli cli = server.cli(dir.resolve("scratch"));
        assertEquals(0, cli.run("backup", "--no-encrypt", db.toString(), "--repo", bucket).exit());
        try (Repository repository = Repositories.open(bucket, server.credentials());
             RepositoryLock held = repository.lock("database-app", "backup")) {
            Cli.Result second = cli.run("backup", "--no-encrypt", db.toString(), "--repo", bucket);
            assertEquals(ExitCode.LOCKED.code(), second.exit(), second.toString());
            assertTrue(second.err().contains("is locked by backup by host") && second.err().contains("lifeboat unlock"),
                    second.err());
            try (Repository other = Repositories.open(bucket, server.credentials())) {
                assertEquals(ExitCode.LOCKED, assertLocked(other));
            }
        }
        assertEquals(0, cli.run("backup", "--no-encrypt", db.toString(), "--repo", bucket).exit(),
                "the lock was released");
        assertTrue(server.keys("locks/locks/").isEmpty(), "no lock object is left: " + server.keys("locks/locks/"));
    }

    private static ExitCode assertLocked(Repository repository) {
        try (RepositoryLock lock = repository.lock("database-app", "backup")) {
            throw new AssertionError("a second holder got the lock");
        } catch (dev.lifeboat.LifeboatException e) {
            return e.exitCode();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void pruneKeepsWhatIsInUseAndUnlockClearsStaleLocks() throws Exception {
        Path db = dir.resolve("prune.db");
        TestDatabases.walWithUncheckpointedRows(db, 50).close();
        String bucket = server.url("prune");
        Cli cli = server.cli(dir.resolve("scratch"));
        for (int i = 0; i < 4; i++) {
            assertEquals(0, cli.run("backup", "--no-encrypt", db.toString(), "--repo", bucket).exit());
        }
        String oldest = cli.run("list", "--repo", bucket).out().lines().skip(1).findFirst().orElseThrow().split(" ")[0];
        try (Repository repository = Repositories.open(bucket, server.credentials());
             RepositoryLock reading = repository.markInUse(oldest, "restore")) {
            Cli.Result prune = cli.run("prune", "--repo", bucket, "--keep-last", "1");
            assertEquals(0, prune.exit(), prune.toString());
            assertTrue(prune.out().contains("in use by a running restore or verify"), prune.out());
            assertEquals(3, cli.run("list", "--repo", bucket).out().lines().count(),
                    "the newest and the one in use remain:\n" + prune.out());
            try (Repository other = Repositories.open(bucket, server.credentials())) {
                assertEquals(java.util.Set.of(oldest), other.backupsInUse());
            }
        }
        try (Repository repository = Repositories.open(bucket, server.credentials())) {
            repository.lock("database-ghost", "backup");   // left behind, as a killed process would
            assertEquals(1, repository.unlock(Optional.of("database-ghost")).size());
            assertEquals(java.util.Set.of(), repository.backupsInUse());
        }
    }
}
