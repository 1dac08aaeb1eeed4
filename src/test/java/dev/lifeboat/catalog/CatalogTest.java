package dev.lifeboat.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.testing.ChildJvm;
import dev.lifeboat.testing.Cli;
import dev.lifeboat.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every run lands in the catalog; crashes are marked; the repositories can rebuild it. */
class CatalogTest {
    @TempDir
    Path dir;
    Path db;
    Path repo;
    Cli cli;

    @BeforeEach
    void setUp() throws Exception {
        db = dir.resolve("app.db");
        repo = dir.resolve("repo");
        cli = new Cli(dir.resolve("scratch"));
        TestDatabases.walWithUncheckpointedRows(db, 500).close();
    }

    private List<String> backupStatuses() {
        try (Catalog catalog = Catalog.open(dir.resolve("state").resolve("catalog.db"), Clock.systemUTC())) {
            return catalog.backupStatuses(repo.toString());
        }
    }

    @Test
    void runsAndStatusesAreRecordedAndTheCatalogRebuildsFromTheRepository() throws Exception {
        assertEquals(0, cli.run("backup", "--no-encrypt", db.toString(), "--repo", repo.toString()).exit());
        assertEquals(0, cli.run("verify", "latest", "--repo", repo.toString()).exit());
        assertEquals(0, cli.run("backup", "--no-encrypt", db.toString(), "--repo", repo.toString()).exit());
        assertEquals(0, cli.run("restore", "latest", "--repo", repo.toString(), "--to", db.toString(), "--yes").exit());
        assertEquals(0, cli.run("prune", "--repo", repo.toString(), "--keep-last", "5").exit());
        assertTrue(cli.run("restore", "latest", "--repo", repo.toString(), "--to", dir.resolve("x.txt").toString(),
                "--name", "nope").exit() != 0);

        Cli.Result history = cli.run("history");
        assertEquals(0, history.exit(), history.toString());
        List<String> lines = history.out().lines().skip(1).toList();
        assertEquals(List.of("prune", "restore", "backup", "verify", "backup"),
                lines.stream().map(l -> l.split("\\s+")[2]).toList(), history.out());
        assertTrue(lines.stream().allMatch(l -> l.contains("COMPLETED")), history.out());
        Cli.Result json = cli.run("history", "--name", "app", "--json");
        assertTrue(json.out().contains("\"kind\" : \"restore\"") && json.out().contains("\"stored_size\"")
                && json.out().contains("\"compression_ratio\" : 0."), json.out());

        List<String> before = backupStatuses();
        assertEquals(3, before.size(), "two backups and one pre-restore backup: " + before);
        assertTrue(before.get(0).endsWith(" VERIFIED"), before.toString());
        assertTrue(before.get(1).endsWith(" COMPLETED"), before.toString());

        try (Stream<Path> files = Files.list(dir.resolve("state"))) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        Cli.Result rebuild = cli.run("catalog", "rebuild", "--repo", repo.toString());
        assertEquals(0, rebuild.exit(), rebuild.toString());
        assertTrue(rebuild.out().contains("3 backups"), rebuild.out());
        assertEquals(before, backupStatuses());
        assertEquals(4, cli.run("history").out().lines().count() - 1, "three backups and one verification");
    }

    @Test
    void aBackupKilledMidwayIsMarkedInterruptedAtTheNextStart() throws Exception {
        try (Connection conn = TestDatabases.open(db); Statement st = conn.createStatement()) {
            st.execute("CREATE TABLE pages(body TEXT)");
            st.execute("INSERT INTO pages WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
                    + " WHERE i < 60000) SELECT hex(randomblob(200)) FROM n");
        }
        Process child = ChildJvm.start(Map.of("LIFEBOAT_SCRATCH_DIR", dir.resolve("scratch").toString()),
                dir.resolve("child.log"), "backup", "--no-encrypt", db.toString(), "--repo", repo.toString(), "--level", "19");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!cli.run("history").out().contains("RUNNING") && System.nanoTime() < deadline && child.isAlive()) {
            Thread.sleep(20);
        }
        child.destroyForcibly();
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        Cli.Result history = cli.run("history");
        assertTrue(history.out().contains("FAILED") && history.out().contains("interrupted"), history.out());
        assertTrue(!history.out().contains("RUNNING"), history.out());
    }
}
