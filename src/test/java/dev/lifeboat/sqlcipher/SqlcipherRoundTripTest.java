package dev.lifeboat.sqlcipher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.manifest.Json;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.testing.Cli;
import dev.lifeboat.testing.PlaintextWatch;
import dev.lifeboat.testing.SqlcipherShell;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SQLCipher databases go through the same commands as plain SQLite, and stay encrypted throughout. */
class SqlcipherRoundTripTest {
    static final String KEY = "correct horse 'battery' staple";
    static final String V3 = "PRAGMA key = 'correct horse ''battery'' staple';";
    static final String MARKER = "PLAINTEXT-MARKER-7f3c9a";

    @TempDir
    Path dir;

    @Test
    void walDatabaseOfTheSqlcipherShellRoundTripsWithNoPlaintextOnDisk() throws Exception {
        Path db = dir.resolve("app.db");
        Path repo = dir.resolve("repo");
        Path scratch = dir.resolve("scratch");
        Cli cli = new Cli(scratch).env("APP_KEY", KEY);
        String source = "sqlcipher:" + db + "?key-env=APP_KEY&legacy=3";
        try (PlaintextWatch watch = new PlaintextWatch(MARKER, List.of(dir));
             SqlcipherShell app = SqlcipherShell.open(db, V3)) {
            app.run("PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0;"
                    + " CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT NOT NULL);"
                    + " CREATE INDEX notes_body ON notes(body);"
                    + " CREATE TABLE tags(note INTEGER, tag TEXT);"
                    + " WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)"
                    + " INSERT INTO notes(body) SELECT '" + MARKER + " row ' || i FROM n;"
                    + " INSERT INTO tags SELECT id, 'tag-' || (id % 7) FROM notes WHERE id % 2 = 0;");
            assertTrue(Files.size(dir.resolve("app.db-wal")) > 100_000, "the rows sit in the -wal file");

            Cli.Result backup = cli.run("backup", source, "--repo", repo.toString(), "--json");
            assertEquals(0, backup.exit(), backup.toString());
            Manifest manifest = backup.manifest();
            assertEquals(Map.of("notes", 3000L, "tags", 1500L), manifest.facts().tableRows());
            assertEquals("sqlcipher", manifest.source().kind());
            assertEquals("app", manifest.name());
            assertEquals("none", manifest.compression().algorithm(), "encrypted pages are stored uncompressed");
            assertEquals("wal", manifest.facts().properties().get("source_journal_mode"));
            assertTrue(backup.out().replace(" ", "").contains("\"encrypted_with\":\"sqlcipher\""), backup.out());
            Cli.Result listed = cli.run("list", "--repo", repo.toString());
            assertTrue(listed.out().lines().skip(1).allMatch(l -> l.contains(" sqlcipher ")), listed.out());
            assertTrue(cli.run("list", "--repo", repo.toString(), "--json").out().replace(" ", "").contains(
                    "\"encrypted_with\":\"sqlcipher\""));
            assertTrue(manifest.source().location().contains("key-env=APP_KEY"), manifest.source().location());
            assertTrue(manifest.facts().properties().get("key_check").startsWith("pbkdf2-sha512$"));
            assertFalse(backup.out().contains(KEY), "the key is never printed");
            assertTrue(Files.size(dir.resolve("app.db-wal")) > 100_000, "backing up does not checkpoint");

            Cli.Result verify = cli.run("verify", "latest", "--repo", repo.toString());
            assertEquals(0, verify.exit(), verify.toString());
            assertTrue(verify.out().contains("PRAGMA integrity_check: ok"), verify.out());

            Path restored = dir.resolve("restored.db");
            Cli.Result restore = cli.run("restore", "latest", "--repo", repo.toString(), "--to",
                    "sqlcipher:" + restored + "?key-env=APP_KEY&legacy=3");
            assertEquals(0, restore.exit(), restore.toString());
            assertTrue(restore.out().contains("PRAGMA cipher_integrity_check and integrity_check: skipped, these exact"
                    + " bytes passed it (verified "), "verified just now: " + restore.out());
            assertEquals("3000|1500", SqlcipherShell.query(restored, V3,
                    "SELECT (SELECT count(*) FROM notes), (SELECT count(*) FROM tags);"));
            assertEquals("ok", SqlcipherShell.query(restored, V3, "PRAGMA integrity_check;"));
            assertEquals(SqlcipherShell.query(db, V3, "SELECT group_concat(body) FROM notes;"),
                    SqlcipherShell.query(restored, V3, "SELECT group_concat(body) FROM notes;"));

            // Replacing the live database: the previous content is kept as an encrypted safety backup.
            app.run("INSERT INTO notes(body) VALUES ('" + MARKER + " after the backup');");
            Cli.Result replace = cli.run("restore", "latest", "--repo", repo.toString(), "--to", source, "--yes");
            assertEquals(0, replace.exit(), replace.toString());
            assertTrue(replace.out().contains("pre-restore backup"), replace.out());
            assertEquals("3000", app.run("SELECT count(*) FROM notes;").trim(), "the open connection sees the restore");
            Cli.Result all = cli.run("verify", "all", "--repo", repo.toString());
            assertEquals(0, all.exit(), all.toString());
            assertEquals(2, all.out().lines().filter(l -> l.startsWith("verified")).count(), all.out());
            assertEquals(0, cli.run("cat", "latest", "--repo", repo.toString()).exit());

            watch.close();
            assertTrue(watch.seen().stream().anyMatch(name -> name.startsWith(".lifeboat-scratch-")),
                    "the watch saw scratch files: " + watch.seen());
            assertEquals(java.util.Set.of(), watch.hits(), "no file ever held the plaintext marker");
        }
        assertEquals("3000", SqlcipherShell.query(db, V3, "SELECT count(*) FROM notes;"));
        assertEquals("wal", SqlcipherShell.query(dir.resolve("restored.db"), V3, "PRAGMA journal_mode;"),
                "a WAL database comes back in WAL mode");
    }
}
