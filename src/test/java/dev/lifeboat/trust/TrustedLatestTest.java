package dev.lifeboat.trust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.backup.BackupSelector;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.repository.Repositories;
import dev.lifeboat.repository.Repository;
import dev.lifeboat.testing.Cli;
import dev.lifeboat.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code latest} is the newest backup that can be vouched for: a SUSPICIOUS backup (a table
 * emptied) and one whose verification failed are passed by, and the user is told which.
 */
class TrustedLatestTest {
    @TempDir
    Path dir;
    Path db;
    Path repo;
    Cli cli;
    String good;
    String suspicious;

    @BeforeEach
    void goodThenSuspicious() throws Exception {
        db = dir.resolve("shop.db");
        repo = dir.resolve("repo");
        cli = new Cli(dir.resolve("scratch"));
        TestDatabases.walWithUncheckpointedRows(db, 300).close();
        assertEquals(0, cli.run("backup", "--no-encrypt", db.toString(), "--repo", repo.toString()).exit());
        Thread.sleep(1100); // ids have one-second resolution
        try (Connection conn = TestDatabases.open(db); Statement st = conn.createStatement()) {
            st.execute("DELETE FROM orders");
        }
        assertEquals(ExitCode.SUSPICIOUS.code(), cli.run("backup", "--no-encrypt", db.toString(), "--repo",
                repo.toString()).exit());
        List<Manifest> both = manifests();
        good = both.get(0).id();
        suspicious = both.get(1).id();
    }

    private List<Manifest> manifests() throws Exception {
        try (Repository repository = Repositories.open(repo.toString(), Map.of())) {
            return repository.manifests();
        }
    }

    private BackupSelector.Selection latest() throws Exception {
        try (Repository repository = Repositories.open(repo.toString(), Map.of())) {
            return BackupSelector.choose(repository, "latest", null, null);
        }
    }

    @Test
    void latestPassesBySuspiciousAndFailedBackupsAndSaysWhich() throws Exception {
        BackupSelector.Selection chosen = latest();
        assertEquals(good, chosen.manifest().id());
        assertTrue(chosen.note().orElseThrow().contains(suspicious + ": SUSPICIOUS (table orders is empty"),
                chosen.note().orElseThrow());

        // A third backup, good by its counts, whose stored object is then damaged: its verification fails.
        try (Connection conn = TestDatabases.open(db); Statement st = conn.createStatement()) {
            st.execute("INSERT INTO orders(customer_id, total) SELECT id, id FROM customers");
        }
        Thread.sleep(1100);
        assertEquals(0, cli.run("backup", "--no-encrypt", "--force", db.toString(), "--repo", repo.toString()).exit());
        Manifest third = manifests().get(2);
        Path object = repo.resolve("backups").resolve(third.id()).resolve(third.object());
        byte[] bytes = Files.readAllBytes(object);
        bytes[bytes.length / 2] ^= 0x55;
        Files.write(object, bytes);
        assertEquals(latest().manifest().id(), third.id(), "not verified yet, so not distrusted yet");
        assertEquals(ExitCode.INTEGRITY.code(), cli.run("verify", third.id(), "--repo", repo.toString()).exit());

        BackupSelector.Selection after = latest();
        assertEquals(good, after.manifest().id());
        assertTrue(after.note().orElseThrow().contains(third.id() + ": its last verification failed"),
                after.note().orElseThrow());

        Cli.Result list = cli.run("list", "--repo", repo.toString());
        assertEquals(0, list.exit(), list.toString());
        assertTrue(list.out().lines().anyMatch(l -> l.startsWith(third.id()) && l.contains("FAILED verification")),
                list.out());
        assertTrue(list.out().lines().anyMatch(l -> l.startsWith(good) && l.contains("never verified")), list.out());
        assertEquals(0, cli.run("verify", good, "--repo", repo.toString()).exit());
        assertTrue(cli.run("list", "--repo", repo.toString()).out().lines()
                .anyMatch(l -> l.startsWith(good) && l.contains("verified 20")));
    }

    @Test
    void restoreLatestRestoresTheGoodOneAndASuspiciousOneNeedsItsIdAndAllowSuspicious() throws Exception {
        Path target = dir.resolve("restored.db");
        Cli.Result latest = cli.run("restore", "latest", "--repo", repo.toString(), "--to", target.toString(),
                "--name", "shop");
        assertEquals(0, latest.exit(), latest.toString());
        assertTrue(latest.out().contains("restored " + good), latest.out());
        assertTrue(latest.err().contains("passed by " + suspicious + ": SUSPICIOUS"), latest.err());
        assertEquals(100L, TestDatabases.counts(target).get("orders"), "the good backup's orders are back");

        byte[] before = Files.readAllBytes(target);
        Cli.Result refused = cli.run("restore", suspicious, "--repo", repo.toString(), "--to", target.toString(),
                "--yes");
        Cli.assertOneLineFailure(refused, ExitCode.NOT_CONFIRMED, "backup " + suspicious + " is SUSPICIOUS",
                "nothing was changed", "--allow-suspicious");
        org.junit.jupiter.api.Assertions.assertArrayEquals(before, Files.readAllBytes(target));

        Cli.Result allowed = cli.run("restore", suspicious, "--repo", repo.toString(), "--to", target.toString(),
                "--yes", "--allow-suspicious");
        assertEquals(0, allowed.exit(), allowed.toString());
        assertTrue(allowed.err().contains("--allow-suspicious: restoring backup " + suspicious), allowed.err());
        assertEquals(0L, TestDatabases.counts(target).get("orders"));
    }

    @Test
    void withNoTrustworthyBackupLatestNamesEachAndTheWayOut() throws Exception {
        try (Repository repository = Repositories.open(repo.toString(), Map.of())) {
            repository.delete(repository.manifest(good).orElseThrow());
        }
        LifeboatException e = assertThrows(LifeboatException.class, this::latest);
        assertEquals(ExitCode.INTEGRITY, e.exitCode());
        assertTrue(e.getMessage().contains("no trustworthy backup of 'shop'") && e.getMessage().contains(suspicious)
                && e.getMessage().contains("--allow-suspicious"), e.getMessage());
    }
}
