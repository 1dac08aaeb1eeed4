package dev.lifeboat.backup;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.catalog.RunStatus;
import dev.lifeboat.manifest.Manifest;
import java.util.List;
import java.util.Optional;

/**
 * What a backup request did, one item per source, for a front end to render.
 *
 * @param refused why nothing was backed up at all (a {@code before-backup} hook failed); then there are no items
 * @param afterHook how the {@code after-backup} hook failed, if it did
 */
public record BackupReport(List<Item> items, Optional<LifeboatException> refused, Optional<String> afterHook) {
    public BackupReport {
        items = List.copyOf(items);
    }

    public BackupReport(List<Item> items) {
        this(items, Optional.empty(), Optional.empty());
    }

    public enum Status { STORED, SUSPICIOUS, SKIPPED, FAILED }

    /**
     * The backup of one source.
     *
     * @param result the per-repository outcome, empty when the backup failed before storing or was skipped
     * @param skipped why the backup was skipped (min-interval), if it was
     * @param warnings lines to show as warnings (a lock taken over, an optional repository that missed it)
     * @param notes lines to show as notes (a repository newly pinned)
     * @param failure the failure of this item, with its exit code; empty when it succeeded
     */
    public record Item(String source, String name, Status status, Optional<BackupResult> result,
                       Optional<String> skipped, List<String> warnings, List<String> notes,
                       Optional<LifeboatException> failure) {
        public Item {
            warnings = List.copyOf(warnings);
            notes = List.copyOf(notes);
        }

        public Optional<Manifest> manifest() {
            return result.map(BackupResult::manifest);
        }
    }

    /** The first failure, in source order. */
    public Optional<LifeboatException> firstFailure() {
        return items.stream().flatMap(i -> i.failure().stream()).findFirst();
    }

    /** The ids of the backups stored in at least one repository, in source order. */
    public List<String> storedIds() {
        return items.stream().filter(i -> i.result().filter(r -> r.repositories().stream()
                .anyMatch(RepositoryOutcome::stored)).isPresent()).flatMap(i -> i.manifest().stream())
                .map(Manifest::id).toList();
    }

    /**
     * How the run ends, for the catalog and every front end alike: FAILED when a hook or any
     * backup failed; else SUSPICIOUS when a suspicious backup fails the run (fail-on-shrink);
     * SKIPPED when every backup was skipped; else COMPLETED.
     */
    public RunStatus status() {
        if (refused.isPresent() || afterHook.isPresent() || hardFailures().findAny().isPresent()) {
            return RunStatus.FAILED;
        }
        if (firstFailure().isPresent()) {
            return RunStatus.SUSPICIOUS;
        }
        if (!items.isEmpty() && items.stream().allMatch(i -> i.status() == Status.SKIPPED)) {
            return RunStatus.SKIPPED;
        }
        return RunStatus.COMPLETED;
    }

    /**
     * The failure the run ends with, with its exit code: a failed {@code before-backup} hook; one
     * source's failure; for a whole server the first of its failures, counted (one failure stops
     * no other backup); and a failed {@code after-backup} hook added to it, which makes it exit 1.
     */
    public Optional<LifeboatException> failure() {
        Optional<LifeboatException> failed = refused.isPresent() ? refused : backupsFailure();
        if (afterHook.isPresent()) {
            return Optional.of(new LifeboatException(ExitCode.FAILURE, failed.map(f -> f.getMessage() + "; ")
                    .orElse("") + afterHook.get()));
        }
        return failed;
    }

    /** How the backups themselves failed, hooks aside: one source's failure, or the first of several, counted. */
    public Optional<LifeboatException> backupsFailure() {
        return items.size() == 1 ? items.get(0).failure() : severalFailed();
    }

    private Optional<LifeboatException> severalFailed() {
        List<Item> failed = items.stream().filter(i -> i.failure().filter(BackupReport::hard).isPresent()).toList();
        if (failed.isEmpty()) {
            return firstFailure();
        }
        LifeboatException first = failed.get(0).failure().orElseThrow();
        return Optional.of(new LifeboatException(first.exitCode(), failed.size() + " of " + items.size()
                + " backups failed, the first (" + failed.get(0).name() + "): " + first.getMessage()
                + " (the others were stored)"));
    }

    private java.util.stream.Stream<LifeboatException> hardFailures() {
        return items.stream().flatMap(i -> i.failure().stream()).filter(BackupReport::hard);
    }

    /** A failure of the backup itself, as opposed to a suspicious backup that fails the run. */
    private static boolean hard(LifeboatException failure) {
        return failure.exitCode() != ExitCode.SUSPICIOUS;
    }
}
