package dev.lifeboat.manifest;

import java.time.Instant;
import java.util.List;

/** The outcome of one verification by restore, stored next to the backup it checked. */
public record VerificationRecord(int format, @com.fasterxml.jackson.annotation.JsonAlias("backupId") String backupId,
                                 @com.fasterxml.jackson.annotation.JsonAlias("verifiedAt") Instant verifiedAt, boolean passed, List<String> checks,
                                 String error, @com.fasterxml.jackson.annotation.JsonAlias("lifeboatVersion") String lifeboatVersion, String host) {
    public VerificationRecord {
        checks = List.copyOf(checks);
    }

    /**
     * A record read back from a repository, which is untrusted: one that does not parse, lacks its
     * fields, or speaks of another backup counts as no record at all.
     */
    public static java.util.Optional<VerificationRecord> read(byte[] json, String backupId) {
        try {
            VerificationRecord record = Json.read(json, VerificationRecord.class);
            return record != null && backupId.equals(record.backupId()) && record.verifiedAt() != null
                    ? java.util.Optional.of(record) : java.util.Optional.empty();
        } catch (java.io.IOException | RuntimeException e) {
            return java.util.Optional.empty();
        }
    }
}
