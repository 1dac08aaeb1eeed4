package dev.lifeboat.catalog;

import java.time.Instant;

/**
 * One purge rule's run, kept in the catalog as the record that expired data was deleted, with the
 * oldest backup that still holds such rows and when the job's retention is forecast to drop it
 * and the last backup holding them (null: no such backup, or no date: never or beyond the forecast).
 */
public record PurgeAudit(String name, Instant runAt, String rule, String table, Instant cutoff, long rows,
                         boolean dryRun, String error, String oldestBackup, Instant oldestDropped,
                         Instant allDropped) {
    /** A record without a report on backups. */
    public PurgeAudit(String name, Instant runAt, String rule, String table, Instant cutoff, long rows, boolean dryRun,
                      String error) {
        this(name, runAt, rule, table, cutoff, rows, dryRun, error, null, null, null);
    }
}
