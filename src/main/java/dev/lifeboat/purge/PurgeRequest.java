package dev.lifeboat.purge;

import dev.lifeboat.catalog.RunStatus;
import dev.lifeboat.hooks.HookCalls;
import dev.lifeboat.retention.RetentionPolicy;
import dev.lifeboat.schedule.CronSchedule;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

/**
 * One purge as a front end asks for it.
 *
 * @param job the purge job's name, for the catalog, the audit records and the hooks
 * @param source the database, as a SOURCE argument
 * @param trigger who started it: {@code manual}, {@code schedule}, ...
 * @param hooks the job's before-purge and after-purge hooks
 * @param backupFirst a backup to take before anything is deleted; nothing is purged unless it succeeds
 * @param backupJobs the backup jobs that may hold backups of {@code source}: those whose source is
 *                   the same database (or that {@code backupFirst} names) are the ones the report
 *                   looks through for backups still holding purged rows
 */
public record PurgeRequest(String job, String source, List<PurgeRule> rules, boolean dryRun, String trigger,
                           HookCalls hooks, Optional<BackupFirst> backupFirst, List<BackupJob> backupJobs) {
    public PurgeRequest {
        rules = List.copyOf(rules);
        backupJobs = List.copyOf(backupJobs);
    }

    /** Runs another job's backup and says how it ended; it never throws for a backup that failed. */
    public interface BackupFirst {
        String job();

        Outcome run();

        record Outcome(RunStatus status, String message, List<String> backupIds) {
            public Outcome {
                backupIds = List.copyOf(backupIds);
            }
        }
    }

    /**
     * A backup job as far as a purge report needs it: where its backups are, under which name, the
     * retention applied after each backup, and when backups are made.
     */
    public record BackupJob(String name, String source, List<Repository> repositories,
                            Optional<CronSchedule> schedule, ZoneId zone) {
        public BackupJob {
            repositories = List.copyOf(repositories);
        }
    }

    /** One repository of a backup job and its retention (empty: backups are kept until deleted by hand). */
    public record Repository(String spec, Optional<RetentionPolicy> retention) {
    }
}
