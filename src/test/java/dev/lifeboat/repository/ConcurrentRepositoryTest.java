package dev.lifeboat.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.ExitCode;
import dev.lifeboat.testing.Cli;
import dev.lifeboat.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commands racing on one repository: each either succeeds or says, in the lock's own line, who
 * holds what it needs; never an unexpected exception, and the repository stays consistent.
 */
class ConcurrentRepositoryTest {
    @TempDir
    Path dir;

    @Test
    void twoFirstBackupsIntoOneNewRepositoryBothLandOrOneIsLocked() throws Exception {
        Path db = dir.resolve("app.db");
        Cli cli = new Cli(dir.resolve("scratch"));
        try (Connection app = TestDatabases.walWithUncheckpointedRows(db, 100)) {
            for (int trial = 0; trial < 6; trial++) {
                Path repo = dir.resolve("repo-" + trial);
                boolean sameName = trial % 2 == 0;
                List<Cli.Result> results = together(2, i -> cli.run("backup", "--no-encrypt", db.toString(),
                        "--repo", repo.toString(), "--name", sameName ? "app" : "app-" + i));
                int stored = 0;
                for (Cli.Result r : results) {
                    if (r.exit() == 0) {
                        stored++;
                    } else {
                        Cli.assertOneLineFailure(r, ExitCode.LOCKED, "is locked by");
                        assertTrue(sameName, "backups of different names never wait for each other: " + r);
                    }
                }
                Cli.Result list = cli.run("list", "--repo", repo.toString(), "--json");
                assertEquals(0, list.exit(), list.toString());
                assertEquals(stored, list.out().split("\"id\"").length - 1, list.out());
                assertTrue(stored >= 1, "trial " + trial + ": " + results);
                Cli.Result verify = cli.run("verify", "all", "--repo", repo.toString());
                assertEquals(0, verify.exit(), verify.toString());
                assertTrue(!verify.out().contains("INCOMPLETE"), verify.out());
            }
        }
    }

    @Test
    void backupsWhilePrunesRunNeverFail() throws Exception {
        Path db = dir.resolve("app.db");
        Path repo = dir.resolve("repo");
        Cli cli = new Cli(dir.resolve("scratch"));
        try (Connection app = TestDatabases.walWithUncheckpointedRows(db, 100)) {
            for (int i = 0; i < 3; i++) {
                assertEquals(0, cli.run("backup", "--no-encrypt", db.toString(), "--repo", repo.toString()).exit());
            }
            List<Cli.Result> results = together(2, i -> {
                List<Cli.Result> mine = new ArrayList<>();
                for (int round = 0; round < 6; round++) {
                    mine.add(i == 0 ? cli.run("backup", "--no-encrypt", db.toString(), "--repo", repo.toString())
                            : cli.run("prune", "--repo", repo.toString(), "--keep-last", "1"));
                }
                return mine;
            }).stream().flatMap(List::stream).toList();
            for (Cli.Result r : results) {
                assertEquals(0, r.exit(), r.toString());
            }
        }
        Cli.Result verify = cli.run("verify", "all", "--repo", repo.toString());
        assertEquals(0, verify.exit(), verify.toString());
        assertTrue(!verify.out().contains("INCOMPLETE"), verify.out());
        try (Stream<Path> backups = Files.list(repo.resolve("backups"))) {
            for (Path backup : backups.toList()) {
                assertTrue(Files.exists(backup.resolve("manifest.json")), "no folder without a manifest: " + backup);
            }
        }
    }

    private interface Run<T> {
        T run(int index) throws Exception;
    }

    /** Starts {@code count} runs at the same moment and waits for all of them. */
    private static <T> List<T> together(int count, Run<T> run) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(count);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    start.await();
                    return run.run(index);
                }));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get(2, TimeUnit.MINUTES));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
