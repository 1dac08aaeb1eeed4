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
import dev.lifeboat.source.Source;
import java.util.List;
import java.util.Optional;

/**
 * A job's backup: the request the equivalent command line would make, with each repository's
 * retention and the job's backup hooks, run by the same {@link BackupService}, and its report
 * (whose status and failure the service decides) turned into a task result.
 */
final class BackupTask {
    private final JobParts parts;

    BackupTask(JobParts parts) {
        this.parts = parts;
    }

    TaskResult run(JobConfig job, String trigger, HookCalls hooks) {
        List<Source> sources = parts.engines().forSpec(job.source(), job.sourceOptions()).sources(job.source());
        String location = sources.size() == 1 ? sources.get(0).location() : job.source();
        List<BackupRequest.Target> targets = job.repositories().stream().map(repo -> new BackupRequest.Target(
                repo.spec(), !repo.optional(), repo.retention(), job.zone())).toList();
        BackupRequest request = new BackupRequest(sources, Optional.of(job.name()), job.compression(),
                job.level(), job.encryption().toRequest(), targets, job.guards().toGuards(),
                job.guards().failOnShrink(), trigger, Optional.of(new BackupRequest.Hooks(hooks, location)));
        BackupReport report;
        try {
            report = new BackupService(parts.backups(), parts.tracker(), parts::repository, parts.clock())
                    .backUp(request);
        } catch (LifeboatException e) {
            throw e;
        } catch (Exception e) {
            throw new LifeboatException(ExitCode.FAILURE, message(e), e);
        }
        List<String> warnings = report.items().stream().flatMap(i -> java.util.stream.Stream.concat(
                i.warnings().stream(), i.notes().stream())).toList();
        List<String> alarms = report.items().stream().flatMap(i -> i.manifest().stream())
                .flatMap(m -> m.alarms().stream()).toList();
        long stored = report.items().stream().flatMap(i -> i.result().stream())
                .flatMap(r -> r.repositories().stream()).mapToLong(RepositoryOutcome::bytes).sum();
        String message = report.refused().map(Exception::getMessage).orElseGet(() -> describe(report));
        return new TaskResult(report.status(), report.afterHook().map(h -> message + "; " + h).orElse(message),
                report.storedIds(), stored, warnings, alarms, report.failure().map(LifeboatException::exitCode)
                .orElse(ExitCode.OK));
    }

    /** The run's one line: what failed, or what was skipped, found suspicious or stored. */
    private static String describe(BackupReport report) {
        Optional<LifeboatException> failed = report.backupsFailure().filter(f -> f.exitCode() != ExitCode.SUSPICIOUS);
        if (failed.isPresent()) {
            return failed.get().getMessage();
        }
        List<BackupReport.Item> items = report.items();
        Optional<BackupReport.Item> suspicious = items.stream().filter(i -> i.status() == BackupReport.Status.SUSPICIOUS)
                .findFirst();
        if (suspicious.isPresent() && (items.size() == 1 || report.status() == RunStatus.SUSPICIOUS)) {
            return "backup is SUSPICIOUS: " + String.join("; ", suspicious.get().manifest().orElseThrow().alarms());
        }
        if (items.stream().allMatch(i -> i.status() == BackupReport.Status.SKIPPED)) {
            return "skipped: " + items.get(0).skipped().orElseThrow();
        }
        if (items.size() > 1) {
            return "backed up " + items.size() + " sources: " + report.storedIds();
        }
        long count = items.get(0).result().orElseThrow().repositories().stream().filter(RepositoryOutcome::stored)
                .count();
        return "backed up " + report.storedIds() + " to " + count + " repositor" + (count == 1 ? "y" : "ies");
    }

    static String message(Exception e) {
        return e instanceof LifeboatException ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
