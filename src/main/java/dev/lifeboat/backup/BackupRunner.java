package dev.lifeboat.backup;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.Progress;
import dev.lifeboat.Version;
import dev.lifeboat.manifest.BackupIds;
import dev.lifeboat.manifest.Facts;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.manifest.Seal;
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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Takes a snapshot, seals it once into every destination and writes each manifest last. One
 * backup per database name and repository runs at a time. A destination that failed in a way
 * that may pass gets the stored bytes again from one that has them; when none has them the whole
 * run is tried again with a fresh snapshot.
 */
public final class BackupRunner {
    private final Clock clock;
    private final dev.lifeboat.repository.LockWait lockWait;
    private final ScratchSpace scratch;
    private final Progress progress;
    private final Retries retries;
    private final ArchiveHelper archiveHelper;

    public BackupRunner(Clock clock, ScratchSpace scratch, Progress progress, Retries retries) {
        this(clock, scratch, progress, retries, dev.lifeboat.repository.LockWait.NONE, ArchiveHelper.NONE);
    }

    /**
     * @param lockWait how long a backup waits for another backup or restore of the same database
     * @param archiveHelper started while a snapshot that waits for the server's WAL archiving runs
     */
    public BackupRunner(Clock clock, ScratchSpace scratch, Progress progress, Retries retries,
                        dev.lifeboat.repository.LockWait lockWait, ArchiveHelper archiveHelper) {
        this.lockWait = lockWait;
        this.clock = clock;
        this.scratch = scratch;
        this.progress = progress;
        this.retries = retries;
        this.archiveHelper = archiveHelper;
    }

    /** Checks around a backup; {@link #NONE} runs every backup and raises no alarm. */
    public record Guards(Duration minInterval, Optional<ShrinkAlarm> shrinkAlarm) {
        public static final Guards NONE = new Guards(Duration.ZERO, Optional.empty());
    }

    /** The backup's result per repository, or the reason it was skipped; warnings such as a lock taken over. */
    public record Outcome(Optional<BackupResult> result, Optional<String> skipped, List<String> warnings) {
    }

    /** The lock scope shared by backups and restores of one database name. */
    public static String lockScope(String name) {
        return "database-" + name;
    }

    /** One backup of a source whose preflight has passed. */
    public Outcome run(Source source, String name, StoredForm form, List<Destination> destinations, Guards guards)
            throws IOException {
        for (Destination d : destinations) {
            removeLeftovers(d);
        }
        scratch.removeLeftovers();
        Optional<Manifest> lastGood = lastGood(destinations, name, source.identity());
        Instant now = clock.instant();
        if (!guards.minInterval().isZero() && lastGood.isPresent()
                && lastGood.get().startedAt().isAfter(now.minus(guards.minInterval()))) {
            return new Outcome(Optional.empty(), Optional.of("backup " + lastGood.get().id() + " from "
                    + lastGood.get().startedAt() + " is newer than the minimum interval; use --force to back up anyway"),
                    List.of());
        }
        Function<Manifest, List<String>> alarms = candidate -> lastGood.flatMap(previous -> guards.shrinkAlarm()
                .map(alarm -> alarm.check(previous.facts(), previous.seal().plainSize(), candidate.facts(),
                        candidate.seal().plainSize()))).orElse(List.of());
        List<RepositoryLock> locks = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        List<Destination> created = new ArrayList<>();
        BackupResult result = null;
        try {
            dev.lifeboat.repository.LockWait wait = source.lockWait()
                    .map(limit -> new dev.lifeboat.repository.LockWait(limit)).orElse(lockWait);
            for (Destination d : destinations) {
                lock(d, name, wait, locks, warnings, created);
            }
            result = runWithRetries(source, name, form, destinations, alarms);
            warnings.addAll(source.warnings());
            return new Outcome(Optional.of(result), Optional.empty(), warnings);
        } finally {
            locks.forEach(RepositoryLock::close);
            removeUnused(created, destinations, result);
        }
    }

    /** A repository this backup created and did not store into is removed again: a failure leaves nothing. */
    private static void removeUnused(List<Destination> created, List<Destination> destinations, BackupResult result) {
        for (Destination d : created) {
            int i = destinations.indexOf(d);
            if (result == null || !result.repositories().get(i).stored()) {
                try {
                    d.repository().removeIfEmpty();
                } catch (IOException | RuntimeException e) {
                    // An empty repository left behind is harmless; the next backup uses it.
                }
            }
        }
    }

    private BackupResult runWithRetries(Source source, String name, StoredForm form, List<Destination> destinations,
                                        Function<Manifest, List<String>> alarms) throws IOException {
        for (int attempt = 1; ; attempt++) {
            Instant started = clock.instant();
            BackupResult result;
            try (ArchiveHelper.Helping helping = (source.waitsForWalArchiving() ? archiveHelper : ArchiveHelper.NONE)
                    .start(); Snapshot snapshot = source.snapshot(scratch)) {
                result = store(snapshot, started, new Manifest.SourceInfo(source.kind(), source.location(),
                                source.identity()), name,
                        Manifest.PURPOSE_BACKUP, form, destinations, alarms);
            }
            boolean nothingStored = result.repositories().stream().noneMatch(RepositoryOutcome::stored);
            boolean mayPass = result.repositories().stream().allMatch(RepositoryOutcome::retryable);
            if (!nothingStored || !mayPass || attempt >= retries.attempts()) {
                return result;
            }
            retries.pause(attempt);
        }
    }

    /** An optional repository that cannot be reached must not stop the backup; the fan-out reports it. */
    private static void removeLeftovers(Destination d) throws IOException {
        try {
            d.repository().removeLeftovers();
        } catch (IOException | RuntimeException e) {
            if (d.required()) {
                throw e;
            }
        }
    }

    private static void lock(Destination d, String name, dev.lifeboat.repository.LockWait lockWait,
                             List<RepositoryLock> locks, List<String> warnings, List<Destination> created)
            throws IOException {
        try {
            // A new repository is created first, so even the first backups into it are locked against each other.
            if (d.repository().create()) {
                created.add(d);
            }
            RepositoryLock lock = lockWait.take(() -> d.repository().lock(lockScope(name), "backup"));
            locks.add(lock);
            lock.tookOverFrom().ifPresent(holder -> warnings.add("took over the stale lock of " + holder));
        } catch (LifeboatException e) {
            if (e.exitCode() == ExitCode.LOCKED || d.required()) {
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            if (d.required()) {
                throw e;
            }
        }
    }

    /**
     * The newest backup of this name and source that raised no alarm, from the first repository
     * that answers: --min-interval and the shrink alarm never compare with another database.
     */
    private static Optional<Manifest> lastGood(List<Destination> destinations, String name, String identity)
            throws IOException {
        List<Destination> requiredFirst = new ArrayList<>(destinations);
        requiredFirst.sort(Comparator.comparing(d -> !d.required()));
        for (Destination d : requiredFirst) {
            try {
                return d.repository().manifests().stream()
                        .filter(m -> m.name().equals(name) && !m.isPreRestore() && !m.isSuspicious()
                                && m.source().mayBelongTo(identity))
                        .max(Comparator.comparing(Manifest::startedAt));
            } catch (LifeboatException e) {
                if (e.exitCode() == ExitCode.NOT_FOUND) {
                    return Optional.empty();
                }
                if (d.required()) {
                    throw e;
                }
            } catch (IOException | RuntimeException e) {
                if (d.required()) {
                    throw e;
                }
            }
        }
        return Optional.empty();
    }

    /** Seals an open snapshot into a single repository; the caller keeps ownership of the snapshot. */
    public Manifest store(Snapshot snapshot, Instant started, Manifest.SourceInfo source, String name,
                          String purpose, StoredForm form, Repository repository) throws IOException {
        return store(snapshot, started, source, name, purpose, form, List.of(Destination.required(repository)),
                candidate -> List.of()).requireStored();
    }

    private BackupResult store(Snapshot snapshot, Instant started, Manifest.SourceInfo source, String name,
                               String purpose, StoredForm requested, List<Destination> destinations,
                               Function<Manifest, List<String>> alarms) throws IOException {
        StoredForm form = snapshot.compressible() ? requested : requested.uncompressed();
        String id = BackupIds.newId(started);
        String objectName = form.objectName(snapshot.extension());
        FanOut.Result written;
        try (InputStream in = snapshot.open()) {
            written = FanOut.store(in, form, id, objectName, destinations, seal -> {
                Manifest manifest = manifest(id, name, purpose, source, started, objectName, seal, form,
                        snapshot.facts());
                return manifest.withAlarms(alarms.apply(manifest));
            }, progress.start("backing up " + name, snapshot.size()));
        } finally {
            progress.finish();
        }
        return new BackupResult(written.manifest(), copyToFailed(written, destinations));
    }

    private Manifest manifest(String id, String name, String purpose, Manifest.SourceInfo source, Instant started,
                              String objectName, Seal seal, StoredForm form, Facts facts) {
        Instant finished = clock.instant();
        return new Manifest(Manifest.FORMAT, id, name, purpose, source, started, finished,
                Duration.between(started, finished).toMillis(), objectName, seal,
                new Manifest.CompressionInfo(form.compression().label(), form.level()),
                new Manifest.EncryptionInfo(form.encryption().scheme(), form.encryption().recipients()),
                facts, Version.current(), ProcessOwner.hostName(), List.of());
    }

    /** Retries each destination that failed in a way that may pass, copying from one that has the backup. */
    private List<RepositoryOutcome> copyToFailed(FanOut.Result written, List<Destination> destinations)
            throws IOException {
        List<RepositoryOutcome> outcomes = new ArrayList<>(written.outcomes());
        Optional<Destination> source = Optional.empty();
        for (int i = 0; i < outcomes.size(); i++) {
            if (outcomes.get(i).stored()) {
                source = Optional.of(destinations.get(i));
                break;
            }
        }
        if (source.isEmpty() || retries.attempts() < 2) {
            return outcomes;
        }
        Copier again = new Copier(progress, new Retries(retries.attempts() - 1, retries.pause()));
        for (int i = 0; i < outcomes.size(); i++) {
            RepositoryOutcome outcome = outcomes.get(i);
            if (outcome.stored() || !outcome.retryable()) {
                continue;
            }
            Destination to = destinations.get(i);
            long start = System.nanoTime();
            try {
                retries.pause(1);
                again.copy(source.get().repository(), written.manifest(), to.repository());
                outcomes.set(i, RepositoryOutcome.stored(to, written.manifest().seal().storedSize(),
                        outcome.millis() + (System.nanoTime() - start) / 1_000_000, true));
            } catch (IOException | RuntimeException e) {
                outcomes.set(i, RepositoryOutcome.failed(to, outcome.millis() + (System.nanoTime() - start)
                        / 1_000_000, true, BackupResult.unexpected(e)));
            }
        }
        return outcomes;
    }
}
