package dev.lifeboat.job;

import dev.lifeboat.catalog.Run;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * How one job run ended: status (a {@link Run} status), a one-line message, the backups it
 * made, warnings such as an optional repository that failed, and the exit code the command line
 * gives the same outcome.
 */
public record JobOutcome(String job, Task task, String trigger, String status, String message, Instant startedAt,
                         Duration duration, List<String> backupIds, long storedBytes, List<String> warnings,
                         dev.lifeboat.ExitCode exit) {
    public JobOutcome {
        backupIds = List.copyOf(backupIds);
        warnings = List.copyOf(warnings);
    }

    public boolean failed() {
        return Run.FAILED.equals(status);
    }

    public boolean suspicious() {
        return Run.SUSPICIOUS.equals(status);
    }
}
