package dev.lifeboat.backup;

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
import dev.lifeboat.scratch.ScratchSpace;
import dev.lifeboat.source.Snapshot;
import dev.lifeboat.source.Source;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** Takes a snapshot, seals it into a repository and writes its manifest last. */
public final class BackupRunner {
    private final Clock clock;
    private final ScratchSpace scratch;
    private final Progress progress;

    public BackupRunner(Clock clock, ScratchSpace scratch, Progress progress) {
        this.clock = clock;
        this.scratch = scratch;
        this.progress = progress;
    }

    public Manifest run(Source source, String name, StoredForm form, Repository repository) throws IOException {
        repository.removeLeftovers();
        scratch.removeLeftovers();
        Instant started = clock.instant();
        try (Snapshot snapshot = source.snapshot(scratch)) {
            return store(snapshot, started, new Manifest.SourceInfo(source.kind(), source.location()), name,
                    Manifest.PURPOSE_BACKUP, form, repository);
        }
    }

    /** Seals an open snapshot; the caller keeps ownership of it. */
    public Manifest store(Snapshot snapshot, Instant started, Manifest.SourceInfo source, String name,
                          String purpose, StoredForm requested, Repository repository) throws IOException {
        StoredForm form = snapshot.compressible() ? requested : requested.uncompressed();
        String id = BackupIds.newId(started);
        try (Repository.Upload upload = repository.startUpload(id, form.objectName(snapshot.extension()))) {
            Seal seal;
            try (InputStream in = snapshot.open()) {
                OutputStream out = upload.data();
                seal = Pipeline.seal(in, out, form, progress.start("backing up " + name, snapshot.size()));
            } finally {
                progress.finish();
            }
            Facts facts = snapshot.facts();
            Instant finished = clock.instant();
            Manifest manifest = new Manifest(Manifest.FORMAT, id, name, purpose, source, started, finished,
                    Duration.between(started, finished).toMillis(), form.objectName(snapshot.extension()), seal,
                    new Manifest.CompressionInfo(form.compression().label(), form.level()),
                    new Manifest.EncryptionInfo(form.encryption().scheme(), form.encryption().recipients()),
                    facts, Version.current(), ProcessOwner.hostName());
            upload.commit(Json.write(manifest));
            return manifest;
        }
    }
}
