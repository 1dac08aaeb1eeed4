package dev.lifeboat.job;

import dev.lifeboat.catalog.RunStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * How one job run ended: its status, a one-line message, the backups it
 * made, warnings such as an optional repository that failed, and the exit code the command line
 * gives the same outcome.
 */
public record JobOutcome(String job, Task task, String trigger, RunStatus status, String message, Instant startedAt,
                         Duration duration, List<String> backupIds, long storedBytes, List<String> warnings,
                         dev.lifeboat.ExitCode exit) {
    public JobOutcome {
        backupIds = List.copyOf(backupIds);
        warnings = List.copyOf(warnings);
    }

    public boolean failed() {
        return status == RunStatus.FAILED;
    }

    public boolean suspicious() {
        return status == RunStatus.SUSPICIOUS;
    }
}
