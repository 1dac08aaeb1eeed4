package dev.lifeboat.restore;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.Progress;
import dev.lifeboat.backup.BackupRunner;
import dev.lifeboat.backup.BackupSelector;
import dev.lifeboat.backup.BackupStanding;
import dev.lifeboat.catalog.RunStatus;
import dev.lifeboat.catalog.RunTracker;
import dev.lifeboat.backup.EncryptionPolicy;
import dev.lifeboat.backup.EncryptionRequest;
import dev.lifeboat.hooks.HookCalls;
import dev.lifeboat.hooks.HookRunner;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.manifest.VerificationRecord;
import dev.lifeboat.pipeline.Compression;
import dev.lifeboat.pipeline.Encryption;
import dev.lifeboat.pipeline.StoredForm;
import dev.lifeboat.purge.Purger;
import dev.lifeboat.purge.StagedPurge;
import dev.lifeboat.repository.Repository;
import dev.lifeboat.source.Engine;
import dev.lifeboat.source.Engines;
import dev.lifeboat.source.RestoreTarget;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one implementation of a restore, used by {@code restore} and {@code restore --job} alike:
 * which backup, the target's checks (each asked once), the safety-backup policy, the purge rules
 * re-applied to the staged copy ({@link StagedPurge}), the restore hooks, the run in
 * {@link RestoreRunner}, and the catalog records of the run and the safety backup.
 */
public final class RestoreService {
    private final Engines engines;
    private final BackupRunner backups;
    private final RunTracker tracker;
    private final HookRunner hooks;
    private final Progress progress;
    private final Clock clock;

    public RestoreService(Engines engines, BackupRunner backups, RunTracker tracker, HookRunner hooks,
                          Progress progress, Clock clock) {
        this.engines = engines;
        this.backups = backups;
        this.tracker = tracker;
        this.hooks = hooks;
        this.progress = progress;
        this.clock = clock;
    }

    public RestoreReport restore(RestoreRequest request) throws Exception {
        Repository repository = request.repository();
        Engine engine = engines.forSpec(request.target());
        RestoreTarget target = engine.target(request.target());
        BackupSelector.Selection selection = BackupSelector.choose(repository, request.backup(),
                request.name().orElse(null), target.defaultName(), target.identity());
        Manifest manifest = selection.manifest();
        List<String> cautions = new ArrayList<>(selection.note().stream().toList());
        requireTrusted(selection.standing(), request.allowSuspicious()).ifPresent(cautions::add);
        List<String> warnings = new ArrayList<>(cautions);
        boolean replacing = check(engine, target, manifest, request.target());
        // Said after a replacement happened (a failed restore changed nothing and keeps to one line).
        Optional<String> otherSource = replacing ? anotherSource(manifest, target) : Optional.empty();
        otherSource.ifPresent(cautions::add);
        // Warnings are rendered after the run; the question before replacing a target repeats them.
        Confirmation confirmation = cautions.isEmpty() ? request.confirmation()
                : request.confirmation().warning(String.join("; ", cautions));
        if (replacing && !request.safetyBackup()) {
            warnings.add("--no-safety-backup: the current content of " + target.location() + " will not be kept in"
                    + " the repository");
        }
        StagedPurge purge = StagedPurge.forTarget(request.purge(), engines, request.target(), new Purger(clock));
        purge.optOutWarning(target.location()).ifPresent(warnings::add);
        RestoreHooks around = new RestoreHooks(new HookCalls(hooks, request.hooks(), manifest.name(), "restore",
                request.trigger()), manifest.id(), target.location());
        try {
            RestoreRunner.Result result = tracker.track("restore", request.trigger(), manifest.name(),
                    repository.location(), () -> around.run(phases -> run(request, manifest, target, replacing,
                            confirmation, new RestoreRunner(clock, backups, purgingFirst(phases, purge)),
                            request.fullCheck() ? Optional.empty() : selection.standing().lastVerification())),
                    done -> new RunTracker.Ending(RunStatus.COMPLETED, null));
            otherSource.ifPresent(warnings::add);
            return new RestoreReport(selection, target.location(), repository.location(), Optional.of(result),
                    warnings, Optional.empty());
        } catch (LifeboatException e) {
            return new RestoreReport(selection, target.location(), repository.location(), Optional.empty(),
                    warnings, Optional.of(e));
        }
    }

    /**
     * A backup that {@code latest} would pass by is restored only when the user says so; the
     * warning then says what is restored.
     */
    private static Optional<String> requireTrusted(BackupStanding standing, boolean allowSuspicious) {
        Optional<String> distrust = standing.distrust();
        if (distrust.isEmpty()) {
            return Optional.empty();
        }
        String id = standing.backup().id();
        if (!allowSuspicious) {
            throw new LifeboatException(ExitCode.NOT_CONFIRMED, "backup " + id + " is " + distrust.get()
                    + "; nothing was changed; restore an earlier backup, or pass --allow-suspicious to restore this"
                    + " one anyway");
        }
        return Optional.of("--allow-suspicious: restoring backup " + id + ", which is " + distrust.get());
    }

    /**
     * Names the two databases when a backup replaces a database that is not its source (another
     * file, another server or database): allowed, as restoring into a copy is, but never silent.
     */
    private static Optional<String> anotherSource(Manifest manifest, RestoreTarget target) {
        String source = manifest.source().identity();
        return target.identity().filter(place -> source != null && !source.equals(place)
                && !source.startsWith(place + " (")).map(place -> "backup " + manifest.id() + " is of " + source
                + ", and it replaces " + place + ", another database");
    }

    /**
     * Asks the target, once each, whether it can take this backup, whether it exists and whether it
     * may be replaced; returns whether it exists.
     */
    private static boolean check(Engine engine, RestoreTarget target, Manifest manifest, String spec)
            throws IOException {
        target.checkRestorable(manifest.facts());
        if (!engine.kind().equals(manifest.source().kind())) {
            throw new LifeboatException(ExitCode.USAGE, "backup " + manifest.id() + " is of a "
                    + manifest.source().kind() + " database, and " + spec + " names a " + engine.kind()
                    + " target; restore it to a " + manifest.source().kind() + " target, e.g. "
                    + manifest.source().location());
        }
        boolean exists = target.exists();
        target.checkReplaceable();
        return exists;
    }

    /** The phases of the restore hooks, with the purge rules applied to the staged copy before them. */
    private static RestoreRunner.Phases purgingFirst(RestoreRunner.Phases phases, StagedPurge purge) {
        return new RestoreRunner.Phases() {
            @Override
            public List<String> staged(RestoreTarget.Staged staged) {
                return purge.apply(staged);
            }

            @Override
            public void checked(List<String> checks) {
                phases.checked(checks);
            }

            @Override
            public void installed(RestoreTarget installed) {
                phases.installed(installed);
            }
        };
    }

    /**
     * The safety backup is sealed for the key of the backup restored; an unencrypted backup's
     * safety backup still honours the repository's pin (a repository pinned after it was stored),
     * and where the pin cannot be met without a key the restore is refused before anything changes.
     */
    private static Encryption safetyEncryption(RestoreRequest request, Manifest manifest, RestoreTarget target)
            throws IOException {
        Encryption same = request.key().sameKeyEncryption(manifest);
        Repository repository = request.repository();
        Optional<Manifest.EncryptionInfo> pin = repository.pinnedEncryption();
        if (!"none".equals(same.scheme()) || pin.isEmpty()) {
            return same;
        }
        try {
            return EncryptionPolicy.resolve(new EncryptionRequest.FromPins(), List.of(repository), false);
        } catch (LifeboatException e) {
            throw new LifeboatException(ExitCode.USAGE, "repository " + repository.location() + " keeps its backups"
                    + " encrypted (" + EncryptionPolicy.describe(pin.get()) + ") and backup " + manifest.id()
                    + " is not, so the safety backup of " + target.location() + " cannot be sealed for it; nothing"
                    + " was changed; pass --no-safety-backup to restore without one");
        }
    }

    /** The restore itself, with a safety backup of a replaced target sealed for the same key. */
    private RestoreRunner.Result run(RestoreRequest request, Manifest manifest, RestoreTarget target,
                                     boolean replacing, Confirmation confirmation, RestoreRunner runner,
                                     Optional<VerificationRecord> proof)
            throws IOException {
        Optional<StoredForm> safetyForm = replacing && request.safetyBackup()
                ? Optional.of(new StoredForm(Compression.ZSTD, Compression.ZSTD.defaultLevel(),
                        safetyEncryption(request, manifest, target))) : Optional.empty();
        RestoreRunner.Result result = runner.restore(request.repository(), manifest, target, replacing,
                request.key().decryption(manifest), confirmation, safetyForm, progress, proof);
        // Indexed before the after-restore hook runs: the safety backup exists whatever the hook does.
        result.safetyBackup().ifPresent(safety -> tracker.backup(safety, request.repository().location(),
                RunStatus.COMPLETED, null));
        return result;
    }
}
