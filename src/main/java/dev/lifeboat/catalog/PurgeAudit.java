package dev.lifeboat.catalog;

import java.time.Instant;

/** One purge rule's run, kept in the catalog as the record that expired data was deleted. */
public record PurgeAudit(String name, Instant runAt, String rule, String table, Instant cutoff, long rows,
                         boolean dryRun, String error) {
}
