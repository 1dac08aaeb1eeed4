package dev.lifeboat.catalog;

import java.time.Instant;

/** One row of the catalog's history: a backup, verify, restore, prune or copy run. */
public record Run(long id, String kind, String trigger, RunStatus status, String name, String repository,
                  String backupId, Instant startedAt, Instant finishedAt, Long durationMillis, Long plainSize,
                  Long storedSize, String error) {

    /** Stored bytes per plain byte, or null when unknown. */
    @com.fasterxml.jackson.annotation.JsonProperty("compression_ratio")
    public Double compressionRatio() {
        return plainSize == null || storedSize == null || plainSize == 0 ? null : (double) storedSize / plainSize;
    }
}
