package dev.lifeboat.job;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.backup.BackupRunner;
import dev.lifeboat.catalog.Run;
import dev.lifeboat.catalog.RunTracker;
import dev.lifeboat.config.JobConfig;
import dev.lifeboat.config.RepositoryConfig;
import dev.lifeboat.hooks.HookPoint;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.pipeline.StoredForm;
import dev.lifeboat.prune.Pruner;
import dev.lifeboat.repository.Repositories;
import dev.lifeboat.repository.Repository;
import dev.lifeboat.retention.RetentionPolicy;
import dev.lifeboat.source.Source;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Backs a job's source up into each of its repositories, then applies that repository's
 * retention. An optional repository that fails is a warning; a required one fails the run, but
 * the other repositories still get their backup.
 */
final class BackupTask {
    private final JobParts parts;

    BackupTask(JobParts parts) {
        this.parts = parts;
    }

    TaskResult run(JobConfig job, String trigger, HookCalls hooks) {
        Source source = parts.engines().forSpec(job.source()).source(job.source());
        StoredForm form = new StoredForm(job.compression(), job.level(), job.encryption().toEncryption());
        BackupRunner.Guards guards = job.guards().toGuards();
        List<String> ids = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        List<String> alarms = new ArrayList<>();
        long[] stored = {0};
        String status;
        String message;
        try {
            hooks.before(HookPoint.BEFORE_BACKUP, Map.of("LIFEBOAT_SOURCE", source.location()));
            String[] ending = backupAll(job, trigger, source, form, guards, ids, warnings, alarms, stored);
            status = ending[0];
            message = ending[1];
        } catch (LifeboatException e) {
            status = Run.FAILED;
            message = e.getMessage();
            JobRunner.recordFailure(parts.tracker(), "backup", trigger, job.name(), message);
        }
        Optional<String> hookFailure = hooks.after(HookPoint.AFTER_BACKUP, status, ids,
                Run.FAILED.equals(status) ? message : null, Map.of("LIFEBOAT_SOURCE", source.location()));
        if (hookFailure.isPresent()) {
            status = Run.FAILED;
            message = message + "; " + hookFailure.get();
        }
        return new TaskResult(status, message, ids, stored[0], warnings, alarms);
    }

    /** Backs up into every repository; returns the status and message. */
    private String[] backupAll(JobConfig job, String trigger, Source source, StoredForm form, BackupRunner.Guards guards,
                               List<String> ids, List<String> warnings, List<String> alarms, long[] stored) {
        List<String> failures = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (RepositoryConfig repo : job.repositories()) {
            if (Thread.currentThread().isInterrupted()) {
                throw new LifeboatException(ExitCode.FAILURE, "cancelled because lifeboat is stopping");
            }
            try {
                Repository repository = Repositories.open(repo.spec());
                BackupRunner.Outcome outcome = backup(job, trigger, source, form, guards, repository);
                warnings.addAll(outcome.warnings());
                outcome.skipped().ifPresent(skipped::add);
                if (outcome.manifest().isPresent()) {
                    Manifest m = outcome.manifest().get();
                    ids.add(m.id());
                    stored[0] += m.seal().storedSize();
                    m.alarms().forEach(a -> alarms.add(repository.location() + ": " + a));
                }
                if (repo.retention().isPresent() && outcome.manifest().isPresent()) {
                    prune(job, trigger, repository, repo.retention().get());
                }
            } catch (Exception e) {
                String why = (repo.optional() ? "optional repository " : "") + repo.spec() + ": " + message(e);
                (repo.optional() ? warnings : failures).add(why);
            }
        }
        if (!failures.isEmpty()) {
            return new String[] {Run.FAILED, String.join("; ", failures)};
        }
        if (!alarms.isEmpty()) {
            return new String[] {job.guards().failOnShrink() ? Run.SUSPICIOUS : Run.COMPLETED,
                "backup is SUSPICIOUS: " + String.join("; ", alarms)};
        }
        if (ids.isEmpty() && !skipped.isEmpty()) {
            return new String[] {Run.SKIPPED, "skipped: " + skipped.get(0)};
        }
        return new String[] {Run.COMPLETED, "backed up to " + ids.size() + " repositor" + (ids.size() == 1 ? "y"
                : "ies")};
    }

    private BackupRunner.Outcome backup(JobConfig job, String trigger, Source source, StoredForm form,
                                        BackupRunner.Guards guards, Repository repository) throws Exception {
        RunTracker tracker = parts.tracker();
        BackupRunner.Outcome outcome = tracker.track("backup", trigger, job.name(), repository.location(),
                () -> parts.backups().run(source, job.name(), form, repository, guards),
                done -> new RunTracker.Ending(done.skipped().isPresent() ? Run.SKIPPED
                        : done.manifest().orElseThrow().isSuspicious() ? Run.SUSPICIOUS : Run.COMPLETED,
                        done.manifest().orElse(null)));
        outcome.manifest().ifPresent(m -> tracker.backup(m, repository.location(),
                m.isSuspicious() ? Run.SUSPICIOUS : Run.COMPLETED, null));
        return outcome;
    }

    private void prune(JobConfig job, String trigger, Repository repository, RetentionPolicy policy)
            throws Exception {
        Pruner pruner = new Pruner(parts.clock(), job.zone());
        parts.tracker().track("prune", trigger, job.name(), repository.location(),
                () -> pruner.prune(repository, policy, RetentionPolicy.SAFETY_BACKUPS, Optional.of(job.name())),
                done -> new RunTracker.Ending(Run.COMPLETED, null));
    }

    static String message(Exception e) {
        return e instanceof LifeboatException ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
