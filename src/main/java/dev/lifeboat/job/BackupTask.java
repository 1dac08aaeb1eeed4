package dev.lifeboat.job;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.backup.BackupReport;
import dev.lifeboat.backup.BackupRequest;
import dev.lifeboat.backup.BackupService;
import dev.lifeboat.backup.RepositoryOutcome;
import dev.lifeboat.catalog.RunStatus;
import dev.lifeboat.config.JobConfig;
import dev.lifeboat.hooks.HookCalls;
import dev.lifeboat.hooks.HookPoint;
import dev.lifeboat.source.Source;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A job's backup: the request the equivalent command line would make, with each repository's
 * retention, run by the same {@link BackupService}, and its report turned into a task result.
 */
final class BackupTask {
    private final JobParts parts;

    BackupTask(JobParts parts) {
        this.parts = parts;
    }

    TaskResult run(JobConfig job, String trigger, HookCalls hooks) {
        Source source = parts.engines().forSpec(job.source()).source(job.source());
        TaskResult result;
        try {
            hooks.before(HookPoint.BEFORE_BACKUP, Map.of("LIFEBOAT_SOURCE", source.location()));
            result = result(job, backUp(job, trigger, source));
        } catch (LifeboatException e) {
            JobRunner.recordFailure(parts.tracker(), "backup", trigger, job.name(), e.getMessage());
            result = new TaskResult(RunStatus.FAILED, e.getMessage(), List.of(), 0, List.of(), List.of(), e.exitCode());
        }
        Optional<String> hookFailure = hooks.after(HookPoint.AFTER_BACKUP, result.status(), result.backupIds(),
                result.status() == RunStatus.FAILED ? result.message() : null,
                Map.of("LIFEBOAT_SOURCE", source.location()));
        if (hookFailure.isPresent()) {
            return new TaskResult(RunStatus.FAILED, result.message() + "; " + hookFailure.get(), result.backupIds(),
                    result.storedBytes(), result.warnings(), result.alarms(), ExitCode.FAILURE);
        }
        return result;
    }

    private BackupReport.Item backUp(JobConfig job, String trigger, Source source) {
        List<BackupRequest.Target> targets = job.repositories().stream().map(repo -> new BackupRequest.Target(
                repo.spec(), !repo.optional(), repo.retention(), job.zone())).toList();
        BackupRequest request = new BackupRequest(List.of(source), Optional.of(job.name()), job.compression(),
                job.level(), job.encryption().toRequest(), targets, job.guards().toGuards(),
                job.guards().failOnShrink(), trigger);
        try {
            return new BackupService(parts.backups(), parts.tracker(), parts::repository, parts.clock())
                    .backUp(request).items().get(0);
        } catch (LifeboatException e) {
            throw e;
        } catch (Exception e) {
            throw new LifeboatException(ExitCode.FAILURE, message(e), e);
        }
    }

    private static TaskResult result(JobConfig job, BackupReport.Item item) {
        List<String> ids = item.manifest().filter(m -> item.result().orElseThrow().repositories().stream()
                .anyMatch(RepositoryOutcome::stored)).map(m -> List.of(m.id())).orElse(List.of());
        long stored = item.result().map(r -> r.repositories().stream().mapToLong(RepositoryOutcome::bytes).sum())
                .orElse(0L);
        List<String> alarms = item.manifest().map(m -> m.alarms()).orElse(List.of());
        RunStatus status;
        String message;
        switch (item.status()) {
            case SKIPPED -> {
                status = RunStatus.SKIPPED;
                message = "skipped: " + item.skipped().orElseThrow();
            }
            case FAILED -> {
                status = RunStatus.FAILED;
                message = item.failure().orElseThrow().getMessage();
            }
            case SUSPICIOUS -> {
                status = job.guards().failOnShrink() ? RunStatus.SUSPICIOUS : RunStatus.COMPLETED;
                message = "backup is SUSPICIOUS: " + String.join("; ", alarms);
            }
            default -> {
                long count = item.result().orElseThrow().repositories().stream().filter(RepositoryOutcome::stored)
                        .count();
                status = RunStatus.COMPLETED;
                message = "backed up " + ids + " to " + count + " repositor" + (count == 1 ? "y" : "ies");
            }
        }
        List<String> warnings = new java.util.ArrayList<>(item.warnings());
        warnings.addAll(item.notes());
        ExitCode exit = item.failure().map(LifeboatException::exitCode)
                .filter(code -> code != ExitCode.SUSPICIOUS || job.guards().failOnShrink()).orElse(ExitCode.OK);
        return new TaskResult(status, message, ids, stored, warnings, alarms, exit);
    }

    static String message(Exception e) {
        return e instanceof LifeboatException ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
