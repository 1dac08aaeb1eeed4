package dev.lifeboat.purge;

import dev.lifeboat.source.PurgeDialect;
import java.time.Duration;
import java.util.Optional;

/**
 * Deletes the rows of {@code table} whose {@code column} is older than {@code olderThan}, and
 * that also match {@code where} when given. The column holds a timestamp in {@code format}.
 */
public record PurgeRule(String table, String column, Duration olderThan, PurgeDialect.TimeFormat format,
                        Optional<String> where) {
    /** {@code addresses.created_at older than 30d where status = 'shipped'}. */
    public String describe() {
        return table + "." + column + " older than " + dev.lifeboat.config.Durations.format(olderThan)
                + where.map(w -> " where " + w).orElse("");
    }
}
