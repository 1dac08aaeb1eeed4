package dev.lifeboat.sqlite;

import static dev.lifeboat.testing.Cli.assertOneLineFailure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.ExitCode;
import dev.lifeboat.testing.Cli;
import dev.lifeboat.testing.TestDatabases;
import dev.lifeboat.testing.Tmpfs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every failure: one line naming cause and fix, a non-zero exit, and nothing changed. */
class FailurePathsTest {
    @TempDir
    Path dir;
    Cli cli;
    Path repo;

    @BeforeEach
    void setUp() {
        cli = new Cli(dir.resolve("scratch"));
        repo = dir.resolve("repo");
    }

    @Test
    void missingSourceFolderSourceAndNonDatabaseSource() throws Exception {
        assertOneLineFailure(cli.run("backup", "--no-encrypt", dir.resolve("nope.db").toString(), "--repo", repo.toString()),
                ExitCode.SOURCE, "does not exist", "check the path");
        assertOneLineFailure(cli.run("backup", "--no-encrypt", dir.toString(), "--repo", repo.toString()),
                ExitCode.SOURCE, "is a folder");
        Path text = dir.resolve("notes.db");
        Files.writeString(text, "hello, I am not a database at all, but I am long enough");
        assertOneLineFailure(cli.run("backup", "--no-encrypt", text.toString(), "--repo", repo.toString()),
                ExitCode.SOURCE, "is not an SQLite database", "sqlcipher:");
        assertTrue(Files.notExists(repo), "no repository is created by a failed backup");
    }

    @Test
    void sourceLockedBeyondTheRetryBudget() throws Exception {
        Path db = dir.resolve("locked.db");
        try (Connection setup = TestDatabases.walWithUncheckpointedRows(db, 100);
             Statement st = setup.createStatement()) {
            st.execute("PRAGMA journal_mode=DELETE");
        }
        byte[] before = Files.readAllBytes(db);
        try (Connection holder = TestDatabases.open(db); Statement st = holder.createStatement()) {
            st.execute("BEGIN EXCLUSIVE");
            st.execute("INSERT INTO customers(name) VALUES ('uncommitted')");
            Cli.Result result = cli.env("LIFEBOAT_LOCK_TIMEOUT", "1")
                    .run("backup", "--no-encrypt", db.toString(), "--repo", repo.toString());
            assertOneLineFailure(result, ExitCode.SOURCE, "locked", "1 s retry budget");
            st.execute("ROLLBACK");
        }
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(db)), "the source is untouched");
        assertNoBackupsOrLeftovers();
    }

    @Test
    void lockOutlastingTheOnlineBackupBudgetFallsBackToVacuumInto() throws Exception {
        Path db = dir.resolve("busy.db");
        try (Connection setup = TestDatabases.walWithUncheckpointedRows(db, 500);
             Statement st = setup.createStatement()) {
            st.execute("PRAGMA journal_mode=DELETE");
        }
        Connection holder = TestDatabases.open(db);
        Statement lock = holder.createStatement();
        lock.execute("BEGIN EXCLUSIVE");
        Thread release = new Thread(() -> {
            try {
                Thread.sleep(3000);
                lock.execute("ROLLBACK");
                holder.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        release.start();
        Cli.Result backup = cli.env("LIFEBOAT_LOCK_TIMEOUT", "2")
                .run("backup", "--no-encrypt", db.toString(), "--repo", repo.toString(), "--json");
        release.join();
        assertEquals(0, backup.exit(), backup.toString());
        assertTrue(backup.out().contains("\"snapshot_method\" : \"vacuum-into\""), backup.out());
        assertTrue(backup.out().contains("\"customers\" : 500"), backup.out());
        assertEquals(0, cli.run("verify", "latest", "--repo", repo.toString()).exit());
    }

    @Test
    void fullRepositoryKeepsEarlierBackupsAndLeavesNothingPartial() throws Exception {
        try (Tmpfs disk = new Tmpfs(dir.resolve("small-disk"), "1m")) {
            Path smallRepo = disk.path().resolve("repo");
            Path small = dir.resolve("small.db");
            TestDatabases.walWithUncheckpointedRows(small, 50).close();
            assertEquals(0, cli.run("backup", "--no-encrypt", small.toString(), "--repo", smallRepo.toString()).exit());

            Path big = dir.resolve("big.db");
            try (Connection conn = TestDatabases.open(big); Statement st = conn.createStatement()) {
                st.execute("CREATE TABLE blobs(b BLOB)");
                st.execute("INSERT INTO blobs WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 600)"
                        + " SELECT randomblob(4096) FROM n");
            }
            assertOneLineFailure(cli.run("backup", "--no-encrypt", big.toString(), "--repo", smallRepo.toString()),
                    ExitCode.REPOSITORY, "is full", "free space");
            try (Stream<Path> dirs = Files.list(smallRepo.resolve("backups"))) {
                assertEquals(1, dirs.count(), "only the earlier, complete backup remains");
            }
            Cli.Result verify = cli.run("verify", "all", "--repo", smallRepo.toString());
            assertEquals(0, verify.exit(), verify.toString());
            assertTrue(!verify.out().contains("INCOMPLETE"), verify.out());
        }
    }

    @Test
    void scratchSpaceTooSmallFailsBeforeAnyWork() throws Exception {
        try (Tmpfs disk = new Tmpfs(dir.resolve("tiny-scratch"), "256k")) {
            Path db = dir.resolve("big.db");
            try (Connection conn = TestDatabases.open(db); Statement st = conn.createStatement()) {
                st.execute("CREATE TABLE blobs(b BLOB)");
                st.execute("INSERT INTO blobs WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)"
                        + " SELECT randomblob(4096) FROM n");
            }
            Cli small = new Cli(disk.path()).env("LIFEBOAT_STATE_DIR", dir.resolve("state").toString());
            assertOneLineFailure(small.run("backup", "--no-encrypt", db.toString(), "--repo", repo.toString()), ExitCode.SOURCE,
                    "scratch folder " + disk.path() + " is too full for a snapshot of " + db, "MiB needed",
                    "LIFEBOAT_SCRATCH_DIR");
            try (Stream<Path> files = Files.list(disk.path())) {
                assertEquals(0, files.count(), "nothing was written to the scratch folder");
            }
        }
    }

    @Test
    void readOnlyRepository() throws Exception {
        try (Tmpfs disk = new Tmpfs(dir.resolve("ro-disk"), "4m")) {
            Path roRepo = disk.path().resolve("repo");
            Path db = dir.resolve("app.db");
            TestDatabases.walWithUncheckpointedRows(db, 50).close();
            assertEquals(0, cli.run("backup", "--no-encrypt", db.toString(), "--repo", roRepo.toString()).exit());
            disk.makeReadOnly();
            assertOneLineFailure(cli.run("backup", "--no-encrypt", db.toString(), "--repo", roRepo.toString()),
                    ExitCode.REPOSITORY, "read-only");
            assertEquals(2, cli.run("list", "--repo", roRepo.toString()).out().lines().count());
            Cli.Result verify = cli.run("verify", "latest", "--repo", roRepo.toString());
            assertOneLineFailure(verify, ExitCode.REPOSITORY, "read-only");
            assertTrue(verify.out().isEmpty(), "the verification ran but its record cannot be stored: " + verify.out());
        }
    }

    @Test
    void unknownBackupsAndRepositories() throws Exception {
        Path db = dir.resolve("app.db");
        TestDatabases.walWithUncheckpointedRows(db, 50).close();
        assertOneLineFailure(cli.run("list", "--repo", dir.resolve("no-repo").toString()),
                ExitCode.NOT_FOUND, "no Lifeboat repository");
        assertEquals(0, cli.run("backup", "--no-encrypt", db.toString(), "--repo", repo.toString()).exit());
        assertOneLineFailure(cli.run("restore", "20200101T000000Z-abcdef", "--repo", repo.toString(), "--to",
                dir.resolve("x.db").toString()), ExitCode.NOT_FOUND, "no backup 20200101T000000Z-abcdef", "lifeboat list");
        assertOneLineFailure(cli.run("verify", "latest", "--repo", repo.toString(), "--name", "other"),
                ExitCode.NOT_FOUND, "no backup named 'other'", "app");
        Path notRepo = Files.createDirectories(dir.resolve("photos"));
        Files.writeString(notRepo.resolve("cat.jpg"), "meow");
        assertOneLineFailure(cli.run("backup", "--no-encrypt", db.toString(), "--repo", notRepo.toString()),
                ExitCode.REPOSITORY, "not a Lifeboat repository");
        assertOneLineFailure(cli.run("backup", "--no-encrypt", db.toString(), "--repo", repo.toString(), "--level", "42"),
                ExitCode.USAGE, "out of range");
        assertOneLineFailure(cli.run("backup", "--no-encrypt", db.toString(), "--repo", repo.toString(), "--name", "../evil"),
                ExitCode.USAGE, "not a valid name");
        assertOneLineFailure(cli.run("backup", "--no-encrypt", db.toString()), ExitCode.USAGE, "--repo");
    }

    private void assertNoBackupsOrLeftovers() throws Exception {
        if (Files.exists(repo.resolve("backups"))) {
            try (Stream<Path> dirs = Files.list(repo.resolve("backups"))) {
                assertEquals(0, dirs.count());
            }
        }
        if (Files.exists(dir.resolve("scratch"))) {
            try (Stream<Path> files = Files.list(dir.resolve("scratch"))) {
                assertEquals(0, files.count());
            }
        }
    }
}
