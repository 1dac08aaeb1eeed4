package dev.lifeboat.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.scratch.ScratchSpace;
import dev.lifeboat.testing.BigDatabases;
import dev.lifeboat.testing.ChildJvm;
import dev.lifeboat.testing.Cli;
import dev.lifeboat.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A backup process killed with SIGKILL leaves nothing listed, and the next run cleans up after it. */
class KilledBackupTest {
    @TempDir
    Path dir;

    @Test
    void killedMidUploadLeavesNoBackupAndTheNextRunRemovesItsLeftovers() throws Exception {
        Path db = dir.resolve("app.db");
        Path repo = dir.resolve("repo");
        Path scratch = dir.resolve("scratch");
        Cli cli = new Cli(scratch);
        TestDatabases.walWithUncheckpointedRows(db, 100).close();
        assertEquals(0, cli.run("backup", "--no-encrypt", db.toString(), "--repo", repo.toString()).exit());
        BigDatabases.slowToCompress(db, 60_000);

        Process child = ChildJvm.start(Map.of("LIFEBOAT_SCRATCH_DIR", scratch.toString()), dir.resolve("child.log"),
                "backup", "--no-encrypt", db.toString(), "--repo", repo.toString(), "--level", "19");
        Path temp = awaitTempObject(repo, child);
        child.destroyForcibly();
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        assertEquals(137, child.exitValue(), "killed by SIGKILL");
        assertTrue(Files.exists(temp), "the child died mid-upload");
        // Its scratch copy may already be gone: a backup frees it as soon as it has been read.

        Cli.Result list = cli.run("list", "--repo", repo.toString());
        assertEquals(2, list.out().lines().count(), "only the earlier backup is listed:\n" + list.out());
        Cli.Result verifyAll = cli.run("verify", "all", "--repo", repo.toString());
        assertEquals(0, verifyAll.exit(), verifyAll.toString());
        assertFalse(Files.exists(temp.getParent()), "verify, the next command, removed the interrupted backup");

        assertEquals(0, cli.run("backup", "--no-encrypt", db.toString(), "--repo", repo.toString(), "--level", "1").exit());
        assertEquals(List.of(), scratchFiles(scratch), "the next run removed the dead process's scratch files");
        try (Stream<Path> dirs = Files.list(repo.resolve("backups"))) {
            List<Path> backups = dirs.toList();
            assertEquals(2, backups.size(), "the interrupted backup's folder is gone: " + backups);
            for (Path backup : backups) {
                assertTrue(Files.exists(backup.resolve("manifest.json")));
                try (Stream<Path> files = Files.list(backup)) {
                    assertTrue(files.noneMatch(f -> f.getFileName().toString().startsWith(".")), "no temp files");
                }
            }
        }
        Cli.Result verify = cli.run("verify", "all", "--repo", repo.toString());
        assertEquals(0, verify.exit(), verify.toString());
        assertFalse(verify.out().contains("INCOMPLETE"), verify.out());
    }

    @Test
    void scratchCopyOfADeadProcessIsRemovedByTheNextBackupAndALiveOnesIsKept() throws Exception {
        Path db = dir.resolve("app.db");
        Path scratch = Files.createDirectories(dir.resolve("scratch"));
        TestDatabases.walWithUncheckpointedRows(db, 10).close();
        Process gone = new ProcessBuilder("true").start();
        assertEquals(0, gone.waitFor());
        Path dead = Files.write(scratch.resolve(ScratchSpace.PREFIX + gone.pid() + "-00ff-app.db.sqlite"), new byte[4096]);
        Path live = Files.write(scratch.resolve(ScratchSpace.PREFIX + ProcessHandle.current().pid()
                + "-00ff-app.db.sqlite"), new byte[4096]);

        Cli.Result backup = new Cli(scratch).run("backup", "--no-encrypt", db.toString(), "--repo",
                dir.resolve("repo").toString());

        assertEquals(0, backup.exit(), backup.toString());
        assertEquals(List.of(live), scratchFiles(scratch), "only the dead process's copy is removed");
    }

    private static Path awaitTempObject(Path repo, Process child) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && child.isAlive()) {
            try (Stream<Path> files = Files.walk(repo.resolve("backups"))) {
                List<Path> temps = files.filter(f -> f.getFileName().toString().startsWith(".tmp-")
                        && f.getFileName().toString().contains("snapshot")).toList();
                for (Path temp : temps) {
                    if (Files.size(temp) > 0) {
                        return temp;
                    }
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the child never started uploading (alive: " + child.isAlive() + ")");
    }

    private static List<Path> scratchFiles(Path scratch) throws Exception {
        if (!Files.exists(scratch)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(scratch)) {
            return files.toList();
        }
    }
}
