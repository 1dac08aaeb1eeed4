package dev.lifeboat.job;

import dev.lifeboat.config.JobConfig;
import dev.lifeboat.config.LifeboatConfig;
import dev.lifeboat.hooks.HookCalls;
import dev.lifeboat.purge.PurgeReport;
import dev.lifeboat.purge.PurgeRequest;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** A purge job's run: its request for the purge service, and the report as a task result. */
final class PurgeTask {
    private final JobParts parts;

    PurgeTask(JobParts parts) {
        this.parts = parts;
    }

    /** @param backupFirst runs the named backup job and returns how it ended */
    TaskResult run(JobConfig job, LifeboatConfig config, String trigger, boolean dryRun, HookCalls hooks,
                   Function<String, JobOutcome> backupFirst) {
        Optional<PurgeRequest.BackupFirst> first = job.backupFirst().map(other -> new PurgeRequest.BackupFirst() {
            @Override
            public String job() {
                return other;
            }

            @Override
            public Outcome run() {
                JobOutcome outcome = backupFirst.apply(other);
                return new Outcome(outcome.status(), outcome.message(), outcome.backupIds());
            }
        });
        List<PurgeRequest.BackupJob> backupJobs = config.jobs().values().stream()
                .filter(j -> j.kind() == JobConfig.Kind.BACKUP).map(PurgeTask::backupJob).toList();
        PurgeReport report = parts.purges().purge(new PurgeRequest(job.name(), job.source(), job.rules(), dryRun,
                trigger, hooks, first, backupJobs));
        return new TaskResult(report.status(), report.message(), report.backupIds(), 0, report.warnings(), List.of(),
                report.exit(), Optional.of(report));
    }

    private static PurgeRequest.BackupJob backupJob(JobConfig job) {
        return new PurgeRequest.BackupJob(job.name(), job.source(), job.repositories().stream()
                .map(r -> new PurgeRequest.Repository(r.spec(), r.retention())).toList(), job.schedule(), job.zone());
    }
}
