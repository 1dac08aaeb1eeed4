package dev.lifeboat.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.testing.Cli;
import dev.lifeboat.testing.TestDatabases;
import dev.lifeboat.testing.Tools;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restored file is the database that was backed up: its journal mode (WAL included), page size,
 * user_version and application_id come back, whether the restore makes a new file or replaces one.
 */
class FaithfulRestoreTest {
    @TempDir
    Path dir;

    private Cli.Result backUp(Cli cli, Path source, Path repo) {
        return cli.run("backup", "--no-encrypt", source.toString(), "--repo", repo.toString());
    }

    /** A WAL database with an 8 KiB page size and its own header numbers, rows still in the -wal. */
    private static Connection walSource(Path db) throws Exception {
        try (Connection conn = TestDatabases.open(db); Statement st = conn.createStatement()) {
            st.execute("PRAGMA page_size=8192");
            st.execute("CREATE TABLE t(x)");
            st.execute("PRAGMA user_version=42");
            st.execute("PRAGMA application_id=1279869505");
        }
        Connection conn = TestDatabases.walWithUncheckpointedRows(db, 300);
        return conn;
    }

    private static void assertSettings(Path db, String journalMode, String pageSize) {
        assertEquals(journalMode, Tools.sqlite(db, "PRAGMA journal_mode"), "journal mode of " + db);
        assertEquals(pageSize, Tools.sqlite(db, "PRAGMA page_size"), "page size of " + db);
        assertEquals("42", Tools.sqlite(db, "PRAGMA user_version"));
        assertEquals("1279869505", Tools.sqlite(db, "PRAGMA application_id"));
        assertEquals("ok", Tools.sqlite(db, "PRAGMA integrity_check"));
    }

    @Test
    void aWalDatabaseComesBackInWalModeToANewPath() throws Exception {
        Path source = dir.resolve("app.db");
        Path repo = dir.resolve("repo");
        Cli cli = new Cli(dir.resolve("scratch"));
        try (Connection app = walSource(source)) {
            assertEquals(0, backUp(cli, source, repo).exit());
        }
        Path target = dir.resolve("restored.db");
        Cli.Result restore = cli.run("restore", "latest", "--repo", repo.toString(), "--to", target.toString(),
                "--name", "app");
        assertEquals(0, restore.exit(), restore.toString());
        assertSettings(target, "wal", "8192");
        assertEquals(300, TestDatabases.counts(target).get("customers"));
    }

    @Test
    void replacingARollbackJournalFileTakesTheSourcesModeAndPageSize() throws Exception {
        Path source = dir.resolve("app.db");
        Path repo = dir.resolve("repo");
        Cli cli = new Cli(dir.resolve("scratch"));
        try (Connection app = walSource(source)) {
            assertEquals(0, backUp(cli, source, repo).exit());
        }
        Path target = dir.resolve("old.db");
        Tools.sqlite(target, "PRAGMA page_size=4096; CREATE TABLE old(x); INSERT INTO old VALUES (1);");
        assertEquals("delete", Tools.sqlite(target, "PRAGMA journal_mode"));
        Cli.Result restore = cli.run("restore", "latest", "--repo", repo.toString(), "--to", target.toString(),
                "--name", "app", "--yes");
        assertEquals(0, restore.exit(), restore.toString());
        assertSettings(target, "wal", "8192");
    }

    @Test
    void aRollbackJournalBackupLeavesAWalTargetInRollbackModeWhenNobodyHoldsIt() throws Exception {
        Path source = dir.resolve("app.db");
        Path repo = dir.resolve("repo");
        Cli cli = new Cli(dir.resolve("scratch"));
        Tools.sqlite(source, "PRAGMA page_size=8192; CREATE TABLE t(x); INSERT INTO t VALUES (1);"
                + " PRAGMA user_version=42; PRAGMA application_id=1279869505;");
        assertEquals(0, backUp(cli, source, repo).exit());
        Path target = dir.resolve("wal.db");
        try (Connection conn = TestDatabases.walWithUncheckpointedRows(target, 5)) {
            assertEquals("wal", Tools.sqlite(target, "PRAGMA journal_mode"));
        }
        Cli.Result restore = cli.run("restore", "latest", "--repo", repo.toString(), "--to", target.toString(),
                "--name", "app", "--yes");
        assertEquals(0, restore.exit(), restore.toString());
        assertSettings(target, "delete", "8192");
    }

    @Test
    void aWalTargetHeldOpenKeepsItsPageSizeAndSaysSo() throws Exception {
        Path source = dir.resolve("app.db");
        Path repo = dir.resolve("repo");
        Cli cli = new Cli(dir.resolve("scratch"));
        try (Connection app = walSource(source)) {
            assertEquals(0, backUp(cli, source, repo).exit());
        }
        Path target = dir.resolve("live.db");
        try (Connection live = TestDatabases.walWithUncheckpointedRows(target, 5)) {
            Cli.Result restore = cli.run("restore", "latest", "--repo", repo.toString(), "--to",
                    target.toString(), "--name", "app", "--yes");
            assertEquals(0, restore.exit(), restore.toString());
            assertTrue(restore.out().contains("page size"), restore.out());
            assertEquals(300, TestDatabases.count(live, "customers"), "the open connection sees the restore");
        }
        assertEquals("wal", Tools.sqlite(target, "PRAGMA journal_mode"));
        assertEquals("42", Tools.sqlite(target, "PRAGMA user_version"));
    }
}
