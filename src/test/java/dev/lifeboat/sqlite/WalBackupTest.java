package dev.lifeboat.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.manifest.Json;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.testing.Cli;
import dev.lifeboat.testing.TestDatabases;
import dev.lifeboat.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The failure Lifeboat exists for: rows that live only in the -wal file must be in the backup. */
class WalBackupTest {
    @TempDir
    Path dir;

    @Test
    void uncheckpointedWalRowsHeldOpenByAnotherConnectionAreBackedUpAndRestored() throws Exception {
        Path db = dir.resolve("app.db");
        Path repo = dir.resolve("repo");
        Cli cli = new Cli(dir.resolve("scratch"));
        try (Connection app = TestDatabases.walWithUncheckpointedRows(db, 5000)) {
            assertTrue(TestDatabases.walSize(db) > 100_000, "the rows must still sit in the -wal file");
            Path naiveCopy = dir.resolve("copy.db");
            Files.copy(db, naiveCopy);
            assertEquals("0", Tools.sqlite(naiveCopy, "SELECT count(*) FROM sqlite_schema"),
                    "a file copy without the -wal holds nothing: the failure this test guards against");

            Cli.Result backup = cli.run("backup", "--no-encrypt", db.toString(), "--repo", repo.toString(), "--json");
            assertEquals(0, backup.exit(), backup.toString());
            Manifest manifest = backup.manifest();
            assertEquals(Map.of("customers", 5000L, "orders", 1666L), manifest.facts().tableRows());
            assertEquals("app", manifest.name());
            assertEquals("wal", manifest.facts().properties().get("source_journal_mode"));
            assertTrue(TestDatabases.walSize(db) > 100_000, "backing up must not checkpoint the live database");
        }
        Path restored = dir.resolve("restored.db");
        Cli.Result restore = cli.run("restore", "latest", "--repo", repo.toString(), "--to", restored.toString(),
                "--name", "app");
        assertEquals(0, restore.exit(), restore.toString());
        assertEquals(Map.of("customers", 5000L, "orders", 1666L), TestDatabases.counts(restored));
        assertEquals("wal", Tools.sqlite(restored, "PRAGMA journal_mode"), "a WAL database comes back in WAL mode");
        assertEquals(TestDatabases.contentDigest(db), TestDatabases.contentDigest(restored));
        assertTrue(Files.notExists(dir.resolve("restored.db-wal")));
    }

    @Test
    void walDatabaseNobodyHasOpenIsLeftExactlyAsItWas() throws Exception {
        Path db = dir.resolve("idle.db");
        TestDatabases.walWithUncheckpointedRows(db, 500).close();
        byte[] before = Files.readAllBytes(db);
        Cli.Result backup = new Cli(dir.resolve("scratch")).run("backup", "--no-encrypt", db.toString(),
                "--repo", dir.resolve("repo").toString());
        assertEquals(0, backup.exit(), backup.toString());
        assertTrue(Arrays.equals(before, Files.readAllBytes(db)), "the database file is unchanged");
        assertTrue(Files.notExists(dir.resolve("idle.db-wal")) && Files.notExists(dir.resolve("idle.db-shm")),
                "no -wal or -shm is left behind, as when SQLite's last connection closes");
    }

    @Test
    void writerInsertingDuringBackupGivesConsistentSnapshotsThatVerify() throws Exception {
        for (String journalMode : new String[] {"WAL", "DELETE"}) {
            Path db = dir.resolve("busy-" + journalMode + ".db");
            Path repo = dir.resolve("repo-" + journalMode);
            Cli cli = new Cli(dir.resolve("scratch"));
            try (Connection setup = TestDatabases.walWithUncheckpointedRows(db, 20_000);
                 Statement st = setup.createStatement()) {
                st.execute("PRAGMA journal_mode=" + journalMode);
            }
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong inserted = new AtomicLong();
            Thread writer = new Thread(() -> insertUntilStopped(db, stop, inserted));
            writer.start();
            try {
                while (inserted.get() < 200) {
                    Thread.onSpinWait();
                }
                for (int i = 0; i < 3; i++) {
                    Cli.Result backup = cli.run("backup", "--no-encrypt", db.toString(), "--repo", repo.toString());
                    assertEquals(0, backup.exit(), backup.toString());
                }
            } finally {
                stop.set(true);
                writer.join();
            }
            assertTrue(inserted.get() > 200, "the writer kept writing during the backups");
            Cli.Result verify = cli.run("verify", "all", "--repo", repo.toString());
            assertEquals(0, verify.exit(), verify.toString());
            assertEquals(3, verify.out().lines().filter(l -> l.startsWith("verified")).count(), verify.out());
        }
    }

    private static void insertUntilStopped(Path db, AtomicBoolean stop, AtomicLong inserted) {
        try (Connection conn = TestDatabases.open(db); Statement st = conn.createStatement()) {
            st.execute("PRAGMA busy_timeout=10000");
            int next = 1_000_000;
            while (!stop.get()) {
                TestDatabases.insertCustomers(conn, next, 50);
                st.execute("INSERT INTO orders(customer_id, total) VALUES (" + next + ", 1)");
                next += 50;
                inserted.addAndGet(50);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
