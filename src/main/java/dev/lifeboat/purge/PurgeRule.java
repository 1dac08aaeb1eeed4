package dev.lifeboat.purge;

import java.time.Duration;
import java.util.Optional;

/**
 * Deletes the rows of {@code table} whose {@code column} is older than {@code olderThan}, and
 * that also match {@code where} when given. The column holds a timestamp in {@code format}.
 */
public record PurgeRule(String table, String column, Duration olderThan, TimeFormat format, Optional<String> where) {
    /** How a timestamp column stores time. */
    public enum TimeFormat {
        /** The engine's own timestamp type, or ISO-8601 text in SQLite (read as UTC when it has no offset). */
        NATIVE("timestamp"),
        /** Seconds since 1970-01-01 UTC. */
        UNIX_SECONDS("unix-seconds"),
        /** Milliseconds since 1970-01-01 UTC. */
        UNIX_MILLIS("unix-millis");

        private final String key;

        TimeFormat(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }
    }

    /** {@code addresses.created_at older than 30d where status = 'shipped'}. */
    public String describe() {
        return table + "." + column + " older than " + dev.lifeboat.config.Durations.format(olderThan)
                + where.map(w -> " where " + w).orElse("");
    }
}
