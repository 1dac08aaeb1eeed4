package dev.lifeboat.backup;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.Progress;
import dev.lifeboat.Version;
import dev.lifeboat.manifest.BackupIds;
import dev.lifeboat.manifest.Facts;
import dev.lifeboat.manifest.Json;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.manifest.Seal;
import dev.lifeboat.pipeline.Pipeline;
import dev.lifeboat.pipeline.StoredForm;
import dev.lifeboat.repository.ProcessOwner;
import dev.lifeboat.repository.Repository;
import dev.lifeboat.repository.RepositoryLock;
import dev.lifeboat.scratch.ScratchSpace;
import dev.lifeboat.source.Snapshot;
import dev.lifeboat.source.Source;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Takes a snapshot, seals it into a repository and writes its manifest last. One backup per
 * database name and repository runs at a time.
 */
public final class BackupRunner {
    private final Clock clock;
    private final ScratchSpace scratch;
    private final Progress progress;

    public BackupRunner(Clock clock, ScratchSpace scratch, Progress progress) {
        this.clock = clock;
        this.scratch = scratch;
        this.progress = progress;
    }

    /** Checks around a backup; {@link #NONE} runs every backup and raises no alarm. */
    public record Guards(Duration minInterval, Optional<ShrinkAlarm> shrinkAlarm) {
        public static final Guards NONE = new Guards(Duration.ZERO, Optional.empty());
    }

    /** A stored backup or the reason it was skipped, and warnings such as a stale lock taken over. */
    public record Outcome(Optional<Manifest> manifest, Optional<String> skipped, List<String> warnings) {
    }

    /** The lock scope shared by backups and restores of one database name. */
    public static String lockScope(String name) {
        return "database-" + name;
    }

    public Outcome run(Source source, String name, StoredForm form, Repository repository, Guards guards)
            throws IOException {
        source.preflight();
        repository.removeLeftovers();
        scratch.removeLeftovers();
        Instant started = clock.instant();
        Optional<Manifest> lastGood = lastGood(repository, name);
        if (!guards.minInterval().isZero() && lastGood.isPresent()
                && lastGood.get().startedAt().isAfter(started.minus(guards.minInterval()))) {
            return new Outcome(Optional.empty(), Optional.of("backup " + lastGood.get().id() + " from "
                    + lastGood.get().startedAt() + " is newer than the minimum interval; use --force to back up anyway"),
                    List.of());
        }
        try (RepositoryLock lock = repository.lock(lockScope(name), "backup");
             Snapshot snapshot = source.snapshot(scratch)) {
            Function<Manifest, List<String>> alarms = candidate -> lastGood.flatMap(previous -> guards.shrinkAlarm()
                    .map(alarm -> alarm.check(previous.facts(), previous.seal().plainSize(), candidate.facts(),
                            candidate.seal().plainSize()))).orElse(List.of());
            Manifest manifest = store(snapshot, started, new Manifest.SourceInfo(source.kind(), source.location()),
                    name, Manifest.PURPOSE_BACKUP, form, repository, alarms);
            return new Outcome(Optional.of(manifest), Optional.empty(), lock.tookOverFrom()
                    .map(holder -> List.of("took over the stale lock of " + holder)).orElse(List.of()));
        }
    }

    /** The newest backup of this name that raised no alarm, if the repository exists and has one. */
    private static Optional<Manifest> lastGood(Repository repository, String name) throws IOException {
        try {
            return repository.manifests().stream()
                    .filter(m -> m.name().equals(name) && !m.isPreRestore() && !m.isSuspicious())
                    .max(Comparator.comparing(Manifest::startedAt));
        } catch (LifeboatException e) {
            if (e.exitCode() == ExitCode.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Seals an open snapshot, e.g. a restore's safety copy; the caller keeps ownership of it. */
    public Manifest store(Snapshot snapshot, Instant started, Manifest.SourceInfo source, String name,
                          String purpose, StoredForm form, Repository repository) throws IOException {
        return store(snapshot, started, source, name, purpose, form, repository, candidate -> List.of());
    }

    private Manifest store(Snapshot snapshot, Instant started, Manifest.SourceInfo source, String name,
                           String purpose, StoredForm form, Repository repository,
                           Function<Manifest, List<String>> alarms) throws IOException {
        String id = BackupIds.newId(started);
        String object = form.objectName(snapshot.extension());
        try (Repository.Upload upload = repository.startUpload(id, object)) {
            Seal seal;
            try (InputStream in = snapshot.open()) {
                seal = Pipeline.seal(in, upload.data(), form, progress.start("backing up " + name, snapshot.size()));
            } finally {
                progress.finish();
            }
            Facts facts = snapshot.facts();
            Instant finished = clock.instant();
            Manifest manifest = new Manifest(Manifest.FORMAT, id, name, purpose, source, started, finished,
                    Duration.between(started, finished).toMillis(), object, seal,
                    new Manifest.CompressionInfo(form.compression().label(), form.level()),
                    new Manifest.EncryptionInfo(form.encryption().scheme(), form.encryption().recipients()),
                    facts, Version.current(), ProcessOwner.hostName(), List.of());
            manifest = manifest.withAlarms(alarms.apply(manifest));
            upload.commit(Json.write(manifest));
            return manifest;
        }
    }
}
