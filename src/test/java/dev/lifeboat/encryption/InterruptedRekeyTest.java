package dev.lifeboat.encryption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.Progress;
import dev.lifeboat.backup.BackupRunner;
import dev.lifeboat.backup.Retries;
import dev.lifeboat.crypto.AgeCli;
import dev.lifeboat.crypto.Encryptions;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.pipeline.Compression;
import dev.lifeboat.pipeline.StoredForm;
import dev.lifeboat.repository.Repositories;
import dev.lifeboat.repository.Repository;
import dev.lifeboat.scratch.ScratchSpace;
import dev.lifeboat.source.Engines;
import dev.lifeboat.source.Snapshot;
import dev.lifeboat.source.Source;
import dev.lifeboat.testing.ChildJvm;
import dev.lifeboat.testing.Cli;
import dev.lifeboat.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A re-key killed between objects leaves every backup readable with the old key or the new one. */
class InterruptedRekeyTest {
    @TempDir
    Path dir;

    @Test
    void rekeyKilledMidwayLeavesEveryBackupRestorableAndASecondRunFinishes() throws Exception {
        AgeCli age = new AgeCli(Files.createDirectories(dir.resolve("keys")));
        AgeCli.Key oldKey = age.keygen("old");
        AgeCli.Key newKey = age.keygen("new");
        Path repo = dir.resolve("repo");
        Path db = dir.resolve("app.db");
        try (Connection conn = TestDatabases.walWithUncheckpointedRows(db, 100); Statement st = conn.createStatement()) {
            st.execute("CREATE TABLE blobs(b BLOB)");
            st.execute("INSERT INTO blobs WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1500)"
                    + " SELECT randomblob(4096) FROM n");
        }
        ScratchSpace scratch = new ScratchSpace(dir.resolve("scratch"));
        Source source = Engines.standard(Duration.ofSeconds(5)).forSpec(db.toString()).source(db.toString());
        Repository repository = Repositories.folder(repo);
        StoredForm form = new StoredForm(Compression.ZSTD, 1, Encryptions.age(List.of(oldKey.publicKey())));
        for (int i = 0; i < 30; i++) {
            Instant at = Instant.parse("2026-10-01T00:00:00Z").plusSeconds(3600L * i);
            try (Snapshot snapshot = source.snapshot(scratch)) { // a snapshot is read once
                new BackupRunner(Clock.fixed(at, ZoneOffset.UTC), scratch, Progress.NONE, Retries.NONE).store(snapshot,
                        at, new Manifest.SourceInfo("sqlite", db.toString()), "app", Manifest.PURPOSE_BACKUP, form,
                        repository);
            }
        }

        Process child = ChildJvm.start(Map.of("LIFEBOAT_SCRATCH_DIR", dir.resolve("scratch").toString()),
                dir.resolve("rekey.log"), "rekey", "--repo", repo.toString(), "--to-recipient", newKey.publicKey(),
                "--identity-file", oldKey.file().toString());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (child.isAlive() && System.nanoTime() < deadline && rekeyed(repository, newKey) == 0) {
            Thread.sleep(5);
        }
        child.destroyForcibly();
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        int done = rekeyed(repository, newKey);
        assertTrue(done > 0 && done < 30, "killed midway: " + done + " of 30 re-encrypted; "
                + Files.readString(dir.resolve("rekey.log")));

        Cli cli = new Cli(dir.resolve("scratch"));
        for (Manifest m : repository.manifests()) {
            AgeCli.Key key = m.encryption().recipients().contains(newKey.publicKey()) ? newKey : oldKey;
            Cli.Result verify = cli.run("verify", m.id(), "--repo", repo.toString(), "--identity-file",
                    key.file().toString());
            assertEquals(0, verify.exit(), "backup " + m.id() + " with its own key: " + verify);
        }
        assertEquals(30, repository.manifests().size());

        Cli.Result again = cli.run("rekey", "--repo", repo.toString(), "--to-recipient", newKey.publicKey(),
                "--identity-file", oldKey.file().toString());
        assertEquals(0, again.exit(), again.toString());
        assertEquals(30, rekeyed(repository, newKey));
        Cli.Result oldFails = cli.run("verify", "latest", "--repo", repo.toString(), "--identity-file",
                oldKey.file().toString());
        assertEquals(dev.lifeboat.ExitCode.KEY.code(), oldFails.exit(), "the old key opens nothing any more: " + oldFails);
        assertEquals(0, cli.run("verify", "all", "--repo", repo.toString(), "--identity-file",
                newKey.file().toString()).exit());
    }

    private static int rekeyed(Repository repository, AgeCli.Key key) throws Exception {
        return (int) repository.manifests().stream()
                .filter(m -> m.encryption().recipients().contains(key.publicKey())).count();
    }
}
