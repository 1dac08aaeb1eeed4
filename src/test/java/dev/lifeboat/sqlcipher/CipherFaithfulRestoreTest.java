package dev.lifeboat.sqlcipher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lifeboat.testing.Cli;
import dev.lifeboat.testing.SqlcipherShell;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restored SQLCipher file is the database that was backed up, as for plain SQLite: its journal
 * mode (WAL), page size, user_version and application_id come back, to a new path and over a
 * rollback-journal file with other header numbers. Read back with the stock sqlcipher shell.
 */
class CipherFaithfulRestoreTest {
    private static final String KEY_PRAGMAS = "PRAGMA key = 'faithful key'; PRAGMA cipher_page_size = 8192;";
    private static final String SETTINGS = "?key-env=APP_KEY&legacy=3&page-size=8192";

    @TempDir
    Path dir;

    private void assertSettings(Path db) {
        assertEquals("wal", SqlcipherShell.query(db, KEY_PRAGMAS, "PRAGMA journal_mode;"), "journal mode of " + db);
        assertEquals("8192", SqlcipherShell.query(db, KEY_PRAGMAS, "PRAGMA page_size;"), "page size of " + db);
        assertEquals("42", SqlcipherShell.query(db, KEY_PRAGMAS, "PRAGMA user_version;"));
        assertEquals("1279869505", SqlcipherShell.query(db, KEY_PRAGMAS, "PRAGMA application_id;"));
        assertEquals("ok", SqlcipherShell.query(db, KEY_PRAGMAS, "PRAGMA integrity_check;"));
        assertEquals("200", SqlcipherShell.query(db, KEY_PRAGMAS, "SELECT count(*) FROM notes;"));
    }

    @Test
    void aWalSqlcipherDatabaseComesBackWithItsModePageSizeAndHeaderNumbers() throws Exception {
        Path source = dir.resolve("app.db");
        Path repo = dir.resolve("repo");
        Cli cli = new Cli(dir.resolve("scratch")).env("APP_KEY", "faithful key");
        try (SqlcipherShell app = SqlcipherShell.open(source, KEY_PRAGMAS)) {
            app.run("PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0;"
                    + " CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT);"
                    + " WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200)"
                    + " INSERT INTO notes(body) SELECT 'note ' || i FROM n;"
                    + " PRAGMA user_version=42; PRAGMA application_id=1279869505;");
            Cli.Result backup = cli.run("backup", "sqlcipher:" + source + SETTINGS, "--repo", repo.toString());
            assertEquals(0, backup.exit(), backup.toString());
        }

        Path fresh = dir.resolve("restored.db");
        Cli.Result restore = cli.run("restore", "latest", "--repo", repo.toString(), "--name", "app", "--to",
                "sqlcipher:" + fresh + SETTINGS);
        assertEquals(0, restore.exit(), restore.toString());
        assertSettings(fresh);

        Path old = dir.resolve("old.db");
        SqlcipherShell.query(old, KEY_PRAGMAS, "CREATE TABLE old(x); INSERT INTO old VALUES (1);"
                + " PRAGMA user_version=7; PRAGMA application_id=99;");
        assertEquals("delete", SqlcipherShell.query(old, KEY_PRAGMAS, "PRAGMA journal_mode;"));
        Cli.Result replace = cli.run("restore", "latest", "--repo", repo.toString(), "--name", "app", "--to",
                "sqlcipher:" + old + SETTINGS, "--yes");
        assertEquals(0, replace.exit(), replace.toString());
        assertSettings(old);
    }
}
