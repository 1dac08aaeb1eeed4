package dev.lifeboat.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.testing.ChildJvm;
import dev.lifeboat.testing.TestDatabases;
import dev.lifeboat.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A database several times larger than the heap backs up, verifies and restores: everything streams. */
class BoundedMemoryTest {
    private static final List<String> SMALL_HEAP = List.of("-Xmx40m", "-XX:+UseSerialGC");

    @TempDir
    Path dir;

    @Test
    void databaseFourTimesTheHeapRoundTripsInASmallHeap() throws Exception {
        Path db = dir.resolve("big.db");
        Tools.ok("sqlite3", db.toString(), "PRAGMA journal_mode=WAL; CREATE TABLE docs(id INTEGER PRIMARY KEY,"
                + " body BLOB); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40000)"
                + " INSERT INTO docs(body) SELECT randomblob(4000) FROM n;");
        assertTrue(Files.size(db) + TestDatabases.walSize(db) > 160_000_000L);
        Path repo = dir.resolve("repo");
        Map<String, String> env = Map.of("LIFEBOAT_SCRATCH_DIR", dir.resolve("scratch").toString());
        run(env, "backup", "--no-encrypt", db.toString(), "--repo", repo.toString());
        run(env, "verify", "latest", "--repo", repo.toString());
        Path restored = dir.resolve("restored.db");
        run(env, "restore", "latest", "--repo", repo.toString(), "--to", restored.toString());
        assertEquals(Map.of("docs", 40000L), TestDatabases.counts(restored));
    }

    private void run(Map<String, String> env, String... args) throws Exception {
        Path log = dir.resolve("child.log");
        Process child = ChildJvm.start(SMALL_HEAP, env, log, args);
        assertTrue(child.waitFor(3, TimeUnit.MINUTES), "timed out: " + String.join(" ", args));
        assertEquals(0, child.exitValue(), args[0] + " in a 40 MB heap: " + Files.readString(log));
    }
}
