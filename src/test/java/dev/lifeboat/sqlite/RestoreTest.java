package dev.lifeboat.sqlite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.Progress;
import dev.lifeboat.backup.BackupRunner;
import dev.lifeboat.backup.BackupSelector;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.pipeline.Compression;
import dev.lifeboat.pipeline.Decryption;
import dev.lifeboat.pipeline.Encryption;
import dev.lifeboat.pipeline.StoredForm;
import dev.lifeboat.repository.Repositories;
import dev.lifeboat.repository.Repository;
import dev.lifeboat.restore.Confirmation;
import dev.lifeboat.restore.RestoreRunner;
import dev.lifeboat.scratch.ScratchSpace;
import dev.lifeboat.source.Engines;
import dev.lifeboat.source.RestoreTarget;
import dev.lifeboat.testing.Cli;
import dev.lifeboat.testing.TestDatabases;
import dev.lifeboat.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Restores check everything before touching the target, keep the old content, and roll back. */
class RestoreTest {
    @TempDir
    Path dir;
    Path repo;
    Path source;
    Cli cli;

    @BeforeEach
    void backUpASource() throws Exception {
        repo = dir.resolve("repo");
        source = dir.resolve("app.db");
        cli = new Cli(dir.resolve("scratch"));
        try (Connection app = TestDatabases.walWithUncheckpointedRows(source, 2000)) {
            assertEquals(0, cli.run("backup", "--no-encrypt", source.toString(), "--repo", repo.toString()).exit());
        }
    }

    /** A live database with different content, in WAL mode, like the application's own. */
    private Connection liveTarget(Path target) throws Exception {
        Connection conn = TestDatabases.walWithUncheckpointedRows(target, 10);
        try (Statement st = conn.createStatement()) {
            st.execute("CREATE TABLE app_only(x)");
        }
        return conn;
    }

    @Test
    void restoreOverADatabaseAnotherConnectionHoldsOpen() throws Exception {
        Path target = dir.resolve("live.db");
        try (Connection app = liveTarget(target)) {
            assertEquals(10, TestDatabases.count(app, "customers"));
            Cli.Result restore = cli.run("restore", "latest", "--repo", repo.toString(), "--to", target.toString(),
                    "--name", "app", "--yes");
            assertEquals(0, restore.exit(), restore.toString());
            assertTrue(restore.out().contains("pre-restore backup"), restore.out());
            assertEquals(2000, TestDatabases.count(app, "customers"), "the open connection sees the new content");
            try (Statement st = app.createStatement()) {
                st.execute("INSERT INTO customers(name) VALUES ('after restore')");
            }
            assertEquals("wal", Tools.sqlite(target, "PRAGMA journal_mode"));
        }
        assertEquals(Map.of("customers", 2001L, "orders", 666L), TestDatabases.counts(target));
        assertEquals("ok", Tools.sqlite(target, "PRAGMA integrity_check"));
        assertNoScratchBeside(target);
        Cli.Result list = cli.run("list", "--repo", repo.toString());
        assertTrue(list.out().contains("pre-restore"), list.out());
        // The safety backup holds the content the target had: 10 customers and the app's own table.
        Path previous = dir.resolve("previous.db");
        String safetyId = list.out().lines().filter(l -> l.contains("pre-restore")).findFirst().orElseThrow()
                .split(" ")[0];
        assertEquals(0, cli.run("restore", safetyId, "--repo", repo.toString(), "--to", previous.toString()).exit());
        assertEquals(Map.of("app_only", 0L, "customers", 10L, "orders", 3L), TestDatabases.counts(previous));
    }

    @Test
    void restoreToANewPathCreatesItAtomically() throws Exception {
        Path target = dir.resolve("sub").resolve("new.db");
        Files.createDirectories(target.getParent());
        Files.writeString(dir.resolve("sub").resolve("new.db-wal"), "stale wal of an older database");
        Cli.Result restore = cli.run("restore", "latest", "--repo", repo.toString(), "--to", target.toString(),
                "--name", "app");
        assertEquals(0, restore.exit(), restore.toString());
        assertEquals(Map.of("customers", 2000L, "orders", 666L), TestDatabases.counts(target));
        assertFalse(Files.exists(dir.resolve("sub").resolve("new.db-wal")), "a stale -wal must not survive");
        assertNoScratchBeside(target);
        assertEquals(1, cli.run("list", "--repo", repo.toString()).out().lines().count() - 1,
                "no safety backup for a new path");
    }

    @Test
    void corruptObjectLeavesTheTargetByteIdentical() throws Exception {
        Path target = dir.resolve("live.db");
        try (Connection app = liveTarget(target)) {
            app.createStatement().execute("PRAGMA wal_checkpoint(TRUNCATE)");
        }
        byte[] before = Files.readAllBytes(target);
        Path object = onlyObject();
        byte[] stored = Files.readAllBytes(object);
        stored[stored.length / 2] ^= 0x01;
        Files.write(object, stored);

        Cli.Result restore = cli.run("restore", "latest", "--repo", repo.toString(), "--to", target.toString(),
                "--name", "app", "--yes");
        assertEquals(ExitCode.INTEGRITY.code(), restore.exit(), restore.toString());
        assertTrue(restore.err().startsWith("lifeboat: backup is corrupted or tampered"), restore.err());
        assertEquals(1, restore.err().lines().count(), "one line: " + restore.err());
        assertArrayEquals(before, Files.readAllBytes(target));
        assertNoScratchBeside(target);
        assertEquals(2, cli.run("list", "--repo", repo.toString()).out().lines().count(), "no safety backup taken");
    }

    @Test
    void failureAfterInstallPutsThePreviousContentBack() throws Exception {
        Path target = dir.resolve("live.db");
        try (Connection app = liveTarget(target)) {
            String before = TestDatabases.contentDigest(target);
            Repository repository = Repositories.folder(repo);
            Manifest manifest = BackupSelector.select(repository, "latest", "app", null);
            ScratchSpace scratch = new ScratchSpace(dir.resolve("scratch"));
            BackupRunner backups = new BackupRunner(Clock.systemUTC(), scratch, Progress.NONE,
                    dev.lifeboat.backup.Retries.NONE);
            RestoreRunner failingAfterInstall = new RestoreRunner(Clock.systemUTC(), backups,
                    new RestoreRunner.Phases() {
                        @Override
                        public void installed(RestoreTarget installed) {
                            assertEquals(2000, count(installed), "the new content was in place");
                            throw new IllegalStateException("simulated failure after install");
                        }
                    });
            RestoreTarget restoreTarget = Engines.standard(Duration.ofSeconds(5)).forSpec(target.toString())
                    .target(target.toString());
            LifeboatException failure = assertThrows(LifeboatException.class, () -> failingAfterInstall.restore(
                    Repositories.folder(repo), manifest, restoreTarget, true, Decryption.NONE, Confirmation.YES,
                    Optional.of(new StoredForm(Compression.ZSTD, 3, Encryption.NONE)), Progress.NONE, Optional.empty()));
            assertEquals(ExitCode.TARGET, failure.exitCode());
            assertTrue(failure.getMessage().contains("the previous content was put back"), failure.getMessage());
            assertEquals(10, TestDatabases.count(app, "customers"));
            assertEquals(before, TestDatabases.contentDigest(target));
            assertTrue(Tools.sqlite(target, "SELECT name FROM sqlite_schema").contains("app_only"));
        }
        assertNoScratchBeside(target);
    }

    private static long count(RestoreTarget target) {
        return Long.parseLong(Tools.sqlite(Path.of(target.location()), "SELECT count(*) FROM customers"));
    }

    @Test
    void existingTargetNeedsConfirmationAndNonDatabasesAreNeverReplaced() throws Exception {
        Path target = dir.resolve("live.db");
        liveTarget(target).close();
        byte[] before = Files.readAllBytes(target);
        Cli.Result unconfirmed = cli.run("restore", "latest", "--repo", repo.toString(), "--to", target.toString(),
                "--name", "app");
        assertEquals(ExitCode.NOT_CONFIRMED.code(), unconfirmed.exit(), unconfirmed.toString());
        assertTrue(unconfirmed.err().contains("pass --yes"), unconfirmed.err());
        assertArrayEquals(before, Files.readAllBytes(target));

        Path notes = dir.resolve("notes.txt");
        Files.writeString(notes, "not a database, and precious");
        Cli.Result refused = cli.run("restore", "latest", "--repo", repo.toString(), "--to", notes.toString(),
                "--name", "app", "--yes");
        assertEquals(ExitCode.TARGET.code(), refused.exit(), refused.toString());
        assertTrue(refused.err().contains("is not an SQLite database"), refused.err());
        assertTrue(refused.err().contains("refusing to replace it"), refused.err());
        assertEquals("not a database, and precious", Files.readString(notes));
    }

    @Test
    void noSafetyBackupWarnsAndTakesNone() throws Exception {
        Path target = dir.resolve("live.db");
        liveTarget(target).close();
        Cli.Result restore = cli.run("restore", "latest", "--repo", repo.toString(), "--to", target.toString(),
                "--name", "app", "--yes", "--no-safety-backup");
        assertEquals(0, restore.exit(), restore.toString());
        assertTrue(restore.err().startsWith("warning: --no-safety-backup"), restore.err());
        assertEquals(2, cli.run("list", "--repo", repo.toString()).out().lines().count());
        assertEquals(Map.of("customers", 2000L, "orders", 666L), TestDatabases.counts(target));
    }

    private Path onlyObject() throws Exception {
        try (Stream<Path> files = Files.walk(repo.resolve("backups"))) {
            List<Path> objects = files.filter(p -> p.getFileName().toString().startsWith("snapshot.")).toList();
            assertEquals(1, objects.size());
            return objects.get(0);
        }
    }

    static void assertNoScratchBeside(Path target) throws Exception {
        try (Stream<Path> files = Files.list(target.getParent())) {
            List<String> leftovers = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith(ScratchSpace.PREFIX)).toList();
            assertEquals(List.of(), leftovers);
        }
    }
}
