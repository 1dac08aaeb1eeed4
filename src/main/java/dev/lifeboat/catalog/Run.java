package dev.lifeboat.catalog;

import java.time.Instant;

/** One row of the catalog's history: a backup, verify, restore, prune or copy run. */
public record Run(long id, String kind, String trigger, String status, String name, String repository,
                  String backupId, Instant startedAt, Instant finishedAt, Long durationMillis, Long plainSize,
                  Long storedSize, String error) {

    public static final String RUNNING = "RUNNING";
    public static final String COMPLETED = "COMPLETED";
    public static final String VERIFIED = "VERIFIED";
    public static final String FAILED = "FAILED";
    public static final String SUSPICIOUS = "SUSPICIOUS";
    public static final String SKIPPED = "SKIPPED";

    /** Stored bytes per plain byte, or null when unknown. */
    @com.fasterxml.jackson.annotation.JsonProperty("compressionRatio")
    public Double compressionRatio() {
        return plainSize == null || storedSize == null || plainSize == 0 ? null : (double) storedSize / plainSize;
    }
}
