package dev.lifeboat.sqlite;

import static dev.lifeboat.testing.Cli.assertOneLineFailure;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.scratch.ScratchSpace;
import dev.lifeboat.source.Engines;
import dev.lifeboat.source.Inspector;
import dev.lifeboat.testing.Cli;
import dev.lifeboat.testing.TestDatabases;
import dev.lifeboat.testing.Tmpfs;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk beside a restore target (exit 8) or in the scratch folder (exit 3): one line naming
 * the folder, what it needed and the fix, and the target, the source and the repository as they were.
 */
class FullDiskTest {
    private static final String SOME_ID = "20240101T000000Z-abcdef";
    @TempDir
    Path dir;
    Cli cli;
    Path repo;

    @BeforeEach
    void setUp() {
        cli = new Cli(dir.resolve("scratch"));
        repo = dir.resolve("repo");
    }

    /** About 4 KiB a row of random bytes, so the snapshot does not compress. */
    private Path blobs(String name, int rows) throws Exception {
        Path db = dir.resolve(name);
        try (Connection conn = TestDatabases.open(db); Statement st = conn.createStatement()) {
            st.execute("CREATE TABLE blobs(b BLOB)");
            st.execute("INSERT INTO blobs WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < "
                    + rows + ") SELECT randomblob(4096) FROM n");
        }
        return db;
    }

    @Test
    void aRestoreThatCannotFitBesideItsTargetFailsBeforeWritingAndLeavesTheTargetAsItWas() throws Exception {
        assertEquals(0, cli.run("backup", "--no-encrypt", blobs("big.db", 600).toString(), "--repo",
                repo.toString()).exit());
        Map<String, byte[]> repository = contents(repo);
        try (Tmpfs disk = new Tmpfs(dir.resolve("small-disk"), "2m")) {
            Path fresh = disk.path().resolve("new.db");
            assertOneLineFailure(cli.run("restore", "latest", "--repo", repo.toString(), "--to", fresh.toString()),
                    ExitCode.TARGET, "folder of the restore target " + disk.path() + " is too full",
                    "MiB needed", "restore to another --to");
            assertEquals(Map.of(), contents(disk.path()), "nothing was written beside the target");

            Path live = disk.path().resolve("live.db");
            TestDatabases.walWithUncheckpointedRows(live, 50).close();
            Map<String, byte[]> before = contents(disk.path());
            assertOneLineFailure(cli.run("restore", "latest", "--repo", repo.toString(), "--to", live.toString(),
                    "--name", "big", "--yes"), ExitCode.TARGET, "is too full", "the target was not changed");
            assertSameContents(before, contents(disk.path()));
        }
        assertSameContents(repository, contents(repo));
    }

    @Test
    void aDiskThatFillsUpWhileTheCopyIsWrittenIsReportedAsTheFolderItIs() throws Exception {
        // As if another process took the space between the check and the write.
        try (Tmpfs disk = new Tmpfs(dir.resolve("filling-disk"), "2m")) {
            String target = disk.path().resolve("app.db").toString();
            LifeboatException beside = fillPastTheDisk(Engines.standard(Duration.ofSeconds(1)).forSpec(target)
                    .target(target).stage());
            assertEquals(ExitCode.TARGET, beside.exitCode());
            assertTrue(beside.getMessage().startsWith("folder of the restore target " + disk.path()
                    + " is full (no space left on device) while writing a copy of backup " + SOME_ID
                    + ": about 2 MiB needed; "), beside.getMessage());

            Inspector inspector = Engines.standard(Duration.ofSeconds(1)).forKind("sqlite").inspector();
            LifeboatException scratch = fillPastTheDisk(inspector.stage(new ScratchSpace(disk.path())));
            assertEquals(ExitCode.SOURCE, scratch.exitCode());
            assertTrue(scratch.getMessage().startsWith("scratch folder " + disk.path() + " is full"), scratch.getMessage());
            assertTrue(scratch.getMessage().endsWith("set LIFEBOAT_SCRATCH_DIR to a folder on a disk with more room"),
                    scratch.getMessage());
            assertEquals(Map.of(), contents(disk.path()), "the partial copies are gone");
        }
    }

    /** A backup that reached no repository is in the catalog as FAILED with the repository's own reason. */
    @Test
    void aBackupIntoAFullRepositoryIsRecordedWithItsCause() throws Exception {
        Path db = blobs("big.db", 600);
        try (Tmpfs disk = new Tmpfs(dir.resolve("full-repo"), "1m")) {
            Cli.Result backup = cli.run("backup", "--no-encrypt", db.toString(), "--repo", disk.path().toString());
            assertEquals(ExitCode.REPOSITORY.code(), backup.exit(), backup.toString());
            Cli.Result history = cli.run("history", "--json");
            assertEquals(0, history.exit(), history.toString());
            assertTrue(history.out().contains("\"status\" : \"FAILED\"") && history.out().contains("\"error\" :"
                    + " \"repository " + disk.path() + " is full (no space left on device)"), history.out());
        }
    }

    /** Passes the check for a small copy, then writes more than the disk holds. */
    private static LifeboatException fillPastTheDisk(Inspector.Staged staged) throws IOException {
        try (staged) {
            staged.requireSpace(SOME_ID, 4096);
            return assertThrows(LifeboatException.class, () -> {
                try (OutputStream out = staged.output()) {
                    out.write(new byte[3 << 20]);
                }
            });
        }
    }

    @Test
    void aScratchFolderTooSmallForVerifyingNamesItAndChangesNothing() throws Exception {
        assertEquals(0, cli.run("backup", "--no-encrypt", blobs("big.db", 600).toString(), "--repo",
                repo.toString()).exit());
        Map<String, byte[]> repository = contents(repo);
        try (Tmpfs disk = new Tmpfs(dir.resolve("tiny-scratch"), "1m")) {
            Cli small = new Cli(disk.path()).env("LIFEBOAT_STATE_DIR", dir.resolve("state").toString());
            assertOneLineFailure(small.run("verify", "latest", "--repo", repo.toString()), ExitCode.SOURCE,
                    "scratch folder " + disk.path() + " is too full for a copy of backup", "MiB needed",
                    "set LIFEBOAT_SCRATCH_DIR to a folder on a disk with more room");
            assertEquals(Map.of(), contents(disk.path()));
        }
        assertSameContents(repository, contents(repo));
    }

    /** Every regular file under {@code root}, by relative path. */
    private static Map<String, byte[]> contents(Path root) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                files.put(root.relativize(file).toString(), Files.readAllBytes(file));
            }
        }
        return files;
    }

    private static void assertSameContents(Map<String, byte[]> expected, Map<String, byte[]> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((name, bytes) -> assertArrayEquals(bytes, actual.get(name), name));
    }
}
