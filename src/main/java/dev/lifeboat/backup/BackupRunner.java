package dev.lifeboat.backup;

import dev.lifeboat.Progress;
import dev.lifeboat.Version;
import dev.lifeboat.manifest.BackupIds;
import dev.lifeboat.manifest.Facts;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.manifest.Seal;
import dev.lifeboat.pipeline.StoredForm;
import dev.lifeboat.repository.ProcessOwner;
import dev.lifeboat.repository.Repository;
import dev.lifeboat.scratch.ScratchSpace;
import dev.lifeboat.source.Snapshot;
import dev.lifeboat.source.Source;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Takes a snapshot, seals it once into every destination and writes each manifest last. A
 * destination that failed in a way that may pass gets the stored bytes again from one that has
 * them; when none has them the whole run is tried again with a fresh snapshot.
 */
public final class BackupRunner {
    private final Clock clock;
    private final ScratchSpace scratch;
    private final Progress progress;
    private final Retries retries;

    public BackupRunner(Clock clock, ScratchSpace scratch, Progress progress, Retries retries) {
        this.clock = clock;
        this.scratch = scratch;
        this.progress = progress;
        this.retries = retries;
    }

    public BackupResult run(Source source, String name, StoredForm form, List<Destination> destinations)
            throws IOException {
        scratch.removeLeftovers();
        for (int attempt = 1; ; attempt++) {
            Instant started = clock.instant();
            BackupResult result;
            try (Snapshot snapshot = source.snapshot(scratch)) {
                result = store(snapshot, started, new Manifest.SourceInfo(source.kind(), source.location()), name,
                        Manifest.PURPOSE_BACKUP, form, destinations);
            }
            boolean nothingStored = result.repositories().stream().noneMatch(RepositoryOutcome::stored);
            boolean mayPass = result.repositories().stream().allMatch(RepositoryOutcome::retryable);
            if (!nothingStored || !mayPass || attempt >= retries.attempts()) {
                return result;
            }
            retries.pause(attempt);
        }
    }

    /** Seals an open snapshot into a single repository; the caller keeps ownership of the snapshot. */
    public Manifest store(Snapshot snapshot, Instant started, Manifest.SourceInfo source, String name,
                          String purpose, StoredForm form, Repository repository) throws IOException {
        return store(snapshot, started, source, name, purpose, form, List.of(Destination.required(repository)))
                .requireStored();
    }

    /** Seals an open snapshot into every destination; the caller keeps ownership of the snapshot. */
    public BackupResult store(Snapshot snapshot, Instant started, Manifest.SourceInfo source, String name,
                              String purpose, StoredForm form, List<Destination> destinations) throws IOException {
        String id = BackupIds.newId(started);
        String objectName = form.objectName(snapshot.extension());
        FanOut.Result written;
        try (InputStream in = snapshot.open()) {
            written = FanOut.store(in, form, id, objectName, destinations,
                    seal -> manifest(id, name, purpose, source, started, objectName, seal, form, snapshot.facts()),
                    progress.start("backing up " + name, snapshot.size()));
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
                facts, Version.current(), ProcessOwner.hostName());
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
