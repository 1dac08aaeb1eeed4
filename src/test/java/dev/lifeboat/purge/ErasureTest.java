package dev.lifeboat.purge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.testing.CipherPages;
import dev.lifeboat.testing.Cli;
import dev.lifeboat.testing.Grep;
import dev.lifeboat.testing.PgTestServer;
import dev.lifeboat.testing.SqlcipherShell;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A purge makes the deleted rows unrecoverable from the live database's files, measured by
 * looking for marker strings in the bytes: the raw SQLite file and its -wal; every page of an
 * SQLCipher file decrypted with the key (free space and freelist pages included); the data files
 * of a PostgreSQL database under the server's data directory (read as root). Each check first
 * finds the markers where they are before the purge, and finds the kept rows' markers after it.
 */
class ErasureTest {
    private static final String RULES = "      - { table: people, column: created_at, older-than: 30d }\n";
    private final Instant now = Instant.now();
    @TempDir
    Path dir;

    @Test
    void sqliteDeletedRowsAreGoneFromTheFileAndItsWal() throws Exception {
        Path db = dir.resolve("app.db");
        // The application's connection stays open and never checkpoints: the rows sit in app.db-wal.
        try (Connection app = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = app.createStatement()) {
            st.execute("PRAGMA journal_mode = WAL");
            st.execute("PRAGMA wal_autocheckpoint = 0");
            st.execute("CREATE TABLE people(id INTEGER PRIMARY KEY, name TEXT, note TEXT, created_at TEXT)");
            st.execute("CREATE INDEX people_name ON people(name)");
            insertSqlite(app);
            List<String> purged = markers("PURGED");
            assertTrue(purged.stream().allMatch(m -> Grep.contains(PurgeFiles.withWal(db), m)),
                    "before the purge every marker is in the files");

            Cli.Result result = cli().run("run", "gdpr", "--config", config("sqlite:" + db).toString());
            assertEquals(0, result.exit(), result.toString());
            assertTrue(result.out().contains("deleted 3 row(s) from people"), result.out());
            assertTrue(result.out().contains("erasure: PRAGMA secure_delete = ON during the deletes; VACUUM; PRAGMA"
                    + " wal_checkpoint(TRUNCATE): the WAL is empty"), result.out());

            byte[] files = PurgeFiles.withWal(db);
            for (String marker : purged) {
                assertFalse(Grep.contains(files, marker), marker + " is still in app.db or app.db-wal");
            }
            markers("KEPT").forEach(m -> assertTrue(Grep.contains(files, m), m + " was kept"));
        }
    }

    @Test
    void sqlcipherDeletedRowsAreGoneFromEveryDecryptedPage() throws Exception {
        Path db = dir.resolve("app.db");
        String keyed = "PRAGMA key = 'app key'; PRAGMA kdf_iter = 4000;";
        // This shell zeroes freed space by default (SQLITE_SECURE_DELETE); an application's SQLite need not.
        StringBuilder sql = new StringBuilder("PRAGMA secure_delete = OFF; PRAGMA journal_mode = WAL;\n"
                + "CREATE TABLE people(id INTEGER PRIMARY KEY, name TEXT, note TEXT, created_at TEXT);\n"
                + "CREATE INDEX people_name ON people(name);\n");
        for (Row row : rows()) {
            sql.append("INSERT INTO people VALUES (").append(row.id()).append(", '").append(row.name()).append("', '")
                    .append(row.note()).append("', '").append(row.createdAt()).append("');\n");
        }
        SqlcipherShell.query(db, keyed, sql.toString());
        List<String> purged = markers("PURGED");
        byte[] before = CipherPages.decrypt(db, "app key", 4000);
        assertTrue(purged.stream().allMatch(m -> Grep.contains(before, m)), "the pages decrypt");
        assertFalse(Grep.contains(Files.readAllBytes(db), purged.get(0)), "the file itself is encrypted");

        Cli.Result result = cli().env("APP_KEY", "app key").run("run", "gdpr", "--config",
                config("sqlcipher:" + db + "?key-env=APP_KEY&legacy=3&kdf-iter=4000").toString());
        assertEquals(0, result.exit(), result.toString());
        assertTrue(result.out().contains("deleted 3 row(s) from people"), result.out());

        Path wal = db.resolveSibling("app.db-wal");
        assertTrue(!Files.exists(wal) || Files.size(wal) == 0, "the WAL is empty");
        byte[] after = CipherPages.decrypt(db, "app key", 4000);
        for (String marker : purged) {
            assertFalse(Grep.contains(after, marker), marker + " is still in a decrypted page");
        }
        markers("KEPT").forEach(m -> assertTrue(Grep.contains(after, m), m + " was kept"));
        assertEquals("ok", SqlcipherShell.query(db, keyed, "PRAGMA integrity_check;"));
        assertEquals("3", SqlcipherShell.query(db, keyed, "SELECT count(*) FROM people;"));
    }

    @Test
    void postgresDeletedRowsAreGoneFromTheDatabasesDataFiles() throws Exception {
        try (PgTestServer server = new PgTestServer()) {
            String name = server.createDatabase("lifeboat_erase");
            try (Connection conn = PgTestServer.connect(name); Statement st = conn.createStatement()) {
                st.execute("CREATE TABLE people(id int PRIMARY KEY, name text, note text, created_at timestamptz)");
                st.execute("CREATE INDEX people_name ON people(name)");
                try (PreparedStatement insert = conn.prepareStatement("INSERT INTO people VALUES (?, ?, ?, ?)")) {
                    for (Row row : rows()) {
                        insert.setInt(1, row.id());
                        insert.setString(2, row.name());
                        insert.setString(3, row.note());
                        insert.setObject(4, java.time.OffsetDateTime.parse(row.createdAt()));
                        insert.executeUpdate();
                    }
                }
                st.execute("CHECKPOINT");
            }
            Path files = Path.of(PgTestServer.value("postgres", "SHOW data_directory"), "base",
                    PgTestServer.value("postgres", "SELECT oid FROM pg_database WHERE datname = '" + name + "'"));
            List<String> purged = markers("PURGED");
            assertTrue(purged.stream().allMatch(m -> Grep.contains(allFiles(files), m)),
                    "before the purge every marker is in the database's files");

            Cli.Result result = cli().run("run", "gdpr", "--config", config(PgTestServer.url("postgres", name))
                    .toString());
            assertEquals(0, result.exit(), result.toString());
            assertTrue(result.out().contains("deleted 3 row(s) from people"), result.out());
            assertTrue(result.out().contains("VACUUM FULL \"people\""), result.out());

            PgTestServer.execute(name, "CHECKPOINT");
            byte[] after = allFiles(files);
            for (String marker : purged) {
                assertFalse(Grep.contains(after, marker), marker + " is still in a data file under " + files);
            }
            markers("KEPT").forEach(m -> assertTrue(Grep.contains(after, m), m + " was kept"));
        }
    }

    /** Three expired rows and three kept ones; each has its marker in a column, an index and a long value. */
    private record Row(int id, String name, String note, String createdAt) {
    }

    private List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            String marker = (i <= 3 ? "PURGED" : "KEPT") + "-MARKER-" + i + "-zq";
            // A long value that does not compress: SQLite puts it on overflow pages, PostgreSQL in TOAST.
            StringBuilder note = new StringBuilder();
            java.util.Random random = new java.util.Random(i);
            while (note.length() < 6000) {
                note.append(Long.toHexString(random.nextLong()));
            }
            note.insert(3000, "NOTE-" + marker);
            Instant created = now.minus(Duration.ofDays(i <= 3 ? 40 + i : i));
            rows.add(new Row(i, marker, note.toString(), created.toString()));
        }
        return rows;
    }

    private static List<String> markers(String kind) {
        List<String> markers = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            String marker = (i <= 3 ? "PURGED" : "KEPT") + "-MARKER-" + i + "-zq";
            if (marker.startsWith(kind)) {
                markers.add(marker);
                markers.add("NOTE-" + marker);
            }
        }
        return markers;
    }

    private void insertSqlite(Connection conn) throws Exception {
        try (PreparedStatement insert = conn.prepareStatement("INSERT INTO people VALUES (?, ?, ?, ?)")) {
            for (Row row : rows()) {
                insert.setInt(1, row.id());
                insert.setString(2, row.name());
                insert.setString(3, row.note());
                insert.setString(4, row.createdAt());
                insert.executeUpdate();
            }
        }
    }

    private static byte[] allFiles(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            return PurgeFiles.concat(files.toList());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Cli cli() {
        return new Cli(dir.resolve("scratch"));
    }

    private Path config(String source) throws Exception {
        return PurgeFiles.purgeConfig(dir, source, RULES);
    }
}
