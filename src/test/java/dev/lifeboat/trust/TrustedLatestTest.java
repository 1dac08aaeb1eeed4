package dev.lifeboat.trust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.Progress;
import dev.lifeboat.backup.BackupSelector;
import dev.lifeboat.crypto.BackupKey;
import dev.lifeboat.hooks.HookRunner;
import dev.lifeboat.hooks.Hooks;
import dev.lifeboat.manifest.BackupIds;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.repository.Repositories;
import dev.lifeboat.repository.Repository;
import dev.lifeboat.restore.Confirmation;
import dev.lifeboat.restore.RestoreReport;
import dev.lifeboat.restore.RestoreRequest;
import dev.lifeboat.restore.RestoreService;
import dev.lifeboat.testing.ServiceFixture;
import dev.lifeboat.testing.Cli;
import dev.lifeboat.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
        JsonNode latestJson = json(cli.run("restore", "latest", "--repo", repo.toString(), "--to",
                dir.resolve("restored-too.db").toString(), "--name", "shop", "--json"));
        assertEquals(good, latestJson.path("restored").path("id").asText(), latestJson.toString());
        assertTrue(latestJson.path("trust").path("standing").path("trusted").asBoolean(), latestJson.toString());
        assertEquals(suspicious, latestJson.path("trust").path("skipped_by_latest").path(0).path("id").asText());
        assertTrue(latestJson.path("trust").path("skipped_by_latest").path(0).path("reason").asText()
                .startsWith("SUSPICIOUS"), latestJson.toString());

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

        JsonNode allowedJson = json(cli.run("restore", suspicious, "--repo", repo.toString(), "--to",
                dir.resolve("suspicious-too.db").toString(), "--allow-suspicious", "--json"));
        JsonNode standing = allowedJson.path("trust").path("standing");
        assertFalse(standing.path("trusted").asBoolean(), allowedJson.toString());
        assertTrue(standing.path("distrust").asText().startsWith("SUSPICIOUS (table orders is empty"),
                allowedJson.toString());
        assertEquals("never-verified", standing.path("state").asText());
        assertEquals(0, allowedJson.path("trust").path("skipped_by_latest").size(), "chosen by id, not by latest");
    }

    /** The question before replacing a target says that the backup is SUSPICIOUS. */
    @Test
    void theConfirmationPromptSaysTheBackupIsSuspicious() throws Exception {
        Path target = dir.resolve("live.db");
        TestDatabases.walWithUncheckpointedRows(target, 5).close();
        List<String> asked = new java.util.ArrayList<>();
        Confirmation recording = new Confirmation() {
            @Override
            public boolean canConfirm() {
                return true;
            }

            @Override
            public boolean confirm(String question) {
                asked.add(question);
                return false;
            }
        };
        try (ServiceFixture parts = new ServiceFixture(dir.resolve("service"));
             Repository repository = Repositories.open(repo.toString(), Map.of())) {
            RestoreService service = new RestoreService(parts.engines, parts.backups, parts.tracker,
                    new HookRunner(line -> { }, Map.of()), Progress.NONE, parts.clock);
            RestoreReport report = service.restore(new RestoreRequest(repository, suspicious, Optional.empty(),
                    target.toString(), BackupKey.NONE, true, recording, Hooks.NONE, "manual", true));
            assertEquals(ExitCode.NOT_CONFIRMED, report.failure().orElseThrow().exitCode());
        }
        assertEquals(1, asked.size(), asked.toString());
        assertTrue(asked.get(0).startsWith("WARNING: --allow-suspicious: restoring backup " + suspicious
                + ", which is SUSPICIOUS (table orders is empty"), asked.get(0));
        assertTrue(asked.get(0).contains("; backup " + suspicious + " is of sqlite:" + db.toRealPath()
                + ", and it replaces sqlite:" + target.toRealPath() + ", another database. Replace " + target),
                asked.get(0));
        assertEquals(5L, TestDatabases.counts(target).get("customers"), "a no leaves the target as it was");

        // By latest, the question names what latest passed by.
        asked.clear();
        try (ServiceFixture parts = new ServiceFixture(dir.resolve("service-latest"));
             Repository repository = Repositories.open(repo.toString(), Map.of())) {
            RestoreService service = new RestoreService(parts.engines, parts.backups, parts.tracker,
                    new HookRunner(line -> { }, Map.of()), Progress.NONE, parts.clock);
            service.restore(new RestoreRequest(repository, "latest", Optional.of("shop"), target.toString(),
                    BackupKey.NONE, true, recording, Hooks.NONE, "manual", false));
        }
        assertTrue(asked.get(0).startsWith("WARNING: latest: passed by " + suspicious + ": SUSPICIOUS (")
                && asked.get(0).contains("chose " + good + ", the newest trustworthy backup"), asked.get(0));
    }

    @Test
    void aDamagedBackupNewerThanTheChoiceIsNamedAsPassedByEverywhereLatestIsUsed() throws Exception {
        String damaged = BackupIds.newId(java.time.Instant.now().plusSeconds(3600));
        Path folder = Files.createDirectories(repo.resolve("backups").resolve(damaged));
        Files.writeString(folder.resolve("manifest.json"), "{\"id\": \"" + damaged);

        String note = latest().note().orElseThrow();
        assertTrue(note.contains("passed by " + damaged + ": DAMAGED (") && note.contains(suspicious + ": SUSPICIOUS")
                && note.indexOf(damaged) < note.indexOf(suspicious) && note.endsWith("chose " + good
                + ", the newest trustworthy backup"), note);

        Cli.Result cat = cli.run("cat", "latest", "--repo", repo.toString());
        assertEquals(0, cat.exit(), cat.err());
        assertTrue(cat.err().contains(damaged + ": DAMAGED") && cat.err().contains("chose " + good), cat.err());
        Path copied = dir.resolve("copy");
        Cli.Result copy = cli.run("copy", "latest", "--from", repo.toString(), "--to", copied.toString());
        assertEquals(0, copy.exit(), copy.toString());
        assertTrue(copy.out().contains("copied " + good) && copy.err().contains("chose " + good), copy.toString());
    }

    @Test
    void listJsonGivesEachBackupsStanding() throws Exception {
        assertEquals(0, cli.run("verify", good, "--repo", repo.toString()).exit());
        JsonNode list = json(cli.run("list", "--repo", repo.toString(), "--json"));
        JsonNode first = list.path("backups").path(0).path("standing");
        assertEquals(good, list.path("backups").path(0).path("id").asText());
        assertEquals("verified", first.path("state").asText(), list.toString());
        assertTrue(first.path("verified_at").asText().startsWith("20"), list.toString());
        assertTrue(first.path("trusted").asBoolean());
        JsonNode second = list.path("backups").path(1).path("standing");
        assertEquals("never-verified", second.path("state").asText(), list.toString());
        assertFalse(second.path("trusted").asBoolean());
        assertTrue(second.path("distrust").asText().startsWith("SUSPICIOUS"), list.toString());
    }

    private static JsonNode json(Cli.Result result) throws Exception {
        assertEquals(0, result.exit(), result.toString());
        return new ObjectMapper().readTree(result.out());
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
