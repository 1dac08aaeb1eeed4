package dev.lifeboat.purge;

import java.time.Instant;
import java.util.Optional;

/**
 * The backups that still hold rows a purge rule deleted (or, dry, would delete): every backup of
 * the purged database taken before the deletes whose manifest counts rows in the rule's table.
 * A manifest counts a table's rows, not their times, so a backup is counted when it may hold such
 * rows; the answer errs towards more backups, never fewer.
 *
 * @param backups how many backups (copies in repositories) hold such rows
 * @param oldest the oldest of them, and when retention will drop it; empty when none holds such rows
 * @param lastToGo the copy retention drops last: when it is gone, no backup holds these rows
 * @param assumption what the dates assume about future backups
 */
public record BackupsHolding(int backups, Optional<Copy> oldest, Optional<Copy> lastToGo, String assumption) {
    /**
     * One backup in one repository.
     *
     * @param dropped when the job's retention forgets it; empty when it never will (no retention,
     *                or not within the forecast's horizon), as {@code when} says
     * @param when the drop in words: {@code 2026-03-01 02:00:00Z (after 30 more backups)},
     *             {@code never: the repository has no retention}, ...
     */
    public record Copy(String backupId, Instant takenAt, String repository, Optional<Instant> dropped, String when) {
    }
}
