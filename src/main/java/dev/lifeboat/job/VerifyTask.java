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
 * that command gives; a failing optional repository is a warning. Before the job's first backup
 * there is nothing to verify: the run is SKIPPED and says so, rather than failing.
 */
final class VerifyTask {
    private final JobParts parts;

    VerifyTask(JobParts parts) {
        this.parts = parts;
    }

    TaskResult run(JobConfig job, String trigger) {
        VerifyService service = new VerifyService(parts.verifier().configured(job.sourceOptions()), parts.tracker());
        List<String> verified = new ArrayList<>();
        List<String> nothingYet = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        ExitCode exit = ExitCode.OK;
        for (RepositoryConfig repo : job.repositories()) {
            Optional<LifeboatException> problem = verifyIn(service, job, repo.spec(), trigger, verified, nothingYet);
            if (problem.isPresent()) {
                (repo.optional() ? warnings : failures).add(repo.spec() + ": " + problem.get().getMessage());
                exit = repo.optional() || exit != ExitCode.OK ? exit : problem.get().exitCode();
            }
        }
        if (!failures.isEmpty()) {
            return new TaskResult(RunStatus.FAILED, String.join("; ", failures), verified, 0, warnings, List.of(),
                    exit);
        }
        String none = "nothing to verify yet: no backup of " + job.name() + " in " + String.join(", ", nothingYet)
                + " (the job's first backup makes one)";
        if (verified.isEmpty() && !nothingYet.isEmpty()) {
            return new TaskResult(RunStatus.SKIPPED, none, List.of(), 0, warnings, List.of());
        }
        if (!nothingYet.isEmpty()) {
            warnings.add(none);
        }
        return new TaskResult(RunStatus.COMPLETED, "verified " + String.join(", ", verified), verified, 0, warnings,
                List.of());
    }

    /**
     * Verifies the job's newest backup in one repository; returns why not, if it did not pass. A
     * repository with no backup of the job yet (or none at all yet) is added to {@code nothingYet}.
     */
    private Optional<LifeboatException> verifyIn(VerifyService service, JobConfig job, String spec, String trigger,
                                                 List<String> verified, List<String> nothingYet) {
        try (Repository repository = parts.repository(spec)) {
            VerifyReport report = service.verify(new VerifyRequest(repository, new VerifyRequest.Which.Latest(),
                    Optional.of(job.name()), job.encryption().toKey(), Map.of(), trigger));
            verified.addAll(report.records().stream().map(VerificationRecord::backupId).toList());
            if (report.nothingYet().isPresent()) {
                nothingYet.add(repository.location());
                return Optional.empty();
            }
            return report.failure();
        } catch (LifeboatException e) {
            return Optional.of(e);
        } catch (Exception e) {
            return Optional.of(new LifeboatException(ExitCode.FAILURE, BackupTask.message(e), e));
        }
    }
}
