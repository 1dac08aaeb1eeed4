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
        List<Source> sources = parts.engines().forSpec(job.source(), job.sourceOptions()).sources(job.source());
        String location = sources.size() == 1 ? sources.get(0).location() : job.source();
        TaskResult result;
        try {
            hooks.before(HookPoint.BEFORE_BACKUP, Map.of("LIFEBOAT_SOURCE", location));
            result = merged(job, backUp(job, trigger, sources).items());
        } catch (LifeboatException e) {
            JobRunner.recordFailure(parts.tracker(), "backup", trigger, job.name(), e.getMessage());
            result = new TaskResult(RunStatus.FAILED, e.getMessage(), List.of(), 0, List.of(), List.of(), e.exitCode());
        }
        Optional<String> hookFailure = hooks.after(HookPoint.AFTER_BACKUP, result.status(), result.backupIds(),
                result.status() == RunStatus.FAILED ? result.message() : null,
                Map.of("LIFEBOAT_SOURCE", location));
        if (hookFailure.isPresent()) {
            return new TaskResult(RunStatus.FAILED, result.message() + "; " + hookFailure.get(), result.backupIds(),
                    result.storedBytes(), result.warnings(), result.alarms(), ExitCode.FAILURE);
        }
        return result;
    }

    private BackupReport backUp(JobConfig job, String trigger, List<Source> sources) {
        List<BackupRequest.Target> targets = job.repositories().stream().map(repo -> new BackupRequest.Target(
                repo.spec(), !repo.optional(), repo.retention(), job.zone())).toList();
        BackupRequest request = new BackupRequest(sources, Optional.of(job.name()), job.compression(),
                job.level(), job.encryption().toRequest(), targets, job.guards().toGuards(),
                job.guards().failOnShrink(), trigger);
        try {
            return new BackupService(parts.backups(), parts.tracker(), parts::repository, parts.clock())
                    .backUp(request);
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

    /**
     * A whole server's backups (--all-databases) as one result: one failure stops no other, and
     * the first decides the exit, as on the command line.
     */
    private static TaskResult merged(JobConfig job, List<BackupReport.Item> items) {
        if (items.size() == 1) {
            return result(job, items.get(0));
        }
        List<TaskResult> results = items.stream().map(item -> result(job, item)).toList();
        List<String> ids = results.stream().flatMap(r -> r.backupIds().stream()).toList();
        long stored = results.stream().mapToLong(TaskResult::storedBytes).sum();
        List<String> warnings = results.stream().flatMap(r -> r.warnings().stream()).toList();
        List<String> alarms = results.stream().flatMap(r -> r.alarms().stream()).toList();
        List<Integer> failed = java.util.stream.IntStream.range(0, items.size())
                .filter(i -> results.get(i).status() == RunStatus.FAILED).boxed().toList();
        if (!failed.isEmpty()) {
            TaskResult first = results.get(failed.get(0));
            return new TaskResult(RunStatus.FAILED, failed.size() + " of " + results.size() + " backups failed, the"
                    + " first (" + items.get(failed.get(0)).name() + "): " + first.message() + " (the others were"
                    + " stored)", ids, stored, warnings, alarms, first.exit());
        }
        Optional<TaskResult> suspicious = results.stream().filter(r -> r.status() == RunStatus.SUSPICIOUS).findFirst();
        if (suspicious.isPresent()) {
            return new TaskResult(RunStatus.SUSPICIOUS, suspicious.get().message(), ids, stored, warnings, alarms,
                    suspicious.get().exit());
        }
        if (results.stream().allMatch(r -> r.status() == RunStatus.SKIPPED)) {
            return results.get(0);
        }
        return new TaskResult(RunStatus.COMPLETED, "backed up " + results.size() + " sources: " + ids, ids, stored,
                warnings, alarms, ExitCode.OK);
    }

    static String message(Exception e) {
        return e instanceof LifeboatException ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
