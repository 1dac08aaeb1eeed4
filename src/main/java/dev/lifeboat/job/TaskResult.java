package dev.lifeboat.job;

import dev.lifeboat.ExitCode;
import dev.lifeboat.catalog.RunStatus;
import java.util.List;

/** What a task reports to the envelope in {@link JobRunner}. */
record TaskResult(RunStatus status, String message, List<String> backupIds, long storedBytes, List<String> warnings,
                  List<String> alarms, ExitCode exit) {
    TaskResult {
        backupIds = List.copyOf(backupIds);
        warnings = List.copyOf(warnings);
        alarms = List.copyOf(alarms);
    }

    /** A result whose exit code follows from its status alone. */
    TaskResult(RunStatus status, String message, List<String> backupIds, long storedBytes, List<String> warnings,
               List<String> alarms) {
        this(status, message, backupIds, storedBytes, warnings, alarms, status == RunStatus.FAILED ? ExitCode.FAILURE
                : status == RunStatus.SUSPICIOUS ? ExitCode.SUSPICIOUS : ExitCode.OK);
    }
}
