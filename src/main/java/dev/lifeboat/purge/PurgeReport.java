package dev.lifeboat.purge;

import dev.lifeboat.ExitCode;
import dev.lifeboat.catalog.RunStatus;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * How a purge ended, for a front end to render: per rule what was (or would be) deleted and which
 * backups still hold such rows, what was done so the deleted rows cannot be read back from the
 * database's files, and warnings (erasure that could not be completed, repositories not read).
 *
 * @param exit the exit code of a failed run, as the equivalent command gives it; OK otherwise
 */
public record PurgeReport(String job, String database, boolean dryRun, RunStatus status, String message,
                          List<String> backupIds, List<Rule> rules, List<String> erasure, List<String> warnings,
                          ExitCode exit) {
    public PurgeReport {
        backupIds = List.copyOf(backupIds);
        rules = List.copyOf(rules);
        erasure = List.copyOf(erasure);
        warnings = List.copyOf(warnings);
    }

    /**
     * One rule's outcome.
     *
     * @param backups the backups that still hold rows past the cutoff; empty when the rule failed
     *                or no backup job of this database was found
     */
    public record Rule(String rule, String table, Instant cutoff, long rows, Optional<String> error,
                       Optional<BackupsHolding> backups) {
    }
}
