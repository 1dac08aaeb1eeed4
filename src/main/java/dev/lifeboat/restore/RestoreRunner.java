package dev.lifeboat.restore;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.backup.BackupRunner;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.manifest.VerificationRecord;
import dev.lifeboat.pipeline.Decryption;
import dev.lifeboat.pipeline.StoredForm;
import dev.lifeboat.repository.Repository;
import dev.lifeboat.repository.RepositoryLock;
import dev.lifeboat.source.RestoreTarget;
import dev.lifeboat.source.Snapshot;
import dev.lifeboat.verify.StagedCheck;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Restores with a way back: the backup is streamed into a scratch copy beside the target and
 * fully checked before the target is touched; an existing target is preserved (and backed up
 * into the repository) first, and put back if installing fails.
 */
public final class RestoreRunner {
    private final Clock clock;
    private final BackupRunner backups;
    private final Phases phases;

    public RestoreRunner(Clock clock, BackupRunner backups, Phases phases) {
        this.clock = clock;
        this.backups = backups;
        this.phases = phases;
    }

    /**
     * What the restore did, for the command to print.
     *
     * @param structuralCheck {@code full}, or {@code skipped: verified 2026-12-01 02:00:00Z} when a
     *                        passed verification had already run it on these exact bytes
     */
    public record Result(Manifest restored, boolean replaced, Optional<Manifest> safetyBackup, List<String> checks,
                         String structuralCheck) {
    }

    /** Steps a caller can follow; a failure thrown from {@link #installed} rolls the target back. */
    public interface Phases {
        /**
         * The staged copy is filled and checked, and the target not yet touched: the last chance to
         * change the copy (purge rules); returns lines for the checks. A failure leaves the target as it was.
         */
        default List<String> staged(RestoreTarget.Staged staged) throws IOException {
            return List.of();
        }

        default void checked(List<String> checks) {
        }

        default void installed(RestoreTarget target) {
        }

        Phases NONE = new Phases() {
        };
    }

    /**
     * Restores into a target its caller has checked (see {@code RestoreService}): the target is
     * not asked again here.
     *
     * @param replacing whether the target exists, as the caller found it
     * @param safetyForm how to store the safety backup, or empty to skip it
     * @param proof the backup's last passed verification, which spares the structural check when it
     *              passed on the very bytes now restored (see {@link StagedCheck}); empty for the full check
     */
    public Result restore(Repository repository, Manifest manifest, RestoreTarget target, boolean replacing,
                          Decryption decryption, Confirmation confirmation, Optional<StoredForm> safetyForm,
                          dev.lifeboat.Progress progress, Optional<VerificationRecord> proof) throws IOException {
        repository.tryRemoveLeftovers();
        if (replacing && !confirmation.canConfirm()) {
            throw new LifeboatException(ExitCode.NOT_CONFIRMED, target.location() + " exists and there is no"
                    + " terminal to confirm replacing it; pass --yes (a safety backup is taken first)");
        }
        try (RepositoryLock lock = repository.lock(BackupRunner.lockScope(manifest.name()), "restore");
             RepositoryLock reading = repository.markInUse(manifest.id(), "restore");
             RestoreTarget.Staged staged = target.stage()) {
            staged.settingsOf(manifest.facts());
            StagedCheck.Checked filled = StagedCheck.fill(repository, manifest, decryption, staged, progress, proof);
            String structural = filled.structureSkipped().map(why -> "skipped: " + why).orElse("full");
            List<String> checks = new java.util.ArrayList<>(filled.checks());
            checks.addAll(phases.staged(staged));
            phases.checked(checks);
            if (!replacing) {
                staged.install();
                return new Result(manifest, false, Optional.empty(), withNotes(checks, staged), structural);
            }
            if (!confirmation.confirm("Replace " + target.location() + " with backup " + manifest.id()
                    + " of " + manifest.name() + " (" + manifest.facts().tableRows().size() + " tables, "
                    + manifest.facts().totalRows() + " rows)?")) {
                throw new LifeboatException(ExitCode.NOT_CONFIRMED, "restore cancelled; " + target.location()
                        + " was not changed");
            }
            Snapshot previous = staged.preserveCurrent();
            Optional<Manifest> safety = Optional.empty();
            if (safetyForm.isPresent()) {
                safety = Optional.of(backups.store(previous, clock.instant(),
                        new Manifest.SourceInfo(manifest.source().kind(), target.location()), manifest.name(),
                        Manifest.PURPOSE_PRE_RESTORE, safetyForm.get(), repository));
            }
            installOrRollBack(staged, target, safety);
            return new Result(manifest, true, safety, withNotes(checks, staged), structural);
        }
    }

    private static List<String> withNotes(List<String> checks, RestoreTarget.Staged staged) {
        List<String> all = new java.util.ArrayList<>(checks);
        all.addAll(staged.installNotes());
        return List.copyOf(all);
    }

    private void installOrRollBack(RestoreTarget.Staged staged, RestoreTarget target, Optional<Manifest> safety)
            throws IOException {
        try {
            staged.install();
            phases.installed(target);
        } catch (dev.lifeboat.source.TargetUnchanged unchanged) {
            throw new LifeboatException(ExitCode.TARGET, "restore failed before " + target.location() + " was changed ("
                    + unchanged.getMessage() + "); it is exactly as it was", unchanged);
        } catch (IOException | RuntimeException failure) {
            String cause = failure.getMessage();
            try {
                staged.rollback();
            } catch (IOException | RuntimeException rollbackFailure) {
                failure.addSuppressed(rollbackFailure);
                throw new LifeboatException(ExitCode.TARGET, "restore failed (" + cause + ") and putting the"
                        + " previous content back failed too (" + rollbackFailure.getMessage() + "); "
                        + safety.map(m -> "restore the safety backup " + m.id() + " to recover it")
                                .orElse("recover it from your own copy"), failure);
            }
            throw new LifeboatException(ExitCode.TARGET, "restore failed while replacing " + target.location()
                    + " (" + cause + "); the previous content was put back", failure);
        }
    }
}
