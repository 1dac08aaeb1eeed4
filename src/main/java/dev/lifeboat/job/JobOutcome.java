package dev.lifeboat.job;

import dev.lifeboat.catalog.RunStatus;
import dev.lifeboat.purge.PurgeReport;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * How one job run ended: its status, a one-line message, the backups it
 * made, warnings such as an optional repository that failed, the exit code the command line
 * gives the same outcome, and for a purge its report (rules, erasure, backups still holding rows).
 */
public record JobOutcome(String job, Task task, String trigger, RunStatus status, String message, Instant startedAt,
                         Duration duration, List<String> backupIds, long storedBytes, List<String> warnings,
                         dev.lifeboat.ExitCode exit, Optional<PurgeReport> purge) {
    public JobOutcome {
        backupIds = List.copyOf(backupIds);
        warnings = List.copyOf(warnings);
    }

    public JobOutcome(String job, Task task, String trigger, RunStatus status, String message, Instant startedAt,
                      Duration duration, List<String> backupIds, long storedBytes, List<String> warnings,
                      dev.lifeboat.ExitCode exit) {
        this(job, task, trigger, status, message, startedAt, duration, backupIds, storedBytes, warnings, exit,
                Optional.empty());
    }

    /** The fields the log's run line and run's --json document share, snake_case, in this order. */
    public java.util.Map<String, Object> fields() {
        java.util.Map<String, Object> fields = new java.util.LinkedHashMap<>();
        fields.put("job", job);
        fields.put("task", task.key());
        fields.put("trigger", trigger);
        fields.put("status", status);
        fields.put("duration_ms", duration.toMillis());
        fields.put("backup_ids", backupIds);
        fields.put("stored_bytes", storedBytes);
        return fields;
    }

    public boolean failed() {
        return status == RunStatus.FAILED;
    }

    public boolean suspicious() {
        return status == RunStatus.SUSPICIOUS;
    }
}
