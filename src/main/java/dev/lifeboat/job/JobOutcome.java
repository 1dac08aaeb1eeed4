package dev.lifeboat.job;

import dev.lifeboat.catalog.Run;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * How one job run ended: status (a {@link Run} status), a one-line message, the backups it
 * made, and warnings such as an optional repository that failed.
 */
public record JobOutcome(String job, Task task, String trigger, String status, String message, Instant startedAt,
                         Duration duration, List<String> backupIds, long storedBytes, List<String> warnings) {
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
