package dev.lifeboat.backup;

import dev.lifeboat.manifest.Facts;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Compares a new backup's facts with the previous good one of the same database: the check that
 * would have caught months of backups of an emptied database.
 */
public record ShrinkAlarm(int thresholdPercent) {
    public static final ShrinkAlarm DEFAULT = new ShrinkAlarm(50);

    public ShrinkAlarm {
        if (thresholdPercent < 1 || thresholdPercent > 100) {
            throw new IllegalArgumentException("threshold must be 1 to 100 percent");
        }
    }

    /** What shrank, in words; empty on normal growth. */
    public List<String> check(Facts previous, long previousPlainSize, Facts current, long currentPlainSize) {
        List<String> alarms = new ArrayList<>();
        long before = previous.totalRows();
        long now = current.totalRows();
        if (before > 0 && now * 100 < before * (100 - thresholdPercent)) {
            alarms.add("total rows fell from " + before + " to " + now);
        }
        if (previousPlainSize > 0 && currentPlainSize * 100 < previousPlainSize * (100 - thresholdPercent)) {
            alarms.add("snapshot size fell from " + previousPlainSize + " to " + currentPlainSize + " bytes");
        }
        for (Map.Entry<String, Long> table : previous.tableRows().entrySet()) {
            Long rows = current.tableRows().get(table.getKey());
            if (table.getValue() > 0 && rows == null) {
                alarms.add("table " + table.getKey() + " (" + table.getValue() + " rows) is gone");
            } else if (table.getValue() > 0 && rows == 0) {
                alarms.add("table " + table.getKey() + " is empty (had " + table.getValue() + " rows)");
            }
        }
        return alarms;
    }
}
