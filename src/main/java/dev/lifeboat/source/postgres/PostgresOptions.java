package dev.lifeboat.source.postgres;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Everything the PostgreSQL engine can be told on a command line, in one value so that commands
 * pass it through without knowing what it means.
 *
 * @param pgBin folder of pg_dump and pg_restore; empty means the PATH
 * @param scope which schemas and tables a backup holds
 * @param facts how rows are counted for the manifest
 * @param jobs pg_restore jobs; more than one spools the snapshot to scratch space first
 * @param terminateConnections end other sessions of the target so it can be renamed
 * @param dropPrevious drop the target's previous database after a successful restore
 * @param verifyServer where verification restores (a postgresql:// URL); empty means the source server
 */
public record PostgresOptions(Optional<Path> pgBin, PgScope scope, FactsMode facts, int jobs,
                              boolean terminateConnections, boolean dropPrevious, Optional<String> verifyServer) {
    public static final PostgresOptions DEFAULTS = new PostgresOptions(Optional.empty(), PgScope.WHOLE_DATABASE,
            FactsMode.EXACT, 1, false, false, Optional.empty());

    /** {@code exact} counts every table in the snapshot; {@code estimate} reads planner statistics. */
    public enum FactsMode { EXACT, ESTIMATE }

    public PostgresOptions {
        if (jobs < 1) {
            throw new IllegalArgumentException("jobs must be at least 1");
        }
    }
}
