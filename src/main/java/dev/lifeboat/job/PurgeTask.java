package dev.lifeboat.job;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.catalog.PurgeAudit;
import dev.lifeboat.catalog.RunStatus;
import dev.lifeboat.catalog.RunTracker;
import dev.lifeboat.config.JobConfig;
import dev.lifeboat.hooks.HookCalls;
import dev.lifeboat.hooks.HookPoint;
import dev.lifeboat.purge.PurgeDatabase;
import dev.lifeboat.purge.PurgeResult;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Deletes expired rows by a purge job's rules, each rule in its own transaction, and keeps an
 * audit record per rule in the catalog. A dry run only counts and runs no hooks and no backup.
 */
final class PurgeTask {
    private final JobParts parts;

    PurgeTask(JobParts parts) {
        this.parts = parts;
    }

    /** @param backupFirst runs the named backup job and returns how it ended */
    TaskResult run(JobConfig job, String trigger, boolean dryRun, HookCalls hooks,
                   Function<String, JobOutcome> backupFirst) {
        PurgeDatabase database = parts.purgeDatabases().forSource(job.source());
        List<String> backupIds = new java.util.ArrayList<>();
        RunStatus status = RunStatus.COMPLETED;
        String message;
        boolean tracked = false;
        try {
            if (!dryRun) {
                job.backupFirst().ifPresent(other -> backupIds.addAll(backUp(backupFirst.apply(other))));
                hooks.before(HookPoint.BEFORE_PURGE, Map.of("LIFEBOAT_SOURCE", database.location()));
            }
            tracked = true;
            PurgeResult result = parts.tracker().track("purge", trigger, job.name(), database.location(),
                    () -> purge(job, database, dryRun), done -> new RunTracker.Ending(RunStatus.COMPLETED, null));
            message = (dryRun ? "dry run, nothing deleted; would delete " : "deleted ") + describe(result);
        } catch (Exception e) {
            status = RunStatus.FAILED;
            message = BackupTask.message(e);
            if (!tracked) {
                JobRunner.recordFailure(parts.tracker(), "purge", trigger, job.name(), message);
            }
        }
        if (!dryRun) {
            Optional<String> hookFailure = hooks.after(HookPoint.AFTER_PURGE, status, backupIds,
                    status == RunStatus.FAILED ? message : null, Map.of("LIFEBOAT_SOURCE", database.location()));
            if (hookFailure.isPresent()) {
                status = RunStatus.FAILED;
                message = message + "; " + hookFailure.get();
            }
        }
        return new TaskResult(status, message, backupIds, 0, List.of(), List.of());
    }

    private static List<String> backUp(JobOutcome backup) {
        if (backup.failed() || backup.suspicious()) {
            throw new LifeboatException(ExitCode.FAILURE, "the backup first (job " + backup.job() + ") "
                    + backup.status() + ": " + backup.message() + "; nothing was purged");
        }
        return backup.backupIds();
    }

    private PurgeResult purge(JobConfig job, PurgeDatabase database, boolean dryRun) {
        PurgeResult result = parts.purger().run(database, job.rules(), dryRun);
        for (PurgeResult.RuleOutcome rule : result.rules()) {
            parts.records().ifPresent(records -> audit(records, job, rule, dryRun));
        }
        if (result.failed()) {
            throw new LifeboatException(ExitCode.SOURCE, result.rules().stream().filter(PurgeResult.RuleOutcome::failed)
                    .map(r -> r.error().orElseThrow()).collect(Collectors.joining("; "))
                    + (result.rules().stream().anyMatch(r -> !r.failed()) ? " (other rules: " + describe(result) + ")"
                    : ""));
        }
        return result;
    }

    private void audit(dev.lifeboat.catalog.JobRecords records, JobConfig job, PurgeResult.RuleOutcome rule,
                       boolean dryRun) {
        try {
            records.putPurgeAudit(new PurgeAudit(job.name(), parts.clock().instant(), rule.rule().describe(),
                    rule.rule().table(), rule.cutoff(), rule.rows(), dryRun, rule.error().orElse(null)));
        } catch (LifeboatException e) {
            parts.log().event("warning", dev.lifeboat.log.Log.fields("job", job.name(), "message", "the purge audit record was not"
                    + " written (" + e.getMessage() + ")"));
        }
    }

    private static String describe(PurgeResult result) {
        return result.rules().stream().filter(r -> !r.failed())
                .map(r -> r.rows() + " row(s) from " + r.rule().table()).collect(Collectors.joining(", "));
    }
}
