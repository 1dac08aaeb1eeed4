package dev.lifeboat.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.Progress;
import dev.lifeboat.backup.EncryptionRequest;
import dev.lifeboat.catalog.RunStatus;
import dev.lifeboat.crypto.AgeCli;
import dev.lifeboat.crypto.BackupKey;
import dev.lifeboat.crypto.Decryptions;
import dev.lifeboat.hooks.Hook;
import dev.lifeboat.hooks.HookPoint;
import dev.lifeboat.hooks.HookRunner;
import dev.lifeboat.hooks.Hooks;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.repository.Repositories;
import dev.lifeboat.repository.Repository;
import dev.lifeboat.source.Engines;
import dev.lifeboat.testing.ServiceFixture;
import dev.lifeboat.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The restore service on its own, request in and report out: a real age-encrypted backup of an
 * SQLite database in WAL mode, restored into real SQLite targets, with a real catalog and real
 * hook commands. Every refusal leaves the target and the repository as they were.
 */
class RestoreServiceTest {
    @TempDir
    Path dir;
    private ServiceFixture parts;
    private AgeCli.Key key;
    private Path repo;
    private Path target;
    private Manifest backup;

    @BeforeEach
    void oneBackup() throws Exception {
        parts = new ServiceFixture(dir);
        key = new AgeCli(dir).keygen("key");
        repo = dir.resolve("repo");
        target = dir.resolve("live.db");
        Path db = dir.resolve("app.db");
        try (Connection app = TestDatabases.walWithUncheckpointedRows(db, 300)) {
            backup = parts.backUp(db, repo, "app", new EncryptionRequest.Age(List.of(key.publicKey())));
        }
    }

    @AfterEach
    void tearDown() {
        parts.close();
    }

    @Test
    void aNewTargetIsRestoredAskingTheTargetOnceEach() throws Exception {
        CountingEngine counting = new CountingEngine(parts.engines.forSpec(target.toString()));
        RestoreReport report = restore(new Engines(List.of(counting)), "latest", target.toString(),
                identity(key), true, Confirmation.YES, Hooks.NONE);

        assertEquals(Optional.empty(), report.failure(), report.toString());
        RestoreRunner.Result result = report.result().orElseThrow();
        assertEquals(backup.id(), result.restored().id());
        assertFalse(result.replaced());
        assertEquals(Optional.empty(), result.safetyBackup(), "there was nothing to keep");
        assertEquals(300L, TestDatabases.counts(target).get("customers"));
        assertEquals(Map.of("exists", 1, "checkReplaceable", 1, "checkRestorable", 1), counting.asked());
        assertEquals(RunStatus.COMPLETED, parts.runs("restore").get(0).status());
        assertEquals(List.of(), parts.warnings);
    }

    @Test
    void anExistingTargetIsKeptAsASafetyBackupTheSameKeyOpens() throws Exception {
        liveTarget(7);
        CountingEngine counting = new CountingEngine(parts.engines.forSpec(target.toString()));
        RestoreReport report = restore(new Engines(List.of(counting)), backup.id(), target.toString(),
                identity(key), true, Confirmation.YES, Hooks.NONE);

        RestoreRunner.Result result = report.result().orElseThrow();
        assertTrue(result.replaced());
        assertEquals(300L, TestDatabases.counts(target).get("customers"));
        assertEquals(Map.of("exists", 1, "checkReplaceable", 1, "checkRestorable", 1), counting.asked(),
                "asked once each, though the target was also replaced");
        Manifest safety = result.safetyBackup().orElseThrow();
        assertEquals(Manifest.PURPOSE_PRE_RESTORE, safety.purpose());
        assertEquals(List.of(key.publicKey()), safety.encryption().recipients(), "sealed for the same key");
        assertTrue(parts.statuses(repo).contains(safety.id() + " COMPLETED"), parts.statuses(repo).toString());

        Path back = dir.resolve("back.db");
        RestoreReport again = restore(parts.engines, safety.id(), back.toString(), identity(key), true,
                Confirmation.YES, Hooks.NONE);
        assertEquals(Optional.empty(), again.failure(), again.toString());
        assertEquals(7L, TestDatabases.counts(back).get("customers"), "the safety backup holds the old content");
    }

    @Test
    void aWrongKeyChangesNothing() throws Exception {
        liveTarget(7);
        String before = TestDatabases.contentDigest(target);
        RestoreReport report = restore(parts.engines, "latest", target.toString(),
                identity(new AgeCli(dir).keygen("other")), true, Confirmation.YES, Hooks.NONE);

        LifeboatException failure = report.failure().orElseThrow();
        assertEquals(ExitCode.KEY, failure.exitCode());
        assertTrue(failure.getMessage().contains("the identity you gave is"), failure.getMessage());
        assertUntouched(before);
        assertEquals(RunStatus.FAILED, parts.runs("restore").get(0).status());
    }

    @Test
    void tamperedDataIsRefusedBeforeTheTargetOrTheBeforeHookSeeIt() throws Exception {
        liveTarget(7);
        String before = TestDatabases.contentDigest(target);
        ServiceFixture.tamper(repo, backup.id());
        Hooks hooks = hooks("touch " + dir.resolve("before-ran"), "env > " + dir.resolve("after.env"));
        RestoreReport report = restore(parts.engines, "latest", target.toString(), identity(key), true,
                Confirmation.YES, hooks);

        assertEquals(ExitCode.INTEGRITY, report.failure().orElseThrow().exitCode());
        assertUntouched(before);
        assertFalse(Files.exists(dir.resolve("before-ran")), "the application is never stopped for a bad backup");
        assertTrue(Files.readString(dir.resolve("after.env")).contains("LIFEBOAT_STATUS=FAILED"));
    }

    @Test
    void aDamagedBackupIsRefusedAndNothingIsCreated() throws Exception {
        String damaged = parts.plantDamaged(repo, backup.id());
        LifeboatException refused = assertThrows(LifeboatException.class, () -> restore(parts.engines,
                damaged, target.toString(), identity(key), true, Confirmation.YES, Hooks.NONE));
        assertEquals(ExitCode.INTEGRITY, refused.exitCode());
        assertTrue(refused.getMessage().contains("damaged"), refused.getMessage());
        assertFalse(Files.exists(target));
        assertEquals(List.of(), parts.runs("restore"));
    }

    @Test
    void aBackupOfAnotherKindIsRefusedNamingBoth() throws Exception {
        Path keyFile = Files.writeString(dir.resolve("db.key"), "a database key");
        String cipherTarget = "sqlcipher:" + target + "?key-file=" + keyFile;
        LifeboatException refused = assertThrows(LifeboatException.class, () -> restore(parts.engines,
                "latest", cipherTarget, identity(key), true, Confirmation.YES, Hooks.NONE));
        assertEquals(ExitCode.USAGE, refused.exitCode());
        assertTrue(refused.getMessage().startsWith("backup " + backup.id() + " is of a sqlite database, and "
                + cipherTarget + " names a sqlcipher target"), refused.getMessage());
        assertFalse(Files.exists(target));
    }

    @Test
    void anExistingTargetWithoutAWayToConfirmIsLeftAlone() throws Exception {
        liveTarget(7);
        String before = TestDatabases.contentDigest(target);
        Confirmation noTerminal = new Confirmation() {
            @Override
            public boolean canConfirm() {
                return false;
            }

            @Override
            public boolean confirm(String question) {
                throw new AssertionError("asked without a terminal: " + question);
            }
        };
        RestoreReport report = restore(parts.engines, "latest", target.toString(), identity(key), true,
                noTerminal, Hooks.NONE);

        LifeboatException failure = report.failure().orElseThrow();
        assertEquals(ExitCode.NOT_CONFIRMED, failure.exitCode());
        assertTrue(failure.getMessage().endsWith("pass --yes (a safety backup is taken first)"), failure.getMessage());
        assertUntouched(before);
    }

    @Test
    void withoutASafetyBackupItWarnsAndKeepsNone() throws Exception {
        liveTarget(7);
        RestoreReport report = restore(parts.engines, "latest", target.toString(), identity(key), false,
                Confirmation.YES, Hooks.NONE);

        assertEquals(List.of("--no-safety-backup: the current content of " + target + " will not be kept in the"
                + " repository", "backup " + backup.id() + " is of sqlite:" + dir.resolve("app.db").toRealPath()
                + ", and it replaces sqlite:" + target.toRealPath() + ", another database"), report.warnings());
        assertEquals(Optional.empty(), report.result().orElseThrow().safetyBackup());
        assertEquals(300L, TestDatabases.counts(target).get("customers"));
        assertEquals(1, backupCount());
    }

    @Test
    void aFailingBeforeRestoreHookTouchesNothingAndTheAfterHookSaysSo() throws Exception {
        liveTarget(7);
        String before = TestDatabases.contentDigest(target);
        RestoreReport report = restore(parts.engines, "latest", target.toString(), identity(key), true,
                Confirmation.YES, hooks("echo cannot stop the app; exit 3", "env > " + dir.resolve("after.env")));

        LifeboatException failure = report.failure().orElseThrow();
        assertEquals(ExitCode.FAILURE, failure.exitCode());
        assertTrue(failure.getMessage().startsWith("before-restore hook failed (exit 3: cannot stop the app), so"
                + " nothing was done"), failure.getMessage());
        assertUntouched(before);
        String after = Files.readString(dir.resolve("after.env"));
        assertTrue(after.contains("LIFEBOAT_STATUS=FAILED") && after.contains("LIFEBOAT_TASK=restore")
                && after.contains("LIFEBOAT_TRIGGER=manual") && after.contains("LIFEBOAT_RESTORE_BACKUP_ID="
                + backup.id()), after);
    }

    @Test
    void aFailingAfterRestoreHookFailsTheRunButTheRestoreAndItsSafetyBackupStand() throws Exception {
        liveTarget(7);
        RestoreReport report = restore(parts.engines, "latest", target.toString(), identity(key), true,
                Confirmation.YES, hooks("true", "exit 4"));

        LifeboatException failure = report.failure().orElseThrow();
        assertEquals(ExitCode.FAILURE, failure.exitCode());
        assertTrue(failure.getMessage().startsWith("the restore succeeded, but after-restore hook failed (exit 4"),
                failure.getMessage());
        assertEquals(300L, TestDatabases.counts(target).get("customers"));
        assertEquals(2, backupCount(), "the safety backup was taken");
        assertEquals(2, parts.statuses(repo).size(), "and indexed, though the hook failed: " + parts.statuses(repo));
        assertEquals(RunStatus.FAILED, parts.runs("restore").get(0).status());
    }

    private void liveTarget(int rows) throws Exception {
        TestDatabases.walWithUncheckpointedRows(target, rows).close();
    }

    /** The target holds what it held, and no safety backup was added to the repository. */
    private void assertUntouched(String digestBefore) throws Exception {
        assertEquals(digestBefore, TestDatabases.contentDigest(target));
        assertEquals(1, backupCount(), "no safety backup was taken");
    }

    private long backupCount() throws Exception {
        try (Stream<Path> backups = Files.list(repo.resolve("backups"))) {
            return backups.count();
        }
    }

    private static BackupKey identity(AgeCli.Key key) {
        return new BackupKey(Decryptions.ageIdentityFile(key.file()), null, null);
    }

    private static Hooks hooks(String before, String after) {
        return new Hooks(Map.of(HookPoint.BEFORE_RESTORE, new Hook(before, Hook.DEFAULT_TIMEOUT),
                HookPoint.AFTER_RESTORE, new Hook(after, Hook.DEFAULT_TIMEOUT)), List.of());
    }

    /** Restores as a front end asks for it, the repository opened as a front end opens it. */
    private RestoreReport restore(Engines engines, String which, String to, BackupKey backupKey, boolean safety,
                                  Confirmation confirmation, Hooks hooks) throws Exception {
        RestoreService service = new RestoreService(engines, parts.backups, parts.tracker,
                new HookRunner(line -> { }, Map.of("PATH", System.getenv("PATH"))), Progress.NONE, parts.clock);
        try (Repository repository = Repositories.folder(repo)) {
            return service.restore(new RestoreRequest(repository, which, Optional.of("app"), to, backupKey, safety,
                    confirmation, hooks, "manual"));
        }
    }
}
