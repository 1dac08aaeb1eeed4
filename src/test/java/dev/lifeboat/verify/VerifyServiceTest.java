package dev.lifeboat.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.Progress;
import dev.lifeboat.backup.EncryptionRequest;
import dev.lifeboat.catalog.Run;
import dev.lifeboat.catalog.RunStatus;
import dev.lifeboat.crypto.AgeCli;
import dev.lifeboat.crypto.BackupKey;
import dev.lifeboat.crypto.Decryptions;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.repository.Repositories;
import dev.lifeboat.repository.Repository;
import dev.lifeboat.testing.ServiceFixture;
import dev.lifeboat.testing.TestDatabases;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The verify service on its own, request in and report out: real SQLite sources in WAL mode with
 * uncheckpointed rows, real age-encrypted backups in a folder repository, a real catalog.
 */
class VerifyServiceTest {
    @TempDir
    Path dir;
    private ServiceFixture parts;
    private AgeCli.Key key;
    private Path db;
    private Path repo;

    @BeforeEach
    void setUp() {
        parts = new ServiceFixture(dir);
        key = new AgeCli(dir).keygen("key");
        db = dir.resolve("app.db");
        repo = dir.resolve("repo");
    }

    @AfterEach
    void tearDown() {
        parts.close();
    }

    @Test
    void aGoodBackupIsVerifiedRecordedAndIndexedAsVerified() throws Exception {
        Manifest backup = backUp(db, "app");
        VerifyReport report = verify(new VerifyRequest.Which.Latest(), Optional.of("app"), identity(key), "schedule");

        assertEquals(Optional.empty(), report.failure(), report.toString());
        assertEquals(1, report.records().size());
        assertEquals(backup.id(), report.records().get(0).backupId());
        assertTrue(report.records().get(0).checks().stream().anyMatch(c -> c.startsWith("row counts:")),
                report.records().get(0).checks().toString());
        assertEquals(1, ServiceFixture.records(repo, backup.id()).size(), "the verdict is stored next to the backup");
        assertEquals(List.of(backup.id() + " VERIFIED"), parts.statuses(repo));
        Run run = parts.runs("verify").get(0);
        assertEquals(RunStatus.COMPLETED, run.status());
        assertEquals("schedule", run.trigger(), "the request's trigger reaches the catalog");
        assertEquals(List.of(), parts.warnings);
    }

    @Test
    void aWrongKeyIsNoVerdictOnTheBackup() throws Exception {
        Manifest backup = backUp(db, "app");
        AgeCli.Key other = new AgeCli(dir).keygen("other");
        VerifyReport report = verify(new VerifyRequest.Which.One(backup.id()), Optional.empty(), identity(other),
                "manual");

        LifeboatException failure = report.failure().orElseThrow();
        assertEquals(ExitCode.KEY, failure.exitCode(), failure.getMessage());
        assertTrue(failure.getMessage().contains("the identity you gave is"), failure.getMessage());
        assertEquals(List.of(), ServiceFixture.records(repo, backup.id()), "nothing is recorded next to the backup");
        assertEquals(List.of(backup.id() + " COMPLETED"), parts.statuses(repo), "the backup is not marked FAILED");
        assertEquals(RunStatus.FAILED, parts.runs("verify").get(0).status(), "the run itself failed");
    }

    @Test
    void tamperedDataFailsIsRecordedAndMarksTheBackupFailed() throws Exception {
        Manifest backup = backUp(db, "app");
        ServiceFixture.tamper(repo, backup.id());
        VerifyReport report = verify(new VerifyRequest.Which.Latest(), Optional.empty(), identity(key), "manual");

        LifeboatException failure = report.failure().orElseThrow();
        assertEquals(ExitCode.INTEGRITY, failure.exitCode());
        assertTrue(failure.getMessage().startsWith("backup is corrupted or tampered"), failure.getMessage());
        assertTrue(report.items().get(0).contentFailed());
        assertEquals(1, ServiceFixture.records(repo, backup.id()).size(), "the failed verdict is stored");
        assertEquals(List.of(backup.id() + " FAILED"), parts.statuses(repo));
    }

    @Test
    void verifyAllGoesOnPastBadBackupsAndCountsDamagedOnesAsFailures() throws Exception {
        try (Connection app = TestDatabases.walWithUncheckpointedRows(db, 100)) {
            Manifest good = parts.backUp(db, repo, "app", age());
            Manifest tampered = parts.backUp(db, repo, "app", age());
            String damaged = parts.plantDamaged(repo, good.id());
            Manifest later = parts.backUp(db, repo, "app", age());
            ServiceFixture.tamper(repo, tampered.id());

            VerifyReport report = verify(new VerifyRequest.Which.All(), Optional.empty(), identity(key), "manual");

            assertEquals(List.of(good.id(), later.id()), report.records().stream().map(r -> r.backupId()).toList());
            assertEquals(List.of(damaged), report.damaged().stream().map(d -> d.id()).toList());
            assertEquals(2, report.failed(), "the tampered backup and the damaged one");
            assertEquals(Optional.empty(), report.stopped());
            LifeboatException failure = report.failure().orElseThrow();
            assertEquals(ExitCode.INTEGRITY, failure.exitCode());
            assertTrue(failure.getMessage().startsWith("2 backup(s) failed verification"), failure.getMessage());
            assertEquals(List.of(good.id() + " VERIFIED", tampered.id() + " FAILED", later.id() + " VERIFIED"),
                    parts.statuses(repo));
        }
    }

    @Test
    void verifyAllStopsAtAFailureThatIsNotAboutTheBackups() throws Exception {
        try (Connection app = TestDatabases.walWithUncheckpointedRows(db, 100)) {
            parts.backUp(db, repo, "app", age());
            parts.backUp(db, repo, "app", age());
        }
        VerifyReport report = verify(new VerifyRequest.Which.All(), Optional.empty(), BackupKey.NONE, "manual");

        assertEquals(1, report.items().size(), "the second backup is not tried with the same missing key");
        assertEquals(ExitCode.KEY, report.stopped().orElseThrow().exitCode());
        assertEquals(report.stopped(), report.failure());
        assertEquals(0, report.failed());
    }

    @Test
    void latestOfANameWithNoBackupYetIsAValue() throws Exception {
        backUp(db, "other");
        VerifyReport report = verify(new VerifyRequest.Which.Latest(), Optional.of("app"), identity(key), "schedule");

        assertTrue(report.nothingYet().isPresent(), report.toString());
        assertEquals(List.of(), report.items());
        assertEquals(List.of("other"), List.copyOf(report.nothingYet().get().names()));
        LifeboatException failure = report.failure().orElseThrow();
        assertEquals(ExitCode.NOT_FOUND, failure.exitCode());
        assertTrue(failure.getMessage().startsWith("no backup named 'app' in "), failure.getMessage());
        assertEquals(List.of(), parts.runs("verify"), "nothing was run, so nothing is recorded");
    }

    @Test
    void aJobsVerificationSkipsBeforeTheFirstBackupAndOnlyRequiredRepositoriesFailIt() throws Exception {
        Path none = dir.resolve("no-repository-yet");
        NewestEverywhere.Place missing = new NewestEverywhere.Place(none.toString(), false);
        NewestEverywhere skipped = verifyNewest(List.of(missing));
        assertEquals(RunStatus.SKIPPED, skipped.status());
        assertEquals(ExitCode.OK, skipped.exit());
        assertEquals("nothing to verify yet: no backup of app in " + ServiceFixture.location(none)
                + " (the job's first backup makes one)", skipped.message());
        assertEquals(List.of(), parts.runs("verify"), "nothing was run, so nothing is recorded");

        Manifest backup = backUp(db, "app");
        NewestEverywhere partly = verifyNewest(List.of(new NewestEverywhere.Place(repo.toString(), false), missing));
        assertEquals(RunStatus.COMPLETED, partly.status());
        assertEquals(List.of(backup.id()), partly.verified());
        assertTrue(partly.allWarnings().get(0).startsWith("nothing to verify yet"), partly.allWarnings().toString());

        ServiceFixture.tamper(repo, backup.id());
        NewestEverywhere optional = verifyNewest(List.of(new NewestEverywhere.Place(repo.toString(), true)));
        assertEquals(RunStatus.COMPLETED, optional.status(), "as before: an optional repository never fails a run");
        assertEquals(ExitCode.OK, optional.exit(), "an optional repository's failure is a warning");
        assertTrue(optional.warnings().get(0).contains("corrupted or tampered"), optional.warnings().toString());
        NewestEverywhere required = verifyNewest(List.of(new NewestEverywhere.Place(repo.toString(), false)));
        assertEquals(RunStatus.FAILED, required.status());
        assertEquals(ExitCode.INTEGRITY, required.exit());
        assertTrue(required.message().startsWith(repo + ": "), required.message());
    }

    private NewestEverywhere verifyNewest(List<NewestEverywhere.Place> places) {
        return new VerifyService(new Verifier(parts.engines, parts.scratch, Progress.NONE, parts.clock), parts.tracker)
                .verifyNewest(places, "app", identity(key), Map.of(), "schedule",
                        spec -> Repositories.open(spec, Map.of()));
    }

    @Test
    void aDamagedBackupAskedForByIdIsRefusedBeforeAnyRun() throws Exception {
        Manifest good = backUp(db, "app");
        String damaged = parts.plantDamaged(repo, good.id());
        LifeboatException refused = assertThrows(LifeboatException.class, () -> verify(
                new VerifyRequest.Which.One(damaged), Optional.empty(), identity(key), "manual"));
        assertEquals(ExitCode.INTEGRITY, refused.exitCode());
        assertTrue(refused.getMessage().contains("damaged"), refused.getMessage());
        assertEquals(List.of(), parts.runs("verify"), "a backup that is not there was never verified");
        assertEquals(List.of(good.id() + " COMPLETED"), parts.statuses(repo));
    }

    private Manifest backUp(Path source, String name) throws Exception {
        try (Connection app = TestDatabases.walWithUncheckpointedRows(source, 100)) {
            return parts.backUp(source, repo, name, age());
        }
    }

    private EncryptionRequest age() {
        return new EncryptionRequest.Age(List.of(key.publicKey()));
    }

    private static BackupKey identity(AgeCli.Key key) {
        return new BackupKey(Decryptions.ageIdentityFile(key.file()), null, null);
    }

    private VerifyReport verify(VerifyRequest.Which which, Optional<String> name, BackupKey backupKey,
                                String trigger) throws Exception {
        VerifyService service = new VerifyService(new Verifier(parts.engines, parts.scratch, Progress.NONE,
                parts.clock), parts.tracker);
        try (Repository repository = Repositories.folder(repo)) {
            return service.verify(new VerifyRequest(repository, which, name, backupKey, Map.of(), trigger));
        }
    }
}
