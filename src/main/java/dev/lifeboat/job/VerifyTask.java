package dev.lifeboat.job;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.catalog.RunStatus;
import dev.lifeboat.config.JobConfig;
import dev.lifeboat.config.RepositoryConfig;
import dev.lifeboat.manifest.VerificationRecord;
import dev.lifeboat.repository.Repository;
import dev.lifeboat.verify.VerifyReport;
import dev.lifeboat.verify.VerifyRequest;
import dev.lifeboat.verify.VerifyService;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A job's verification: the newest backup of the job in each repository, as {@code verify latest
 * --name JOB} would ask for it, run by the same {@link VerifyService}, ending with the exit code
 * that command gives; a failing optional repository is a warning.
 */
final class VerifyTask {
    private final JobParts parts;

    VerifyTask(JobParts parts) {
        this.parts = parts;
    }

    TaskResult run(JobConfig job, String trigger) {
        VerifyService service = new VerifyService(parts.verifier().configured(job.sourceOptions()), parts.tracker());
        List<String> verified = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        ExitCode exit = ExitCode.OK;
        for (RepositoryConfig repo : job.repositories()) {
            Optional<LifeboatException> problem = verifyIn(service, job, repo.spec(), trigger, verified);
            if (problem.isPresent()) {
                (repo.optional() ? warnings : failures).add(repo.spec() + ": " + problem.get().getMessage());
                exit = repo.optional() || exit != ExitCode.OK ? exit : problem.get().exitCode();
            }
        }
        return failures.isEmpty()
                ? new TaskResult(RunStatus.COMPLETED, "verified " + String.join(", ", verified), verified, 0, warnings,
                        List.of())
                : new TaskResult(RunStatus.FAILED, String.join("; ", failures), verified, 0, warnings, List.of(), exit);
    }

    /** Verifies the job's newest backup in one repository; returns why not, if it did not pass. */
    private Optional<LifeboatException> verifyIn(VerifyService service, JobConfig job, String spec, String trigger,
                                                 List<String> verified) {
        try (Repository repository = parts.repository(spec)) {
            VerifyReport report = service.verify(new VerifyRequest(repository, new VerifyRequest.Which.Latest(),
                    Optional.of(job.name()), job.encryption().toKey(), Map.of(), trigger));
            verified.addAll(report.records().stream().map(VerificationRecord::backupId).toList());
            if (report.nothingYet().isPresent()) {
                return Optional.of(new LifeboatException(ExitCode.NOT_FOUND, "no backup of " + job.name() + " yet;"
                        + " run 'lifeboat run " + job.name() + "' first"));
            }
            return report.failure();
        } catch (LifeboatException e) {
            return Optional.of(e);
        } catch (Exception e) {
            return Optional.of(new LifeboatException(ExitCode.FAILURE, BackupTask.message(e), e));
        }
    }
}
