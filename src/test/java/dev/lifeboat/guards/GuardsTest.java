package dev.lifeboat.guards;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.ExitCode;
import dev.lifeboat.testing.ChildJvm;
import dev.lifeboat.testing.Cli;
import dev.lifeboat.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Locks between processes, the minimum interval, and the alarm for backups that shrank. */
class GuardsTest {
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
        TestDatabases.walWithUncheckpointedRows(db, 1000).close();
    }

    @Test
    void shrinkAlarmFiresOnAnEmptiedTableAndStaysQuietOnGrowth() throws Exception {
        assertEquals(0, cli.run("backup", "--no-encrypt", db.toString(), "--repo", repo.toString()).exit());
        try (Connection conn = TestDatabases.open(db)) {
            TestDatabases.insertCustomers(conn, 5000, 500);
        }
        Cli.Result growth = cli.run("backup", "--no-encrypt", db.toString(), "--repo", repo.toString());
        assertEquals(0, growth.exit(), growth.toString());
        assertTrue(growth.err().isEmpty(), growth.err());

        try (Connection conn = TestDatabases.open(db); Statement st = conn.createStatement()) {
            st.execute("DELETE FROM orders");
        }
        Cli.Result emptied = cli.run("backup", "--no-encrypt", db.toString(), "--repo", repo.toString());
        assertEquals(ExitCode.SUSPICIOUS.code(), emptied.exit(), emptied.toString());
        assertTrue(emptied.err().contains("SUSPICIOUS"), emptied.err());
        assertTrue(emptied.err().contains("table orders is empty (had 333 rows)"), emptied.err());
        assertTrue(cli.run("list", "--repo", repo.toString()).out().contains("SUSPICIOUS"));

        // The next backup still compares with the last good one, so the alarm does not go quiet.
        Cli.Result again = cli.run("backup", "--no-encrypt", db.toString(), "--repo", repo.toString(), "--on-shrink", "warn");
        assertEquals(0, again.exit(), again.toString());
        assertTrue(again.err().startsWith("warning: backup") && again.err().contains("orders"), again.err());
    }

    @Test
    void totalRowsFallingPastTheThresholdIsSuspicious() throws Exception {
        assertEquals(0, cli.run("backup", "--no-encrypt", db.toString(), "--repo", repo.toString()).exit());
        try (Connection conn = TestDatabases.open(db); Statement st = conn.createStatement()) {
            st.execute("DELETE FROM customers WHERE id > 300");
        }
        Cli.Result shrunk = cli.run("backup", "--no-encrypt", db.toString(), "--repo", repo.toString());
        assertEquals(ExitCode.SUSPICIOUS.code(), shrunk.exit(), shrunk.toString());
        assertTrue(shrunk.err().contains("total rows fell from 1333 to 633"), shrunk.err());
        Cli.Result lenient = cli.run("backup", "--no-encrypt", db.toString(), "--repo", repo.toString(), "--shrink-threshold", "60");
        assertEquals(0, lenient.exit(), "a 52% drop is within a 60% threshold: " + lenient);
    }

    @Test
    void minIntervalSkipsUnlessForced() {
        assertEquals(0, cli.run("backup", "--no-encrypt", db.toString(), "--repo", repo.toString(), "--min-interval", "1d").exit());
        Cli.Result skipped = cli.run("backup", "--no-encrypt", db.toString(), "--repo", repo.toString(), "--min-interval", "1d");
        assertEquals(0, skipped.exit(), skipped.toString());
        assertTrue(skipped.out().startsWith("skipped: backup "), skipped.out());
        assertEquals(2, cli.run("list", "--repo", repo.toString()).out().lines().count());
        Cli.Result forced = cli.run("backup", "--no-encrypt", db.toString(), "--repo", repo.toString(), "--min-interval", "1d",
                "--force");
        assertEquals(0, forced.exit(), forced.toString());
        assertEquals(3, cli.run("list", "--repo", repo.toString()).out().lines().count());
    }

    @Test
    void concurrentBackupIsRefusedNamingTheHolderAndAStaleLockIsTakenOver() throws Exception {
        assertEquals(0, cli.run("backup", "--no-encrypt", db.toString(), "--repo", repo.toString()).exit(),
                "a repository that exists: a new one has nothing to lock yet");
        try (Connection conn = TestDatabases.open(db); Statement st = conn.createStatement()) {
            st.execute("CREATE TABLE pages(body TEXT)");
            st.execute("INSERT INTO pages WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
                    + " WHERE i < 60000) SELECT hex(randomblob(200)) FROM n");
        }
        Process child = ChildJvm.start(Map.of("LIFEBOAT_SCRATCH_DIR", dir.resolve("scratch-child").toString()),
                dir.resolve("child.log"), "backup", "--no-encrypt", db.toString(), "--repo", repo.toString(), "--level", "19");
        awaitLockFile(child);
        Cli.Result second = cli.run("backup", "--no-encrypt", db.toString(), "--repo", repo.toString());
        assertEquals(ExitCode.LOCKED.code(), second.exit(), second.toString());
        assertTrue(second.err().contains("is locked by backup by host"), second.err());
        assertTrue(second.err().contains("pid " + child.pid()), second.err());
        assertTrue(second.err().contains("lifeboat unlock"), second.err());

        child.destroyForcibly();
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        Cli.Result after = cli.run("backup", "--no-encrypt", db.toString(), "--repo", repo.toString(), "--level", "1");
        assertEquals(0, after.exit(), after.toString());
        assertTrue(after.err().contains("took over the stale lock of backup by host"), after.err());
        assertTrue(after.err().contains("pid " + child.pid()), after.err());
        assertFalse(Files.list(repo.resolve("locks")).findAny().isPresent(), "the lock is released");
        assertTrue(cli.run("unlock", "--repo", repo.toString()).out().startsWith("no locks"));
    }

    private void awaitLockFile(Process child) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && child.isAlive()) {
            if (Files.isDirectory(repo.resolve("locks"))) {
                try (Stream<Path> locks = Files.list(repo.resolve("locks"))) {
                    if (locks.findAny().isPresent()) {
                        return;
                    }
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the child never took its lock: " + Files.readString(dir.resolve("child.log")));
    }
}
