package dev.lifeboat.job;

import dev.lifeboat.ExitCode;
import dev.lifeboat.catalog.RunStatus;
import dev.lifeboat.purge.PurgeReport;
import java.util.List;
import java.util.Optional;

/** What a task reports to the envelope in {@link JobRunner}; a purge also gives its whole report. */
record TaskResult(RunStatus status, String message, List<String> backupIds, long storedBytes, List<String> warnings,
                  List<String> alarms, ExitCode exit, Optional<PurgeReport> purge) {
    TaskResult {
        backupIds = List.copyOf(backupIds);
        warnings = List.copyOf(warnings);
        alarms = List.copyOf(alarms);
    }

    TaskResult(RunStatus status, String message, List<String> backupIds, long storedBytes, List<String> warnings,
               List<String> alarms, ExitCode exit) {
        this(status, message, backupIds, storedBytes, warnings, alarms, exit, Optional.empty());
    }

    /** A result whose exit code follows from its status alone. */
    TaskResult(RunStatus status, String message, List<String> backupIds, long storedBytes, List<String> warnings,
               List<String> alarms) {
        this(status, message, backupIds, storedBytes, warnings, alarms, status == RunStatus.FAILED ? ExitCode.FAILURE
                : status == RunStatus.SUSPICIOUS ? ExitCode.SUSPICIOUS : ExitCode.OK);
    }
}
