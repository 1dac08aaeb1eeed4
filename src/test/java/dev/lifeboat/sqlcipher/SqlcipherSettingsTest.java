package dev.lifeboat.sqlcipher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.manifest.Json;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.testing.CipherApp;
import dev.lifeboat.testing.Cli;
import dev.lifeboat.testing.SqlcipherShell;
import dev.lifeboat.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Databases not on SQLCipher 4's defaults, and raw keys, come back exactly as the application opens them. */
class SqlcipherSettingsTest {
    @TempDir
    Path dir;

    @Test
    void sqlcipher4WithLowKdfIterationsAndLargePagesRoundTripsWithItsSettings() throws Exception {
        CipherApp app = new CipherApp();
        Map<String, String> settings = Map.of("legacy", "4", "kdf_iter", "4000", "legacy_page_size", "8192");
        Path db = dir.resolve("shop.db");
        Cli cli = new Cli(dir.resolve("scratch")).env("SHOP_KEY", "v4 passphrase");
        String spec = "?key-env=SHOP_KEY&legacy=4&kdf-iter=4000&page-size=8192";
        try (Connection conn = app.open(db, "v4 passphrase", settings); Statement st = conn.createStatement()) {
            st.execute("PRAGMA journal_mode=WAL");
            st.execute("CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT, price REAL)");
            st.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)"
                    + " INSERT INTO items(name, price) SELECT 'item ' || i, i * 0.5 FROM n");
            st.execute("PRAGMA user_version = 42");

            Cli.Result backup = cli.run("backup", "sqlcipher:" + db + spec, "--repo", dir.resolve("repo").toString(),
                    "--json");
            assertEquals(0, backup.exit(), backup.toString());
            Manifest manifest = backup.manifest();
            assertEquals("8192", manifest.facts().properties().get("page_size"));
            assertEquals("legacy=4&kdf-iter=4000&page-size=8192", manifest.facts().properties().get("cipher_settings"));
        }
        Path restored = dir.resolve("restored.db");
        Cli.Result restore = cli.run("restore", "latest", "--repo", dir.resolve("repo").toString(), "--to",
                "sqlcipher:" + restored + spec);
        assertEquals(0, restore.exit(), restore.toString());
        assertEquals(0, Files.size(restored) % 8192, "8 KiB pages");
        try (Connection conn = app.open(restored, "v4 passphrase", settings)) {
            assertEquals(2000, TestDatabases.count(conn, "items"));
            try (Statement st = conn.createStatement()) {
                assertEquals(42, st.executeQuery("PRAGMA user_version").getInt(1));
                assertEquals(8192, st.executeQuery("PRAGMA page_size").getInt(1));
            }
        }
        assertThrows(SQLException.class, () -> app.open(restored, "v4 passphrase", Map.of("legacy", "4")).close(),
                "SQLCipher 4's default KDF iterations do not open it: the settings were kept");
    }

    @Test
    void rawKeyDatabaseOfTheSqlcipherShellRoundTrips() throws Exception {
        String raw = "x'" + "0123456789abcdef".repeat(4) + "'";
        String keyPragma = "PRAGMA key = \"" + raw + "\";";
        Path db = dir.resolve("raw.db");
        SqlcipherShell.query(db, keyPragma, "CREATE TABLE t(x); INSERT INTO t VALUES ('one'), ('two');");
        Path keyFile = dir.resolve("raw.key");
        Files.writeString(keyFile, raw.toUpperCase().replace("X'", "x'") + "\n");
        Cli cli = new Cli(dir.resolve("scratch"));
        String spec = "?key-file=" + keyFile + "&legacy=3";
        Cli.Result backup = cli.run("backup", "sqlcipher:" + db + spec, "--repo", dir.resolve("repo").toString());
        assertEquals(0, backup.exit(), backup.toString());
        Path restored = dir.resolve("raw-restored.db");
        Cli.Result restore = cli.run("restore", "latest", "--repo", dir.resolve("repo").toString(), "--to",
                "sqlcipher:" + restored + spec);
        assertEquals(0, restore.exit(), restore.toString());
        assertEquals("2", SqlcipherShell.query(restored, keyPragma, "SELECT count(*) FROM t;"));
        assertTrue(SqlcipherShell.tryQuery(restored, "PRAGMA key = 'not the key';", "SELECT count(*) FROM t;")
                .exit() != 0);
    }
}
