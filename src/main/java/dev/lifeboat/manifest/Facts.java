package dev.lifeboat.manifest;

import java.util.Map;
import java.util.TreeMap;

/**
 * What a snapshot contained, taken from the snapshot itself: every table with its exact row
 * count, and engine properties such as the server version or page size.
 */
public record Facts(String engine, @com.fasterxml.jackson.annotation.JsonAlias("engineVersion") String engineVersion,
                    @com.fasterxml.jackson.annotation.JsonAlias("tableRows") Map<String, Long> tableRows,
                    Map<String, String> properties) {

    public Facts {
        tableRows = Map.copyOf(new TreeMap<>(tableRows));
        properties = Map.copyOf(new TreeMap<>(properties));
    }

    public long totalRows() {
        return tableRows.values().stream().mapToLong(Long::longValue).sum();
    }
}
