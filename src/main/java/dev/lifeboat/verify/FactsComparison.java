package dev.lifeboat.verify;

import dev.lifeboat.LifeboatException;
import dev.lifeboat.manifest.Facts;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Compares the tables and row counts found in a restored copy with those in the manifest. */
public final class FactsComparison {
    private FactsComparison() {
    }

    public static List<String> differences(Facts expected, Facts actual) {
        List<String> differences = new ArrayList<>();
        // Counts from planner statistics (PostgreSQL --facts estimate) cannot be compared row for row.
        boolean estimated = "estimate".equals(expected.properties().get("row_counts"));
        TreeSet<String> tables = new TreeSet<>(expected.tableRows().keySet());
        tables.addAll(actual.tableRows().keySet());
        for (String table : tables) {
            Long want = expected.tableRows().get(table);
            Long got = actual.tableRows().get(table);
            if (want == null) {
                differences.add("table " + table + " is not in the manifest");
            } else if (got == null) {
                differences.add("table " + table + " is missing");
            } else if (!estimated && !want.equals(got)) {
                differences.add("table " + table + " has " + got + " rows, the manifest says " + want);
            }
        }
        return differences;
    }

    /** Fails with the first differences when the copy does not hold what the manifest says. */
    public static String requireEqual(Facts expected, Facts actual) {
        List<String> differences = differences(expected, actual);
        if (!differences.isEmpty()) {
            throw LifeboatException.integrity("the restored copy does not match its manifest: "
                    + String.join("; ", differences.subList(0, Math.min(3, differences.size())))
                    + (differences.size() > 3 ? "; and " + (differences.size() - 3) + " more" : "")
                    + "; restore an older backup");
        }
        Map<String, Long> rows = actual.tableRows();
        if ("estimate".equals(expected.properties().get("row_counts"))) {
            return "tables: " + rows.size() + " tables as in the manifest (" + actual.totalRows() + " rows; the"
                    + " manifest holds estimates only)";
        }
        return "row counts: " + rows.size() + " tables, " + actual.totalRows() + " rows, equal to the manifest";
    }
}
