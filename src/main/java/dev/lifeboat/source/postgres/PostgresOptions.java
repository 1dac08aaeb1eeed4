package dev.lifeboat.source.postgres;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Everything the PostgreSQL engine can be told on a command line, in one value so that commands
 * pass it through without knowing what it means. Start from {@link #DEFAULTS} and use the withers.
 *
 * @param pgBin folder of pg_dump, pg_restore and pg_dumpall; empty means the PATH
 * @param scope which schemas and tables a backup holds
 * @param allDatabases back up every database of the server, plus its roles and tablespaces
 * @param facts how rows are counted for the manifest
 * @param jobs pg_restore jobs; more than one spools the snapshot to scratch space first
 * @param terminateConnections end other sessions of the target so it can be renamed
 * @param dropPrevious drop the target's previous database after a successful restore
 * @param verifyServer where verification restores (a postgresql:// URL); empty means the source server
 */
public record PostgresOptions(Optional<Path> pgBin, PgScope scope, boolean allDatabases, FactsMode facts, int jobs,
                              boolean terminateConnections, boolean dropPrevious, Optional<String> verifyServer) {
    public static final PostgresOptions DEFAULTS = new PostgresOptions(Optional.empty(), PgScope.WHOLE_DATABASE,
            false, FactsMode.EXACT, 1, false, false, Optional.empty());

    /** {@code exact} counts every table in the snapshot; {@code estimate} reads planner statistics. */
    public enum FactsMode { EXACT, ESTIMATE }

    public PostgresOptions {
        if (jobs < 1) {
            throw new IllegalArgumentException("jobs must be at least 1");
        }
    }

    public PostgresOptions withPgBin(Optional<Path> folder) {
        return new PostgresOptions(folder, scope, allDatabases, facts, jobs, terminateConnections, dropPrevious,
                verifyServer);
    }

    public PostgresOptions withBackup(PgScope backupScope, boolean everyDatabase, FactsMode mode) {
        return new PostgresOptions(pgBin, backupScope, everyDatabase, mode, jobs, terminateConnections, dropPrevious,
                verifyServer);
    }

    public PostgresOptions withRestore(int restoreJobs, boolean terminate, boolean dropOld) {
        return new PostgresOptions(pgBin, scope, allDatabases, facts, restoreJobs, terminate, dropOld, verifyServer);
    }

    public PostgresOptions withVerify(int restoreJobs, Optional<String> server) {
        return new PostgresOptions(pgBin, scope, allDatabases, facts, restoreJobs, terminateConnections, dropPrevious,
                server);
    }
}
