package dev.lifeboat.source;

import java.time.Instant;
import java.util.Optional;

/**
 * What a physical source's server says about its own WAL archiving (PostgreSQL's
 * {@code pg_stat_archiver}), read by the daemon's WAL watch. {@link #read} connects each time and
 * throws an {@link EngineFailure} when the server cannot be reached.
 */
public interface ServerArchiver {
    Status read();

    /** The server's archiver counters; times are empty before the first success or failure. */
    record Status(long failedCount, Optional<Instant> lastArchivedAt, Optional<String> lastArchivedWal,
                  Optional<Instant> lastFailedAt, Optional<String> lastFailedWal) {
        /** The last attempt failed: a failure newer than the last success. */
        public boolean failing() {
            return lastFailedAt.isPresent() && (lastArchivedAt.isEmpty()
                    || lastFailedAt.get().isAfter(lastArchivedAt.get()));
        }
    }
}
