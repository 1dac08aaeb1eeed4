package dev.lifeboat.restore;

import dev.lifeboat.LifeboatException;
import dev.lifeboat.backup.BackupSelector;
import dev.lifeboat.backup.BackupStanding;
import dev.lifeboat.manifest.Manifest;
import java.util.List;
import java.util.Optional;

/**
 * How a restore that was attempted ended, for a front end to render. (A request refused before
 * anything was attempted, such as an unknown backup or a target that must not be replaced, is
 * thrown instead.)
 *
 * @param selection the backup restored, where it stands, and which newer ones {@code latest} passed by
 * @param result what the restore did; empty when it failed
 * @param warnings lines to show as warnings whatever the outcome (no safety backup taken)
 * @param failure the failure, with its exit code; empty when the restore succeeded
 */
public record RestoreReport(BackupSelector.Selection selection, String target, String repository, Optional<RestoreRunner.Result> result,
                            List<String> warnings, Optional<LifeboatException> failure) {
    public RestoreReport {
        warnings = List.copyOf(warnings);
    }

    public Manifest backup() {
        return selection.manifest();
    }

    /**
     * For {@code --json}: where the restored backup stands (SUSPICIOUS or failed verification when
     * restored by id with --allow-suspicious) and which newer backups {@code latest} passed by.
     */
    public record Trust(BackupStanding.State standing, List<BackupSelector.Skipped> skippedByLatest) {
    }

    public Trust trust() {
        return new Trust(selection.standing().state(), selection.passedBy());
    }
}
