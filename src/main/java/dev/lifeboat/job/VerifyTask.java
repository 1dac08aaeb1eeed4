package dev.lifeboat.job;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.catalog.Run;
import dev.lifeboat.catalog.RunTracker;
import dev.lifeboat.config.JobConfig;
import dev.lifeboat.config.RepositoryConfig;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.manifest.VerificationRecord;
import dev.lifeboat.repository.Repository;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Verifies the newest backup of a job in each repository by really restoring it into scratch space. */
final class VerifyTask {
    private final JobParts parts;

    VerifyTask(JobParts parts) {
        this.parts = parts;
    }

    TaskResult run(JobConfig job, String trigger) {
        List<String> verified = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (RepositoryConfig repo : job.repositories()) {
            try (Repository repository = parts.repository(repo.spec())) {
                Optional<Manifest> newest = repository.manifests().stream()
                        .filter(m -> m.name().equals(job.name()) && !m.isPreRestore())
                        .max(Comparator.comparing(Manifest::startedAt));
                if (newest.isEmpty()) {
                    throw new LifeboatException(ExitCode.NOT_FOUND, "no backup of " + job.name() + " yet; run"
                            + " 'lifeboat run " + job.name() + "' first");
                }
                verify(job, trigger, repository, newest.get());
                verified.add(newest.get().id());
            } catch (Exception e) {
                String why = repo.spec() + ": " + BackupTask.message(e);
                (repo.optional() ? warnings : failures).add(why);
            }
        }
        return failures.isEmpty()
                ? new TaskResult(Run.COMPLETED, "verified " + String.join(", ", verified), verified, 0, warnings,
                        List.of())
                : new TaskResult(Run.FAILED, String.join("; ", failures), verified, 0, warnings, List.of());
    }

    private void verify(JobConfig job, String trigger, Repository repository, Manifest manifest) throws Exception {
        dev.lifeboat.pipeline.Decryption decryption = job.encryption().toDecryption();
        RunTracker tracker = parts.tracker();
        try {
            VerificationRecord record = tracker.track("verify", trigger, manifest.name(), repository.location(),
                    () -> parts.verifier().configured(job.sourceOptions()).verify(repository, manifest, dev.lifeboat.crypto.Decryptions.forScheme(
                            manifest.encryption().scheme(), decryption), java.util.Map.of()),
                    done -> new RunTracker.Ending(Run.COMPLETED, null));
            tracker.backup(manifest, repository.location(), Run.VERIFIED, record.verifiedAt());
        } catch (LifeboatException e) {
            if (e.exitCode() == ExitCode.INTEGRITY) {
                tracker.backup(manifest, repository.location(), Run.FAILED, null);
            }
            throw e;
        }
    }
}
