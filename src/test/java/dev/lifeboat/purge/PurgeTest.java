package dev.lifeboat.purge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.catalog.Catalog;
import dev.lifeboat.catalog.JobRecords;
import dev.lifeboat.catalog.PurgeAudit;
import dev.lifeboat.testing.Cli;
import dev.lifeboat.testing.SqlcipherShell;
import java.nio.file.Files;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data-retention purges against real SQLite files, SQLCipher files made by the real sqlcipher
 * shell, and the real PostgreSQL server: exactly the expired rows go, a dry run deletes nothing,
 * a rule on a missing column or a wrong key fails clearly.
 */
class PurgeTest {
    private static final String PG = "jdbc:postgresql://127.0.0.1:5432/";
    private final Instant now = Instant.now();
    @TempDir
    Path dir;
    Cli cli;

    @BeforeEach
    void setUp() {
        cli = new Cli(dir.resolve("scratch"));
    }

    @Test
    void sqliteRulesDeleteExactlyTheExpiredRowsAndDryRunDeletesNothing() throws Exception {
        Path db = dir.resolve("shop.db");
        try (Connection conn = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = conn.createStatement()) {
            st.execute("CREATE TABLE addresses(id INTEGER PRIMARY KEY, created_at TEXT, shipped INTEGER)");
            st.execute("CREATE TABLE events(id INTEGER PRIMARY KEY, at INTEGER)");
            // Both ISO forms applications write: 'T' with Z, and SQLite's own 'YYYY-MM-DD HH:MM:SS'.
            insert(conn, "INSERT INTO addresses VALUES (1, '" + iso(days(100)) + "', 1)");
            insert(conn, "INSERT INTO addresses VALUES (2, '" + sqliteText(days(31)) + "', 1)");
            insert(conn, "INSERT INTO addresses VALUES (3, '" + iso(days(45)) + "', 0)");
            insert(conn, "INSERT INTO addresses VALUES (4, '" + sqliteText(days(29)) + "', 1)");
            insert(conn, "INSERT INTO addresses VALUES (5, '" + iso(days(1)) + "', 1)");
            insert(conn, "INSERT INTO events VALUES (1, " + days(8).getEpochSecond() + ")");
            insert(conn, "INSERT INTO events VALUES (2, " + days(6).getEpochSecond() + ")");
        }
        Path config = config(db.toString(), """
                      - { table: addresses, column: created_at, older-than: 30d, where: "shipped = 1" }
                      - { table: events, column: at, older-than: 7d, format: unix-seconds }
                """);

        Cli.Result dry = cli.run("run", "gdpr", "--config", config.toString(), "--dry-run");
        assertEquals(0, dry.exit(), dry.toString());
        assertTrue(dry.out().contains("dry run, nothing deleted; would delete 2 row(s) from addresses, 1 row(s) from"
                + " events"), dry.out());
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), ids(db, "addresses"));

        Cli.Result real = cli.run("run", "gdpr", "--config", config.toString());
        assertEquals(0, real.exit(), real.toString());
        assertTrue(real.out().contains("deleted 2 row(s) from addresses, 1 row(s) from events"), real.out());
        assertEquals(List.of(3L, 4L, 5L), ids(db, "addresses"), "expired and shipped rows only");
        assertEquals(List.of(2L), ids(db, "events"));

        List<PurgeAudit> audit = audit("gdpr");
        assertEquals(4, audit.size(), audit.toString());
        assertTrue(audit.get(0).dryRun() && audit.get(0).rows() == 2);
        assertTrue(!audit.get(2).dryRun() && audit.get(2).rows() == 2 && audit.get(2).table().equals("addresses"));
        assertTrue(!audit.get(3).dryRun() && audit.get(3).rows() == 1 && audit.get(3).table().equals("events"));
    }

    @Test
    void aRuleOnAMissingColumnFailsClearlyWhileTheOtherRulesStillRun() throws Exception {
        Path db = dir.resolve("shop.db");
        try (Connection conn = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = conn.createStatement()) {
            st.execute("CREATE TABLE addresses(id INTEGER PRIMARY KEY, created_at TEXT, shipped INTEGER)");
            st.execute("CREATE TABLE sessions(id INTEGER PRIMARY KEY, seen TEXT)");
            insert(conn, "INSERT INTO addresses VALUES (1, '" + iso(days(100)) + "', 1)");
            insert(conn, "INSERT INTO sessions VALUES (1, '" + iso(days(100)) + "'), (2, '" + iso(days(1)) + "')");
        }
        Path config = config(db.toString(), """
                      - { table: addresses, column: created_on, older-than: 30d }
                      - { table: sessions, column: seen, older-than: 30d }
                """);
        Cli.Result result = cli.run("run", "gdpr", "--config", config.toString());
        assertEquals(3, result.exit(), result.toString());
        assertTrue(result.err().contains("table addresses has no column created_on (its columns: id, created_at,"
                + " shipped); fix 'column' in this rule in lifeboat.yaml"), result.err());
        assertEquals(1, result.err().lines().filter(l -> l.startsWith("lifeboat: ")).count(), result.err());
        assertEquals(List.of(1L), ids(db, "addresses"), "the broken rule deleted nothing");
        assertEquals(List.of(2L), ids(db, "sessions"), "the good rule ran in its own transaction");
        assertTrue(audit("gdpr").stream().anyMatch(a -> a.error() != null && a.error().contains("created_on")));
    }

    @Test
    void numbersInATextTimestampRuleAreRefusedInsteadOfDeletingNothing() throws Exception {
        Path db = dir.resolve("shop.db");
        try (Connection conn = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = conn.createStatement()) {
            st.execute("CREATE TABLE events(id INTEGER PRIMARY KEY, at INTEGER)");
            insert(conn, "INSERT INTO events VALUES (1, " + days(100).getEpochSecond() + ")");
        }
        Path config = config(db.toString(), "      - { table: events, column: at, older-than: 30d }\n");
        Cli.Result result = cli.run("run", "gdpr", "--config", config.toString());
        assertEquals(3, result.exit(), result.toString());
        assertTrue(result.err().contains("are not ISO-8601 timestamps (set format: unix-seconds"), result.err());
    }

    @Test
    void sqlcipherRulesDeleteExactlyTheExpiredRowsWithTheKeyAndAWrongKeyDeletesNothing() throws Exception {
        String key = "shop's key";
        String wrong = "not the shop key";
        // The shell is SQLCipher 3; a low kdf_iter keeps every open fast.
        String keyed = "PRAGMA key = 'shop''s key'; PRAGMA kdf_iter = 4000;";
        Path db = dir.resolve("shop.db");
        SqlcipherShell.query(db, keyed, String.join("\n",
                "CREATE TABLE addresses(id INTEGER PRIMARY KEY, created_at TEXT, shipped INTEGER);",
                "CREATE TABLE events(id INTEGER PRIMARY KEY, at INTEGER);",
                "INSERT INTO addresses VALUES (1, '" + iso(days(100)) + "', 1), (2, '" + sqliteText(days(31))
                        + "', 1), (3, '" + iso(days(45)) + "', 0), (4, '" + sqliteText(days(29)) + "', 1), (5, '"
                        + iso(days(1)) + "', 1);",
                "INSERT INTO events VALUES (1, " + days(8).getEpochSecond() + "), (2, " + days(6).getEpochSecond()
                        + ");"));
        cli.env("SHOP_KEY", key).env("WRONG_KEY", wrong);
        String rules = """
                      - { table: addresses, column: created_at, older-than: 30d, where: "shipped = 1" }
                      - { table: events, column: at, older-than: 7d, format: unix-seconds }
                """;
        byte[] before = Files.readAllBytes(db);

        config("sqlcipher:" + db + "?key-env=WRONG_KEY&legacy=3&kdf-iter=4000", rules);
        Cli.Result wrongKey = cli.run("run", "gdpr", "--config", dir.resolve("lifeboat.yaml").toString());
        assertEquals(11, wrongKey.exit(), wrongKey.toString());
        assertTrue(wrongKey.err().contains("the key from the variable WRONG_KEY does not open database " + db
                + " with the SQLCipher settings legacy=3, kdf-iter=4000"), wrongKey.err());
        config("sqlcipher:" + db + "?key-env=UNSET_KEY&legacy=3&kdf-iter=4000", rules);
        Cli.Result unset = cli.run("run", "gdpr", "--config", dir.resolve("lifeboat.yaml").toString());
        assertEquals(11, unset.exit(), unset.toString());
        assertTrue(unset.err().contains("the database key variable UNSET_KEY is not set"), unset.err());
        for (Cli.Result failed : List.of(wrongKey, unset)) {
            assertEquals(1, failed.err().lines().filter(l -> l.startsWith("lifeboat: ")).count(), failed.err());
            String shown = failed.out() + failed.err();
            assertFalse(shown.contains(key) || shown.contains(wrong), "no key is ever shown: " + shown);
        }
        assertArrayEquals(before, Files.readAllBytes(db), "a failed key changed nothing");

        Path config = config("sqlcipher:" + db + "?key-env=SHOP_KEY&legacy=3&kdf-iter=4000", rules);
        Cli.Result dry = cli.run("run", "gdpr", "--config", config.toString(), "--dry-run");
        assertEquals(0, dry.exit(), dry.toString());
        assertTrue(dry.out().contains("dry run, nothing deleted; would delete 2 row(s) from addresses, 1 row(s) from"
                + " events"), dry.out());
        assertEquals("1 2 3 4 5", cipherIds(db, keyed, "addresses"));

        Cli.Result real = cli.run("run", "gdpr", "--config", config.toString());
        assertEquals(0, real.exit(), real.toString());
        assertTrue(real.out().contains("deleted 2 row(s) from addresses, 1 row(s) from events"), real.out());
        assertEquals("3 4 5", cipherIds(db, keyed, "addresses"), "expired and shipped rows only");
        assertEquals("2", cipherIds(db, keyed, "events"));
        assertEquals("ok", SqlcipherShell.query(db, keyed, "PRAGMA integrity_check;"));
        assertFalse(new String(Files.readAllBytes(db), StandardCharsets.ISO_8859_1).contains("SQLite format 3"),
                "the file is still encrypted");
        assertTrue(audit("gdpr").stream().anyMatch(a -> !a.dryRun() && a.rows() == 2 && a.table().equals("addresses")));
    }

    @Test
    void postgresRulesDeleteExactlyTheExpiredRowsAndDryRunDeletesNothing() throws Exception {
        String name = "lifeboat_purge_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection admin = DriverManager.getConnection(PG + "postgres", "postgres", "");
             Statement st = admin.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        }
        try {
            try (Connection conn = DriverManager.getConnection(PG + name, "postgres", "");
                 Statement st = conn.createStatement()) {
                st.execute("CREATE TABLE addresses(id int PRIMARY KEY, created_at timestamptz, shipped boolean)");
                st.execute("CREATE TABLE events(id int PRIMARY KEY, at_ms bigint)");
                try (PreparedStatement insert = conn.prepareStatement("INSERT INTO addresses VALUES (?, ?, ?)")) {
                    Object[][] rows = {{1, days(100), true}, {2, days(31), true}, {3, days(45), false},
                        {4, days(29), true}, {5, days(1), true}};
                    for (Object[] row : rows) {
                        insert.setInt(1, (Integer) row[0]);
                        insert.setTimestamp(2, Timestamp.from((Instant) row[1]));
                        insert.setBoolean(3, (Boolean) row[2]);
                        insert.executeUpdate();
                    }
                }
                st.execute("INSERT INTO events VALUES (1, " + days(8).toEpochMilli() + "), (2, "
                        + days(6).toEpochMilli() + ")");
            }
            Path config = config("postgresql://postgres@127.0.0.1:5432/" + name, """
                          - { table: public.addresses, column: created_at, older-than: 30d, where: "shipped" }
                          - { table: events, column: at_ms, older-than: 7d, format: unix-millis }
                          - { table: events, column: missing, older-than: 7d }
                    """);
            Cli.Result dry = cli.run("run", "gdpr", "--config", config.toString(), "--dry-run");
            assertEquals(3, dry.exit(), "the missing column fails the dry run too: " + dry);
            assertTrue(dry.err().contains("table events has no column missing (its columns: id, at_ms)"), dry.err());
            assertTrue(dry.err().contains("other rules: 2 row(s) from public.addresses, 1 row(s) from events"),
                    dry.err());
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L), pgIds(name, "addresses"));

            Cli.Result real = cli.run("run", "gdpr", "--config", config.toString());
            assertEquals(3, real.exit(), real.toString());
            assertEquals(List.of(3L, 4L, 5L), pgIds(name, "addresses"));
            assertEquals(List.of(2L), pgIds(name, "events"));
        } finally {
            try (Connection admin = DriverManager.getConnection(PG + "postgres", "postgres", "");
                 Statement st = admin.createStatement()) {
                st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            }
        }
    }

    private Path config(String source, String rules) throws Exception {
        return PurgeFiles.purgeConfig(dir, source, rules);
    }

    private List<PurgeAudit> audit(String job) {
        try (Catalog catalog = Catalog.open(dir.resolve("state").resolve("catalog.db"), Clock.systemUTC())) {
            return new JobRecords(catalog).purgeAudit(job);
        }
    }

    private Instant days(int n) {
        return now.minus(Duration.ofDays(n));
    }

    private static String iso(Instant t) {
        return t.toString();
    }

    private static String sqliteText(Instant t) {
        return DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC).format(t);
    }

    private static void insert(Connection conn, String sql) throws SQLException {
        try (Statement st = conn.createStatement()) {
            st.execute(sql);
        }
    }

    private static List<Long> ids(Path db, String table) throws SQLException {
        return PurgeFiles.ids(db, table);
    }

    /** The ids in {@code table}, read back through the sqlcipher shell with the key: "1 2 3". */
    private static String cipherIds(Path db, String keyed, String table) {
        return SqlcipherShell.query(db, keyed, "SELECT id FROM " + table + " ORDER BY id;").lines()
                .collect(java.util.stream.Collectors.joining(" "));
    }

    private static List<Long> pgIds(String database, String table) throws SQLException {
        try (Connection conn = DriverManager.getConnection(PG + database, "postgres", "")) {
            return PurgeFiles.ids(conn, table);
        }
    }

}
