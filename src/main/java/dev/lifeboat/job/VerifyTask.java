package dev.lifeboat.job;

import dev.lifeboat.config.JobConfig;
import dev.lifeboat.verify.NewestEverywhere;
import dev.lifeboat.verify.VerifyService;
import java.util.List;
import java.util.Map;

/**
 * A job's verification: the newest backup of the job in each repository, as {@code verify latest
 * --name JOB} would ask for it, run by the same {@link VerifyService}, whose report decides the
 * status and exit code (see {@link NewestEverywhere}); here it only becomes a task result.
 */
final class VerifyTask {
    private final JobParts parts;

    VerifyTask(JobParts parts) {
        this.parts = parts;
    }

    TaskResult run(JobConfig job, String trigger) {
        VerifyService service = new VerifyService(parts.verifier().configured(job.sourceOptions()), parts.tracker());
        NewestEverywhere report = service.verifyNewest(job.repositories().stream().map(repo ->
                        new NewestEverywhere.Place(repo.spec(), repo.optional())).toList(), job.name(),
                job.encryption().toKey(), Map.of(), trigger, parts::repository);
        return new TaskResult(report.status(), report.message(), report.verified(), 0, report.allWarnings(),
                List.of(), report.exit());
    }
}
