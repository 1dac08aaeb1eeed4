package dev.lifeboat.config;

import dev.lifeboat.retention.RetentionPolicy;
import java.util.Optional;

/**
 * One place a job's backups go. An optional repository that fails is a warning; a required one
 * fails the run. Retention, when set, is applied to this job's backups there after each backup.
 */
public record RepositoryConfig(String spec, boolean optional, Optional<RetentionPolicy> retention) {
}
