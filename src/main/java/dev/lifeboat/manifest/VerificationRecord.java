package dev.lifeboat.manifest;

import java.time.Instant;
import java.util.List;

/**
 * The outcome of one verification by restore, stored next to the backup it checked.
 *
 * @param plainSha256 the SHA-256 of the plain snapshot every check passed on; null when
 *                    they did not pass, and in records written before it was recorded (which then
 *                    prove nothing about a later restore's bytes)
 */
public record VerificationRecord(int format, @com.fasterxml.jackson.annotation.JsonAlias("backupId") String backupId,
                                 @com.fasterxml.jackson.annotation.JsonAlias("verifiedAt") Instant verifiedAt, boolean passed, List<String> checks,
                                 String error, @com.fasterxml.jackson.annotation.JsonAlias("lifeboatVersion") String lifeboatVersion, String host,
                                 @com.fasterxml.jackson.annotation.JsonAlias("plainSha256") String plainSha256) {
    public VerificationRecord {
        checks = List.copyOf(checks);
    }

    /**
     * Whether this record proves that a plain snapshot with this SHA-256 passed every check: the
     * structural checks need not run again on those exact bytes.
     */
    public boolean provesPlain(String sha256) {
        return passed && plainSha256 != null && plainSha256.equalsIgnoreCase(sha256);
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
