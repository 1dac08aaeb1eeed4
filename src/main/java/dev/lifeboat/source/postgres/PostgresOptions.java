package dev.lifeboat.source.postgres;

import dev.lifeboat.source.EngineFailure;
import static dev.lifeboat.source.EngineOption.Operation.BACKUP;
import static dev.lifeboat.source.EngineOption.Operation.RESTORE;
import static dev.lifeboat.source.EngineOption.Operation.VERIFY;

import dev.lifeboat.LifeboatException;
import dev.lifeboat.source.EngineOption;
import dev.lifeboat.source.EngineOption.Type;
import dev.lifeboat.source.EngineSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Everything the PostgreSQL engine can be told, typed, made from one run's {@link EngineSettings}
 * by {@link #from}; {@link #DECLARED} is what the command line and the config file offer.
 *
 * @param pgBin folder of pg_dump, pg_restore and pg_dumpall; empty means the PATH
 * @param scope which schemas and tables a backup holds
 * @param allDatabases back up every database of the server, plus its roles and tablespaces
 * @param facts how rows are counted for the manifest
 * @param jobs pg_restore jobs; more than one spools the snapshot to scratch space first
 * @param terminateConnections end other sessions of the target so it can be renamed
 * @param dropPrevious drop the target's previous database after a successful restore
 * @param verifyServer where verification restores (a postgresql:// URL); empty means the source server
 * @param physical a base backup of the whole cluster (pg_basebackup) for point-in-time recovery
 */
record PostgresOptions(Optional<Path> pgBin, PgScope scope, boolean allDatabases, FactsMode facts, int jobs,
                              boolean terminateConnections, boolean dropPrevious, Optional<String> verifyServer,
                              boolean physical) {
    static final PostgresOptions DEFAULTS = new PostgresOptions(Optional.empty(), PgScope.WHOLE_DATABASE,
            false, FactsMode.EXACT, 1, false, false, Optional.empty(), false);

    /** {@code exact} counts every table in the snapshot; {@code estimate} reads planner statistics. */
    enum FactsMode { EXACT, ESTIMATE }

    private static final EngineOption PG_BIN = EngineOption.of(Type.TEXT, "pg-bin", "DIR", "PostgreSQL: folder of"
            + " pg_dump and pg_restore (default: the PATH).", BACKUP, VERIFY, RESTORE);
    private static final EngineOption SCHEMA = EngineOption.of(Type.LIST, "schema", "NAME", "PostgreSQL: back up"
            + " only this schema (repeatable).", BACKUP);
    private static final EngineOption EXCLUDE_SCHEMA = EngineOption.of(Type.LIST, "exclude-schema", "NAME",
            "PostgreSQL: leave this schema out.", BACKUP);
    private static final EngineOption TABLE = EngineOption.of(Type.LIST, "table", "SCHEMA.TABLE", "PostgreSQL: back"
            + " up only this table (repeatable).", BACKUP).checkedBy(PgScope.QualifiedName::problem);
    private static final EngineOption EXCLUDE_TABLE = EngineOption.of(Type.LIST, "exclude-table", "SCHEMA.TABLE",
            "PostgreSQL: leave this table out.", BACKUP).checkedBy(PgScope.QualifiedName::problem);
    private static final EngineOption ALL_DATABASES = EngineOption.flag("all-databases", "PostgreSQL: back up every"
            + " database of the server (URL without a database), one backup each, plus its roles and tablespaces"
            + " (pg_dumpall --globals-only).", BACKUP);
    private static final EngineOption FACTS = EngineOption.of(Type.TEXT, "facts", "exact|estimate", "PostgreSQL:"
            + " row counts for the manifest, exact (default) or planner estimates for huge databases.", BACKUP)
            .withDefault("exact").checkedBy(value -> value.toLowerCase(Locale.ROOT).matches("exact|estimate")
                    ? Optional.empty() : Optional.of(value + " is not exact or estimate"));
    private static final EngineOption RESTORE_JOBS = EngineOption.of(Type.INTEGER, "jobs", "N", "PostgreSQL:"
            + " pg_restore jobs; more than 1 spools the snapshot to scratch space first (default: ${DEFAULT-VALUE},"
            + " streamed).", RESTORE).withDefault("1").checkedBy(PostgresOptions::jobsProblem);
    private static final EngineOption VERIFY_JOBS = EngineOption.of(Type.INTEGER, "jobs", "N", "PostgreSQL:"
            + " pg_restore jobs (default: ${DEFAULT-VALUE}, streamed).", VERIFY).withDefault("1")
            .checkedBy(PostgresOptions::jobsProblem);
    private static final EngineOption TERMINATE_CONNECTIONS = EngineOption.flag("terminate-connections",
            "PostgreSQL: end other sessions of the target so it can be renamed aside.", RESTORE);
    private static final EngineOption DROP_PREVIOUS = EngineOption.flag("drop-previous", "PostgreSQL: drop the"
            + " target's previous database after a successful restore (default: keep it as"
            + " <db>_pre_restore_<time>).", RESTORE);
    private static final EngineOption VERIFY_SERVER = EngineOption.of(Type.TEXT, "verify-server", "URL",
            "PostgreSQL: restore into a scratch database on this server (default: the server the backup came"
            + " from).", VERIFY).checkedBy(PostgresOptions::serverProblem);

    private static final EngineOption PHYSICAL = EngineOption.flag("physical", "PostgreSQL: a base backup of the"
            + " whole cluster with pg_basebackup, for point-in-time recovery with the WAL that 'lifeboat wal-push'"
            + " archives (see 'Point-in-time recovery' in the README).", BACKUP);

    /** The engine's options, in the order help lists them. */
    static final List<EngineOption> DECLARED = List.of(PG_BIN, SCHEMA, EXCLUDE_SCHEMA, TABLE, EXCLUDE_TABLE,
            ALL_DATABASES, PHYSICAL, FACTS, RESTORE_JOBS, VERIFY_JOBS, TERMINATE_CONNECTIONS, DROP_PREVIOUS, VERIFY_SERVER);

    /** The typed options of one run; a value or combination the engine refuses is a usage error. */
    static PostgresOptions from(EngineSettings settings) {
        PgScope scope = new PgScope(SCHEMA.values(settings), EXCLUDE_SCHEMA.values(settings),
                TABLE.values(settings).stream().map(PgScope.QualifiedName::parse).toList(),
                EXCLUDE_TABLE.values(settings).stream().map(PgScope.QualifiedName::parse).toList());
        boolean allDatabases = ALL_DATABASES.isOn(settings);
        if (allDatabases && (!scope.schemas().isEmpty() || !scope.tables().isEmpty())) {
            throw EngineFailure.request("--all-databases backs up whole databases; --schema and"
                    + " --table name parts of one database, back that one up on its own");
        }
        boolean physical = PHYSICAL.isOn(settings);
        if (physical && (allDatabases || !scope.equals(PgScope.WHOLE_DATABASE))) {
            throw EngineFailure.request("--physical backs up the whole cluster; leave out"
                    + " --all-databases, --schema and --table (or back up logically without --physical)");
        }
        FactsMode facts = FACTS.value(settings).orElseThrow().equalsIgnoreCase("estimate") ? FactsMode.ESTIMATE
                : FactsMode.EXACT;
        return new PostgresOptions(PG_BIN.value(settings).map(Path::of), scope, allDatabases, facts,
                RESTORE_JOBS.integer(settings), TERMINATE_CONNECTIONS.isOn(settings), DROP_PREVIOUS.isOn(settings),
                VERIFY_SERVER.value(settings), physical);
    }

    private static Optional<String> jobsProblem(String value) {
        int jobs = Integer.parseInt(value.trim());
        return jobs >= 1 && jobs <= 64 ? Optional.empty() : Optional.of(jobs + " is out of range; use 1 to 64");
    }

    private static Optional<String> serverProblem(String value) {
        try {
            PgUrl.parse(value);
            return Optional.empty();
        } catch (LifeboatException e) {
            return Optional.of(e.getMessage());
        }
    }

    public PostgresOptions {
        if (jobs < 1) {
            throw new IllegalArgumentException("jobs must be at least 1");
        }
    }

    public PostgresOptions withPgBin(Optional<Path> folder) {
        return new PostgresOptions(folder, scope, allDatabases, facts, jobs, terminateConnections, dropPrevious,
                verifyServer, physical);
    }
}
