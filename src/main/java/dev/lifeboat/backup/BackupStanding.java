package dev.lifeboat.backup;

import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.manifest.VerificationRecord;
import dev.lifeboat.repository.Repository;
import java.io.IOException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;

/**
 * Whether a backup can be vouched for: it raised no shrink alarm, and its last verification (if
 * any) passed. {@code latest} takes only such backups; restoring another needs its id and an
 * explicit yes.
 */
public record BackupStanding(Manifest backup, Optional<VerificationRecord> lastVerification) {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);

    /** Reads the backup's verification records; records that cannot be trusted count as none. */
    public static BackupStanding of(Repository repository, Manifest backup) throws IOException {
        Optional<VerificationRecord> last = Optional.empty();
        List<byte[]> records = repository.records(backup.id(), "verify-");
        for (int i = records.size() - 1; i >= 0 && last.isEmpty(); i--) {
            last = VerificationRecord.read(records.get(i), backup.id());
        }
        return new BackupStanding(backup, last);
    }

    /** A time as backups' verifications are shown: {@code 2026-12-01 02:00:00Z}. */
    public static String time(java.time.Instant instant) {
        return TIME.format(instant);
    }

    public boolean lastVerificationFailed() {
        return lastVerification.map(r -> !r.passed()).orElse(false);
    }

    public boolean trusted() {
        return !backup.isSuspicious() && !lastVerificationFailed();
    }

    /** Why {@code latest} passes this backup by, or empty when it is trusted. */
    public Optional<String> distrust() {
        if (backup.isSuspicious()) {
            return Optional.of("SUSPICIOUS (" + String.join("; ", backup.alarms()) + ")");
        }
        return lastVerification.filter(r -> !r.passed()).map(r -> "its last verification failed ("
                + TIME.format(r.verifiedAt()) + (r.error() == null ? "" : ": " + r.error()) + ")");
    }

    /**
     * Where a backup stands, for {@code --json}: {@code state} is {@code never-verified},
     * {@code verified} or {@code failed} (its last verification); {@code distrust} says why
     * {@code latest} passes it by (null when it does not).
     */
    public record State(String state, java.time.Instant verifiedAt, String error, boolean trusted,
                        String distrust) {
    }

    public State state() {
        return new State(lastVerification.map(r -> r.passed() ? "verified" : "failed").orElse("never-verified"),
                lastVerification.map(VerificationRecord::verifiedAt).orElse(null),
                lastVerification.map(VerificationRecord::error).orElse(null), trusted(), distrust().orElse(null));
    }

    /** {@code never verified}, {@code verified 2026-12-01 02:00:00Z} or {@code FAILED verification ...}. */
    public String verification() {
        return lastVerification.map(r -> (r.passed() ? "verified " : "FAILED verification ")
                + TIME.format(r.verifiedAt())).orElse("never verified");
    }
}
