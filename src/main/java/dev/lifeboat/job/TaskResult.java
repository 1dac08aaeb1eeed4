package dev.lifeboat.job;

import dev.lifeboat.ExitCode;
import dev.lifeboat.catalog.Run;
import java.util.List;

/** What a task reports to the envelope in {@link JobRunner}. */
record TaskResult(String status, String message, List<String> backupIds, long storedBytes, List<String> warnings,
                  List<String> alarms, ExitCode exit) {
    TaskResult {
        backupIds = List.copyOf(backupIds);
        warnings = List.copyOf(warnings);
        alarms = List.copyOf(alarms);
    }

    /** A result whose exit code follows from its status alone. */
    TaskResult(String status, String message, List<String> backupIds, long storedBytes, List<String> warnings,
               List<String> alarms) {
        this(status, message, backupIds, storedBytes, warnings, alarms, Run.FAILED.equals(status) ? ExitCode.FAILURE
                : Run.SUSPICIOUS.equals(status) ? ExitCode.SUSPICIOUS : ExitCode.OK);
    }
}
