package dev.lifeboat.verify;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.backup.BackupSelector;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.manifest.VerificationRecord;
import dev.lifeboat.repository.DamagedBackup;
import java.util.List;
import java.util.Optional;

/**
 * What a verification request did, for a front end to render.
 *
 * @param items one per backup verified, in repository order; a run stops at the first failure
 *              that is not about a backup's content (a wrong key, the repository), which is last
 * @param damaged with {@code all}: backups whose manifests cannot be trusted; each counts as a failure
 * @param incomplete with {@code all}: backups with data but no manifest (interrupted), by id
 * @param nothingYet with {@code latest}: the repository holds no backup of the name yet
 */
public record VerifyReport(VerifyRequest.Which which, List<Item> items, List<DamagedBackup> damaged,
                           List<String> incomplete, Optional<BackupSelector.Newest> nothingYet) {
    public VerifyReport {
        items = List.copyOf(items);
        damaged = List.copyOf(damaged);
        incomplete = List.copyOf(incomplete);
    }

    /** One backup: its verification record when it passed, else the failure with its exit code. */
    public record Item(Manifest manifest, Optional<VerificationRecord> record, Optional<LifeboatException> failure) {
        /** True when the backup's content failed (exit 6), as opposed to the run failing to check it. */
        public boolean contentFailed() {
            return failure.filter(f -> f.exitCode() == ExitCode.INTEGRITY).isPresent();
        }
    }

    /** The records of the backups that passed. */
    public List<VerificationRecord> records() {
        return items.stream().flatMap(i -> i.record().stream()).toList();
    }

    /** Backups found bad: damaged ones and those whose content failed verification. */
    public int failed() {
        return damaged.size() + (int) items.stream().filter(Item::contentFailed).count();
    }

    /** A failure that ended the run before every backup was checked (a key, the repository), if any. */
    public Optional<LifeboatException> stopped() {
        return items.stream().filter(i -> !i.contentFailed()).flatMap(i -> i.failure().stream()).findFirst();
    }

    /**
     * The failure the request ends with, with its exit code: none found, the failure of the one
     * backup asked for, or for {@code all} what stopped it or else the count of bad backups.
     */
    public Optional<LifeboatException> failure() {
        if (nothingYet.isPresent()) {
            return Optional.of(nothingYet.get().notFound());
        }
        if (!(which instanceof VerifyRequest.Which.All)) {
            return items.get(0).failure();
        }
        if (stopped().isPresent()) {
            return stopped();
        }
        int failed = failed();
        return failed == 0 ? Optional.empty() : Optional.of(new LifeboatException(ExitCode.INTEGRITY, failed
                + " backup(s) failed verification; see above, and take a fresh backup"));
    }
}
