package dev.lifeboat.purge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.testing.Cli;
import dev.lifeboat.testing.Grep;
import dev.lifeboat.testing.PgTestServer;
import dev.lifeboat.testing.SqlcipherShell;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore never brings rows a purge deleted back into the application: the rules of every
 * purge job whose source is the restore target run on the staged copy before it is installed,
 * for {@code restore --job} and for a restore given {@code --config}. {@code --no-purge} opts out
 * with a warning; a rule that fails on the copy fails the restore and leaves the target as it was.
 */
class RestorePurgeTest {
    private static final String OLD = Instant.now().minus(Duration.ofDays(100)).toString();
    private static final String NEW = Instant.now().minus(Duration.ofDays(1)).toString();
    @TempDir
    Path dir;

    @Test
    void aRestoreOfAnOlderBackupReappliesThePurgeRulesBeforeInstall() throws Exception {
        Path db = sqliteShop();
        Path config = config(db.toString(), "people", "created_at");
        Cli cli = new Cli(dir.resolve("scratch"));
        assertEquals(0, cli.run("run", "shop", "--config", config.toString()).exit());
        assertEquals(0, cli.run("run", "gdpr", "--config", config.toString()).exit());
        assertEquals(List.of(2L), PurgeFiles.ids(db, "people"));

        Cli.Result byJob = cli.run("restore", "latest", "--job", "shop", "--config", config.toString(), "--yes");
        assertEquals(0, byJob.exit(), byJob.toString());
        assertTrue(byJob.out().contains("ok  purge job gdpr re-applied to the restored copy before install: deleted"
                + " 1 row(s) from people (PRAGMA secure_delete = ON during the deletes, VACUUM)"), byJob.out());
        assertEquals(List.of(2L), PurgeFiles.ids(db, "people"), "the purged row did not come back");
        assertFalse(Grep.contains(PurgeFiles.withWal(db), "ERASED-PERSON-41"), "nor are its bytes anywhere in the file");

        Cli.Result optedOut = cli.run("restore", "latest", "--repo", dir.resolve("repo").toString(), "--to",
                db.toString(), "--config", config.toString(), "--yes", "--no-purge");
        assertEquals(0, optedOut.exit(), optedOut.toString());
        assertTrue(optedOut.err().contains("warning: --no-purge: the rules of purge job gdpr are NOT applied, so rows"
                + " they deleted from " + db + " come back with this restore; run gdpr after it to delete them again"),
                optedOut.err());
        assertEquals(List.of(1L, 2L), PurgeFiles.ids(db, "people"), "--no-purge brings the row back");

        Cli.Result byConfig = cli.run("restore", "latest", "--repo", dir.resolve("repo").toString(), "--to",
                "sqlite:" + db, "--config", config.toString(), "--yes");
        assertEquals(0, byConfig.exit(), byConfig.toString());
        assertTrue(byConfig.out().contains("purge job gdpr re-applied"), byConfig.out());
        assertEquals(List.of(2L), PurgeFiles.ids(db, "people"), "a restore given the config re-applies its purge jobs too");
    }

    @Test
    void aRuleThatFailsOnTheRestoredCopyFailsTheRestoreAndLeavesTheTargetAsItWas() throws Exception {
        Path db = sqliteShop();
        Path config = config(db.toString(), "people", "born_at");
        Cli cli = new Cli(dir.resolve("scratch"));
        assertEquals(0, cli.run("run", "shop", "--config", config.toString()).exit());
        try (Connection conn = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = conn.createStatement()) {
            st.execute("DELETE FROM people WHERE id = 2");
        }
        byte[] before = Files.readAllBytes(db);

        Cli.Result failed = cli.run("restore", "latest", "--job", "shop", "--config", config.toString(), "--yes");
        Cli.assertOneLineFailure(failed, dev.lifeboat.ExitCode.TARGET, "the rules of purge job gdpr failed on the"
                + " restored copy (rule people.born_at older than 30d failed: table people has no column born_at",
                "so it was not installed; fix the rule, or pass --no-purge");
        assertArrayEquals(before, Files.readAllBytes(db), "the target is exactly as it was");
    }

    @Test
    void aPostgresRestoreByJobReappliesTheRulesToTheStagedDatabase() throws Exception {
        try (PgTestServer server = new PgTestServer()) {
            String name = server.createDatabase("lifeboat_restore_purge");
            PgTestServer.execute(name, "CREATE TABLE people(id int PRIMARY KEY, created_at timestamptz)",
                    "INSERT INTO people VALUES (1, '" + OLD + "'), (2, '" + NEW + "')");
            Path config = config(PgTestServer.url("postgres", name), "people", "created_at");
            Cli cli = new Cli(dir.resolve("scratch"));
            assertEquals(0, cli.run("run", "shop", "--config", config.toString()).exit());
            assertEquals(0, cli.run("run", "gdpr", "--config", config.toString()).exit());

            Cli.Result restored = cli.run("restore", "latest", "--job", "shop", "--config", config.toString(),
                    "--yes", "--terminate-connections", "--drop-previous");
            assertEquals(0, restored.exit(), restored.toString());
            assertTrue(restored.out().contains("purge job gdpr re-applied to the restored copy before install: deleted"
                    + " 1 row(s) from people (VACUUM FULL \"people\")"), restored.out());
            assertEquals("2", PgTestServer.value(name, "SELECT string_agg(id::text, ',') FROM people"));
        }
    }

    @Test
    void anSqlcipherRestoreByJobReappliesTheRulesWithTheKey() throws Exception {
        Path db = dir.resolve("shop.db");
        String keyed = "PRAGMA key = 'shop key'; PRAGMA kdf_iter = 4000;";
        SqlcipherShell.query(db, keyed, "CREATE TABLE people(id INTEGER PRIMARY KEY, created_at TEXT);"
                + " INSERT INTO people VALUES (1, '" + OLD + "'), (2, '" + NEW + "');");
        Path config = config("sqlcipher:" + db + "?key-env=SHOP_KEY&legacy=3&kdf-iter=4000", "people", "created_at");
        Cli cli = new Cli(dir.resolve("scratch")).env("SHOP_KEY", "shop key");
        assertEquals(0, cli.run("run", "shop", "--config", config.toString()).exit());
        assertEquals(0, cli.run("run", "gdpr", "--config", config.toString()).exit());

        Cli.Result restored = cli.run("restore", "latest", "--job", "shop", "--config", config.toString(), "--yes");
        assertEquals(0, restored.exit(), restored.toString());
        assertTrue(restored.out().contains("purge job gdpr re-applied to the restored copy before install: deleted"
                + " 1 row(s) from people"), restored.out());
        assertEquals("2", SqlcipherShell.query(db, keyed, "SELECT group_concat(id) FROM people;"));
    }

    /** shop.db: person 1, ERASED-PERSON-41, created 100 days ago; person 2 yesterday. */
    private Path sqliteShop() throws Exception {
        Path db = dir.resolve("shop.db");
        try (Connection conn = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = conn.createStatement()) {
            st.execute("CREATE TABLE people(id INTEGER PRIMARY KEY, name TEXT, created_at TEXT)");
            st.execute("INSERT INTO people VALUES (1, 'ERASED-PERSON-41', '" + OLD + "'), (2, 'kept', '" + NEW + "')");
        }
        return db;
    }

    private Path config(String source, String table, String column) throws Exception {
        return Files.writeString(dir.resolve("lifeboat.yaml"), """
                jobs:
                  shop:
                    source: %s
                    repositories: [ %s ]
                    encryption: none
                  gdpr:
                    kind: purge
                    source: %s
                    rules:
                      - { table: %s, column: %s, older-than: 30d }
                """.formatted(source, dir.resolve("repo"), source, table, column));
    }
}
