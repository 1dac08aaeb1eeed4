package dev.lifeboat.backup;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.manifest.Manifest;
import java.util.List;
import java.util.Optional;

/**
 * One backup run over several repositories. The manifest is null when the snapshot never
 * reached the end of the pipeline (every repository failed on the way).
 */
public record BackupResult(Manifest manifest, List<RepositoryOutcome> repositories) {
    public BackupResult {
        repositories = List.copyOf(repositories);
    }

    /** The first required repository that does not have the backup, if any. */
    public Optional<RepositoryOutcome> failedRequired() {
        return repositories.stream().filter(r -> r.required() && !r.stored()).findFirst();
    }

    @JsonIgnore
    public boolean succeeded() {
        return failedRequired().isEmpty() && repositories.stream().anyMatch(RepositoryOutcome::stored);
    }

    /** The manifest when every required repository has the backup; otherwise the first failure. */
    public Manifest requireStored() {
        Optional<RepositoryOutcome> failed = failedRequired();
        if (failed.isPresent()) {
            throw failed.get().failure();
        }
        if (manifest == null || !succeeded()) {
            throw repositories.stream().map(RepositoryOutcome::failure).filter(f -> f != null).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no repository result"));
        }
        return manifest;
    }

    static LifeboatException unexpected(Exception e) {
        return e instanceof LifeboatException l ? l : new LifeboatException(dev.lifeboat.ExitCode.REPOSITORY,
                "repository write failed (" + e + "); check the repository and try again", e);
    }
}
