package dev.lifeboat.job;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.backup.BackupResult;
import dev.lifeboat.backup.BackupRunner;
import dev.lifeboat.backup.Destination;
import dev.lifeboat.backup.RepositoryOutcome;
import dev.lifeboat.catalog.Run;
import dev.lifeboat.catalog.RunTracker;
import dev.lifeboat.config.JobConfig;
import dev.lifeboat.config.RepositoryConfig;
import dev.lifeboat.hooks.HookPoint;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.pipeline.StoredForm;
import dev.lifeboat.prune.Pruner;
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

    /** Backs up into every repository in one pass, then applies each one's retention; returns status and message. */
    private String[] backupAll(JobConfig job, String trigger, Source source, StoredForm form, BackupRunner.Guards guards,
                               List<String> ids, List<String> warnings, List<String> alarms, long[] stored)
            throws LifeboatException {
        List<RepositoryConfig> configs = job.repositories();
        List<Destination> destinations = new ArrayList<>();
        try {
            for (RepositoryConfig repo : configs) {
                destinations.add(new Destination(parts.repository(repo.spec()), !repo.optional()));
            }
            BackupRunner.Outcome outcome = backup(job, trigger, source, form, guards, destinations);
            warnings.addAll(outcome.warnings());
            if (outcome.skipped().isPresent()) {
                return new String[] {Run.SKIPPED, "skipped: " + outcome.skipped().get()};
            }
            BackupResult result = outcome.result().orElseThrow();
            List<String> failures = new ArrayList<>();
            for (int i = 0; i < configs.size(); i++) {
                RepositoryOutcome repositoryOutcome = result.repositories().get(i);
                RepositoryConfig repo = configs.get(i);
                if (!repositoryOutcome.stored()) {
                    String why = (repo.optional() ? "optional repository " : "") + repo.spec() + ": "
                            + repositoryOutcome.error();
                    (repo.optional() ? warnings : failures).add(why);
                    continue;
                }
                stored[0] += repositoryOutcome.bytes();
                keep(job, trigger, result.manifest(), destinations.get(i).repository(), repo, failures);
            }
            if (result.manifest() != null && result.repositories().stream().anyMatch(RepositoryOutcome::stored)) {
                ids.add(result.manifest().id());
                result.manifest().alarms().forEach(alarms::add);
            }
            return ending(job, failures, alarms, ids);
        } finally {
            destinations.forEach(d -> d.repository().close());
        }
    }

    /** Indexes the stored backup and applies the repository's retention; a retention failure fails the run. */
    private void keep(JobConfig job, String trigger, Manifest manifest, Repository repository, RepositoryConfig repo,
                      List<String> failures) {
        parts.tracker().backup(manifest, repository.location(),
                manifest.isSuspicious() ? Run.SUSPICIOUS : Run.COMPLETED, null);
        if (repo.retention().isPresent()) {
            try {
                prune(job, trigger, repository, repo.retention().get());
            } catch (Exception e) {
                failures.add(repo.spec() + ": retention failed: " + message(e));
            }
        }
    }

    private static String[] ending(JobConfig job, List<String> failures, List<String> alarms, List<String> ids) {
        if (!failures.isEmpty()) {
            return new String[] {Run.FAILED, String.join("; ", failures)};
        }
        if (!alarms.isEmpty()) {
            return new String[] {job.guards().failOnShrink() ? Run.SUSPICIOUS : Run.COMPLETED,
                "backup is SUSPICIOUS: " + String.join("; ", alarms)};
        }
        return new String[] {Run.COMPLETED, "backed up " + ids + " to " + job.repositories().size() + " repositor"
                + (job.repositories().size() == 1 ? "y" : "ies")};
    }

    private BackupRunner.Outcome backup(JobConfig job, String trigger, Source source, StoredForm form,
                                        BackupRunner.Guards guards, List<Destination> destinations)
            throws LifeboatException {
        String where = String.join(", ", destinations.stream().map(d -> d.repository().location()).toList());
        try {
            return parts.tracker().track("backup", trigger, job.name(), where,
                    () -> parts.backups().run(source, job.name(), form, destinations, guards),
                    done -> new RunTracker.Ending(done.skipped().isPresent() ? Run.SKIPPED
                            : !done.result().orElseThrow().succeeded() ? Run.FAILED
                            : done.result().orElseThrow().manifest().isSuspicious() ? Run.SUSPICIOUS : Run.COMPLETED,
                            done.result().map(BackupResult::manifest).orElse(null)));
        } catch (LifeboatException e) {
            throw e;
        } catch (Exception e) {
            throw new LifeboatException(ExitCode.FAILURE, message(e), e);
        }
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
