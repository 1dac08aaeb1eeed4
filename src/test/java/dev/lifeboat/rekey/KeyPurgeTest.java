package dev.lifeboat.rekey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.crypto.AgeCli;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.repository.Repositories;
import dev.lifeboat.repository.Repository;
import dev.lifeboat.repository.RepositoryLock;
import dev.lifeboat.testing.Cli;
import dev.lifeboat.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code rekey --purge} retires a lost key, but never deletes a backup someone is reading right now. */
class KeyPurgeTest {
    @TempDir
    Path dir;

    @Test
    void aBackupBeingReadIsKeptAndTheRunSaysWhy() throws Exception {
        AgeCli age = new AgeCli(Files.createDirectories(dir.resolve("keys")));
        AgeCli.Key lost = age.keygen("lost");
        AgeCli.Key fresh = age.keygen("fresh");
        Path db = dir.resolve("app.db");
        Path repo = dir.resolve("repo");
        Cli cli = new Cli(dir.resolve("scratch"));
        try (Connection app = TestDatabases.walWithUncheckpointedRows(db, 80)) {
            for (int i = 0; i < 2; i++) {
                assertEquals(0, cli.run("backup", db.toString(), "--repo", repo.toString(), "--recipient",
                        lost.publicKey()).exit());
            }
            Repository repository = Repositories.folder(repo);
            List<Manifest> old = repository.manifests();
            Cli.Result purge;
            try (RepositoryLock reading = repository.markInUse(old.get(0).id(), "restore")) {
                purge = cli.run("rekey", "--repo", repo.toString(), "--purge", "--source", db.toString(),
                        "--to-recipient", fresh.publicKey());
            }
            assertEquals(0, purge.exit(), purge.toString());
            assertTrue(purge.out().contains("kept " + old.get(0).id() + ": a restore or verification is reading it"),
                    purge.out());
            assertTrue(purge.out().contains("deleted " + old.get(1).id()), purge.out());
            List<String> left = repository.manifests().stream().map(Manifest::id).toList();
            assertTrue(left.contains(old.get(0).id()), "the backup being read is kept: " + left);
            assertFalse(left.contains(old.get(1).id()), left.toString());
            assertEquals(2, left.size(), left.toString());
        }
        Path restored = dir.resolve("restored.db");
        Cli.Result restore = cli.run("restore", "latest", "--repo", repo.toString(), "--to", restored.toString(),
                "--identity-file", fresh.file().toString());
        assertEquals(0, restore.exit(), "the fresh backup opens with the new key: " + restore);
        assertEquals(80L, TestDatabases.counts(restored).get("customers"));
    }

    /**
     * A real restore, paused in its before-restore hook with the backup checked and being read
     * (and the database's lock held): the purge takes no backup and deletes nothing, says which
     * restore it waits for (exit 9), and the restore then completes.
     */
    @Test
    void aRunningRestoreKeepsItsBackupAndThePurgeSaysWhy() throws Exception {
        AgeCli age = new AgeCli(Files.createDirectories(dir.resolve("keys")));
        AgeCli.Key lost = age.keygen("lost");
        AgeCli.Key fresh = age.keygen("fresh");
        Path db = dir.resolve("app.db");
        Path repo = dir.resolve("repo");
        Path release = dir.resolve("release");
        Path config = Files.writeString(dir.resolve("lifeboat.yaml"), """
                jobs:
                  app:
                    source: %s
                    repositories: [ %s ]
                    encryption: { recipients: [ "%s" ], identity: file:%s }
                    hooks:
                      before-restore: "while [ ! -f %s ]; do sleep 0.05; done"
                      timeout: 120s
                """.formatted(db, repo, lost.publicKey(), lost.file(), release));
        Cli cli = new Cli(dir.resolve("scratch"));
        try (Connection app = TestDatabases.walWithUncheckpointedRows(db, 80)) {
            assertEquals(0, cli.run("run", "app", "--config", config.toString()).exit());
        }
        Repository repository = Repositories.folder(repo);
        String old = repository.manifests().get(0).id();
        Path restored = dir.resolve("restored.db");
        java.util.concurrent.CompletableFuture<Cli.Result> restoring = java.util.concurrent.CompletableFuture
                .supplyAsync(() -> cli.run("restore", old, "--job", "app", "--config", config.toString(), "--to",
                        restored.toString()));
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (!repository.backupsInUse().contains(old)) {
            assertTrue(System.nanoTime() < deadline && !restoring.isDone(), "the restore never started reading: "
                    + (restoring.isDone() ? restoring.get() : ""));
            Thread.sleep(20);
        }
        Cli.Result purge = cli.run("rekey", "--repo", repo.toString(), "--purge", "--source", db.toString(),
                "--name", "app", "--to-recipient", fresh.publicKey());
        Files.writeString(release, "go");
        Cli.Result restore = restoring.get(120, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(0, restore.exit(), "the restore completes: " + restore);
        assertEquals(80L, TestDatabases.counts(restored).get("customers"));
        assertTrue(repository.manifests().stream().anyMatch(m -> m.id().equals(old)), "the backup being read is kept");
        Cli.assertOneLineFailure(purge, dev.lifeboat.ExitCode.LOCKED, "is locked by restore", "wait for it to"
                + " finish");
        assertEquals(List.of(old), repository.manifests().stream().map(Manifest::id).toList(),
                "no backup was deleted, and none taken under the restore");
    }
}
