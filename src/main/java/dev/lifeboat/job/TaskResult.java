package dev.lifeboat.job;

import java.util.List;

/** What a task reports to the envelope in {@link JobRunner}. */
record TaskResult(String status, String message, List<String> backupIds, long storedBytes, List<String> warnings,
                  List<String> alarms) {
    TaskResult {
        backupIds = List.copyOf(backupIds);
        warnings = List.copyOf(warnings);
        alarms = List.copyOf(alarms);
    }
}
