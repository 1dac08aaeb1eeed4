package dev.lifeboat.manifest;

import java.time.Instant;
import java.util.List;

/** The outcome of one verification by restore, stored next to the backup it checked. */
public record VerificationRecord(int format, String backupId, Instant verifiedAt, boolean passed,
                                 List<String> checks, String error, String lifeboatVersion, String host) {
    public VerificationRecord {
        checks = List.copyOf(checks);
    }
}
