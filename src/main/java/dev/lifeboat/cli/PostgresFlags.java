package dev.lifeboat.cli;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.source.postgres.PgScope;
import dev.lifeboat.source.postgres.PostgresOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The PostgreSQL options of each command, as picocli mixins that turn into one
 * {@link PostgresOptions} value; commands pass it on without reading it.
 */
final class PostgresFlags {
    private PostgresFlags() {
    }

    /** Options every command with a PostgreSQL side has. */
    static class Common {
        @Option(names = "--pg-bin", paramLabel = "DIR", description = "PostgreSQL: folder of pg_dump and pg_restore"
                + " (default: the PATH).")
        Path pgBin;

        PostgresOptions options() {
            return PostgresOptions.DEFAULTS.withPgBin(Optional.ofNullable(pgBin));
        }
    }

    static final class Backup extends Common {
        @Option(names = "--schema", paramLabel = "NAME", description = "PostgreSQL: back up only this schema"
                + " (repeatable).")
        List<String> schemas = new ArrayList<>();

        @Option(names = "--exclude-schema", paramLabel = "NAME", description = "PostgreSQL: leave this schema out.")
        List<String> excludeSchemas = new ArrayList<>();

        @Option(names = "--table", paramLabel = "SCHEMA.TABLE", description = "PostgreSQL: back up only this table"
                + " (repeatable).")
        List<String> tables = new ArrayList<>();

        @Option(names = "--exclude-table", paramLabel = "SCHEMA.TABLE", description = "PostgreSQL: leave this table"
                + " out.")
        List<String> excludeTables = new ArrayList<>();

        @Option(names = "--all-databases", description = "PostgreSQL: back up every database of the server"
                + " (URL without a database), one backup each, plus its roles and tablespaces (pg_dumpall"
                + " --globals-only).")
        boolean allDatabases;

        @Option(names = "--facts", paramLabel = "exact|estimate", defaultValue = "exact", description = "PostgreSQL:"
                + " row counts for the manifest, exact (default) or planner estimates for huge databases.")
        String facts;

        @Override
        PostgresOptions options() {
            PgScope scope = new PgScope(schemas, excludeSchemas,
                    tables.stream().map(t -> PgScope.QualifiedName.parse(t, "--table")).toList(),
                    excludeTables.stream().map(t -> PgScope.QualifiedName.parse(t, "--exclude-table")).toList());
            PostgresOptions.FactsMode mode = switch (facts.toLowerCase(Locale.ROOT)) {
                case "exact" -> PostgresOptions.FactsMode.EXACT;
                case "estimate" -> PostgresOptions.FactsMode.ESTIMATE;
                default -> throw new LifeboatException(ExitCode.USAGE, "--facts " + facts + " is not exact or estimate");
            };
            if (allDatabases && (!schemas.isEmpty() || !tables.isEmpty())) {
                throw new LifeboatException(ExitCode.USAGE, "--all-databases backs up whole databases; --schema and"
                        + " --table name parts of one database, back that one up on its own");
            }
            return super.options().withBackup(scope, allDatabases, mode);
        }
    }

    static final class Restore extends Common {
        @Option(names = "--jobs", paramLabel = "N", defaultValue = "1", description = "PostgreSQL: pg_restore jobs;"
                + " more than 1 spools the snapshot to scratch space first (default: ${DEFAULT-VALUE}, streamed).")
        int jobs;

        @Option(names = "--terminate-connections", description = "PostgreSQL: end other sessions of the target so"
                + " it can be renamed aside.")
        boolean terminateConnections;

        @Option(names = "--drop-previous", description = "PostgreSQL: drop the target's previous database after a"
                + " successful restore (default: keep it as <db>_pre_restore_<time>).")
        boolean dropPrevious;

        @Override
        PostgresOptions options() {
            return super.options().withRestore(checkedJobs(jobs), terminateConnections, dropPrevious);
        }
    }

    static final class Verify extends Common {
        @Option(names = "--jobs", paramLabel = "N", defaultValue = "1", description = "PostgreSQL: pg_restore jobs"
                + " (default: ${DEFAULT-VALUE}, streamed).")
        int jobs;

        @Option(names = "--verify-server", paramLabel = "URL", description = "PostgreSQL: restore into a scratch"
                + " database on this server (default: the server the backup came from).")
        String verifyServer;

        @Override
        PostgresOptions options() {
            return super.options().withVerify(checkedJobs(jobs), Optional.ofNullable(verifyServer));
        }
    }

    private static int checkedJobs(int jobs) {
        if (jobs < 1 || jobs > 64) {
            throw new LifeboatException(ExitCode.USAGE, "--jobs " + jobs + " is out of range; use 1 to 64");
        }
        return jobs;
    }
}
