package dev.lifeboat.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.catalog.Run;
import dev.lifeboat.catalog.RunStatus;
import dev.lifeboat.crypto.AgeCli;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.pipeline.Compression;
import dev.lifeboat.repository.Repositories;
import dev.lifeboat.repository.Repository;
import dev.lifeboat.retention.RetentionPolicy;
import dev.lifeboat.scratch.ScratchSpace;
import dev.lifeboat.source.Snapshot;
import dev.lifeboat.source.Source;
import dev.lifeboat.testing.ServiceFixture;
import dev.lifeboat.testing.TestDatabases;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backup service on its own, request in and report out, as both front ends use it: real
 * SQLite sources in WAL mode, folder repositories, a real catalog; the preflight is counted.
 */
class BackupServiceTest {
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
    void oneBackupRunsItsPreflightOnceIsRecordedPinsAndSkipsAMissingOptionalRepository() throws Exception {
        Path notAFolder = Files.writeString(dir.resolve("not-a-folder"), "a file where a repository should be");
        Counting source = counting(db);
        BackupReport report;
        try (Connection app = TestDatabases.walWithUncheckpointedRows(db, 120)) {
            report = service().backUp(request(List.of(source), new EncryptionRequest.Age(List.of(key.publicKey())),
                    target(repo, true, Optional.empty()), target(notAFolder, false, Optional.empty())));
        }
        BackupReport.Item item = report.items().get(0);
        assertEquals(BackupReport.Status.STORED, item.status(), item.toString());
        assertEquals(Optional.empty(), report.firstFailure());
        assertEquals(1, source.preflights.get(), "one preflight per backup");
        assertEquals(1, source.snapshots.get());
        Manifest manifest = item.manifest().orElseThrow();
        assertEquals(120L, manifest.facts().tableRows().get("customers"));
        assertTrue(item.warnings().stream().anyMatch(w -> w.contains("'lifeboat copy " + manifest.id())),
                item.warnings().toString());
        assertTrue(item.notes().stream().anyMatch(n -> n.contains("now keeps its backups encrypted")), item.notes()
                .toString());
        try (Repository repository = Repositories.folder(repo)) {
            assertEquals(List.of(key.publicKey()), repository.pinnedEncryption().orElseThrow().recipients());
        }
        assertEquals(List.of(manifest.id() + " COMPLETED"), parts.statuses(repo));
        List<Run> runs = parts.runs("backup");
        assertEquals(1, runs.size(), runs.toString());
        assertEquals(RunStatus.COMPLETED, runs.get(0).status());
        assertEquals("app", runs.get(0).name());
        assertEquals(List.of(), parts.warnings);
    }

    @Test
    void aPinnedRepositoryRefusesAnUnencryptedBackupAndTheRefusalIsRecorded() throws Exception {
        Manifest encrypted;
        try (Connection app = TestDatabases.walWithUncheckpointedRows(db, 30)) {
            encrypted = parts.backUp(db, repo, "app", new EncryptionRequest.Age(List.of(key.publicKey())));
        }
        Counting source = counting(db);
        BackupReport report = service().backUp(request(List.of(source), new EncryptionRequest.None(),
                target(repo, true, Optional.empty())));

        BackupReport.Item item = report.items().get(0);
        assertEquals(BackupReport.Status.FAILED, item.status());
        assertEquals(ExitCode.USAGE, item.failure().orElseThrow().exitCode());
        assertEquals("repository " + ServiceFixture.location(repo) + " keeps its backups encrypted (age); use another"
                + " repository for unencrypted backups", item.failure().get().getMessage());
        assertEquals(0, source.snapshots.get(), "refused before any data moved");
        assertEquals(List.of(encrypted.id() + " COMPLETED"), parts.statuses(repo), "nothing else was stored");
        assertEquals(RunStatus.FAILED, parts.runs("backup").get(1).status());
    }

    @Test
    void aFailingSourceStopsNoOtherAndRetentionRunsAfterEachStoredBackup() throws Exception {
        Path other = dir.resolve("other.db");
        Path missing = dir.resolve("missing.db");
        RetentionPolicy keepOne = new RetentionPolicy(1, 0, 0, 0, 0, 0, null);
        try (Connection app = TestDatabases.walWithUncheckpointedRows(other, 10)) {
            parts.backUp(other, repo, "other", new EncryptionRequest.None());
            parts.clock.advance(Duration.ofMinutes(1));
            List<Source> sources = List.of(parts.engines.forSpec(missing.toString()).source(missing.toString()),
                    parts.engines.forSpec(other.toString()).source(other.toString()));
            BackupReport report = service().backUp(new BackupRequest(sources, Optional.empty(), Compression.ZSTD, 3,
                    new EncryptionRequest.None(), List.of(target(repo, true, Optional.of(keepOne))),
                    BackupRunner.Guards.NONE, false, "schedule"));

            assertEquals(List.of(BackupReport.Status.FAILED, BackupReport.Status.STORED),
                    report.items().stream().map(BackupReport.Item::status).toList());
            assertEquals(ExitCode.SOURCE, report.firstFailure().orElseThrow().exitCode());
            assertTrue(report.firstFailure().get().getMessage().contains(missing.toString()),
                    report.firstFailure().get().getMessage());
            String kept = report.items().get(1).manifest().orElseThrow().id();
            try (Repository repository = Repositories.folder(repo)) {
                assertEquals(List.of(kept), repository.manifests().stream().map(Manifest::id).toList(),
                        "the job's retention (keep-last 1) ran after the stored backup");
            }
        }
        assertEquals(1, parts.runs("prune").size(), parts.runs("prune").toString());
        assertEquals("schedule", parts.runs("backup").get(parts.runs("backup").size() - 1).trigger());
    }

    @Test
    void aJobsBackupHooksRunAroundTheRequestAndAFailingBeforeHookStopsItRecorded() throws Exception {
        Path seen = dir.resolve("after-env");
        dev.lifeboat.hooks.Hooks hooks = new dev.lifeboat.hooks.Hooks(Map.of(
                dev.lifeboat.hooks.HookPoint.BEFORE_BACKUP, new dev.lifeboat.hooks.Hook("exit 3",
                        dev.lifeboat.hooks.Hook.DEFAULT_TIMEOUT),
                dev.lifeboat.hooks.HookPoint.AFTER_BACKUP, new dev.lifeboat.hooks.Hook("echo \"$LIFEBOAT_STATUS"
                        + " $LIFEBOAT_SOURCE\" > " + seen + "; exit 4", dev.lifeboat.hooks.Hook.DEFAULT_TIMEOUT)),
                List.of());
        Counting source = counting(db);
        BackupReport report;
        try (Connection app = TestDatabases.walWithUncheckpointedRows(db, 10)) {
            report = service().backUp(withHooks(request(List.of(source), new EncryptionRequest.None(),
                    target(repo, true, Optional.empty())), hooks, "the-source"));
        }
        assertEquals(RunStatus.FAILED, report.status());
        assertEquals(List.of(), report.items());
        assertEquals(0, source.preflights.get(), "nothing was touched");
        LifeboatException failure = report.failure().orElseThrow();
        assertEquals(ExitCode.FAILURE, failure.exitCode());
        assertTrue(failure.getMessage().startsWith("before-backup hook failed (exit 3"), failure.getMessage());
        assertTrue(failure.getMessage().endsWith("; after-backup hook failed (exit 4: no output)"), failure.getMessage());
        assertEquals("FAILED the-source", Files.readString(seen).strip(), "the after hook ran with the status");
        assertEquals(RunStatus.FAILED, parts.runs("backup").get(0).status(), "the refused run is recorded");
        assertTrue(!Files.exists(repo.resolve("backups")), "nothing was stored");
    }

    private static BackupRequest withHooks(BackupRequest request, dev.lifeboat.hooks.Hooks hooks, String source) {
        dev.lifeboat.hooks.HookCalls calls = new dev.lifeboat.hooks.HookCalls(new dev.lifeboat.hooks.HookRunner(
                line -> { }, Map.of("PATH", System.getenv("PATH"))), hooks, "app", "backup", request.trigger());
        return new BackupRequest(request.sources(), request.name(), request.compression(), request.level(),
                request.encryption(), request.targets(), request.guards(), request.failOnShrink(), request.trigger(),
                Optional.of(new BackupRequest.Hooks(calls, source)));
    }

    private BackupService service() {
        return new BackupService(parts.backups, parts.tracker, spec -> Repositories.open(spec, Map.of()),
                parts.clock);
    }

    private static BackupRequest request(List<Source> sources, EncryptionRequest encryption,
                                         BackupRequest.Target... targets) {
        return new BackupRequest(sources, Optional.of("app"), Compression.ZSTD, 3, encryption, List.of(targets),
                BackupRunner.Guards.NONE, false, "manual");
    }

    private static BackupRequest.Target target(Path repo, boolean required, Optional<RetentionPolicy> retention) {
        return new BackupRequest.Target(repo.toString(), required, retention, ZoneOffset.UTC);
    }

    private Counting counting(Path file) {
        return new Counting(parts.engines.forSpec(file.toString()).source(file.toString()));
    }

    /** A real source that counts its preflights and snapshots. */
    private static final class Counting implements Source {
        final AtomicInteger preflights = new AtomicInteger();
        final AtomicInteger snapshots = new AtomicInteger();
        private final Source source;

        Counting(Source source) {
            this.source = source;
        }

        @Override
        public String kind() {
            return source.kind();
        }

        @Override
        public String location() {
            return source.location();
        }

        @Override
        public String defaultName() {
            return source.defaultName();
        }

        @Override
        public String identity() {
            return source.identity();
        }

        @Override
        public boolean snapshotIsEncrypted() {
            return source.snapshotIsEncrypted();
        }

        @Override
        public Optional<Duration> lockWait() {
            return source.lockWait();
        }

        @Override
        public void preflight() throws IOException {
            preflights.incrementAndGet();
            source.preflight();
        }

        @Override
        public Snapshot snapshot(ScratchSpace scratch) throws IOException {
            snapshots.incrementAndGet();
            return source.snapshot(scratch);
        }
    }
}
