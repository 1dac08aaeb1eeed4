package dev.lifeboat.verify;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.Progress;
import dev.lifeboat.Version;
import dev.lifeboat.manifest.Json;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.manifest.VerificationRecord;
import dev.lifeboat.pipeline.Decryption;
import dev.lifeboat.repository.ProcessOwner;
import dev.lifeboat.repository.Repository;
import dev.lifeboat.repository.RepositoryLock;
import dev.lifeboat.scratch.ScratchSpace;
import dev.lifeboat.source.Engines;
import dev.lifeboat.source.Inspector;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * Verifies a backup by really restoring it into scratch space. The verdict on the backup's
 * content, passed or failed, is stored next to it; user errors such as a missing key are not.
 */
public final class Verifier {
    private static final DateTimeFormatter RECORD_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);
    private final Engines engines;
    private final ScratchSpace scratch;
    private final Progress progress;
    private final Clock clock;
    /** Repositories cleaned up already: once per opened repository, not once per backup of 'verify all'. */
    private final Set<Repository> tidied = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

    public Verifier(Engines engines, ScratchSpace scratch, Progress progress, Clock clock) {
        this.engines = engines;
        this.scratch = scratch;
        this.progress = progress;
        this.clock = clock;
    }

    /** This verifier with every engine configured with one run's options, e.g. a job's source-options. */
    public Verifier configured(dev.lifeboat.source.EngineSettings settings) {
        return new Verifier(engines.configured(settings), scratch, progress, clock);
    }

    /**
     * @param access how to open the snapshot where the engine needs more than the recorded source,
     *               e.g. {@code key-env=VAR} for SQLCipher; empty to use what was recorded
     */
    public VerificationRecord verify(Repository repository, Manifest manifest, Decryption decryption,
                                     java.util.Map<String, String> access) throws IOException {
        scratch.removeLeftovers();
        if (tidied.add(repository)) {
            repository.tryRemoveLeftovers();
        }
        Inspector inspector = engines.forKind(manifest.source().kind()).inspector(manifest.source().location(),
                access);
        try (RepositoryLock reading = repository.markInUse(manifest.id(), "verify");
             Inspector.Staged staged = inspector.stage(scratch)) {
            String systemId = manifest.facts().properties().get("system_identifier");
            if (systemId != null) {
                staged.useArchivedWal((name, destination) -> new dev.lifeboat.wal.WalFetch().fetch(repository,
                        systemId, name, destination, decryption) == dev.lifeboat.wal.WalFetch.Outcome.FETCHED);
            }
            List<String> checks = StagedCheck.fill(repository, manifest, decryption, staged, progress);
            return record(repository, manifest, checks, null);
        } catch (LifeboatException e) {
            if (e.exitCode() == ExitCode.INTEGRITY) {
                recordFailure(repository, manifest, e);
            }
            throw e;
        }
    }

    private void recordFailure(Repository repository, Manifest manifest, LifeboatException failure) {
        try {
            record(repository, manifest, List.of(), failure.getMessage());
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    private VerificationRecord record(Repository repository, Manifest manifest, List<String> checks, String error)
            throws IOException {
        Instant now = clock.instant();
        VerificationRecord record = new VerificationRecord(1, manifest.id(), now, error == null, checks, error,
                Version.current(), ProcessOwner.hostName(),
                // the checks passed on bytes whose SHA-256 the stream proved equal to the manifest's
                error == null ? manifest.seal().plainSha256() : null);
        // Time first so names sort in order; the suffix keeps two verifications in one millisecond apart.
        String name = "verify-" + RECORD_TIME.format(now) + "-" + Long.toHexString(System.nanoTime() & 0xffffff)
                + ".json";
        repository.putRecord(manifest.id(), name, Json.write(record));
        return record;
    }
}
