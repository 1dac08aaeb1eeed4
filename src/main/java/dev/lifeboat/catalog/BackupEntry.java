package dev.lifeboat.catalog;

import java.time.Instant;

/** A backup as the catalog knows it. */
public record BackupEntry(String backupId, String repository, String name, String purpose, Instant startedAt,
                          RunStatus status, Long plainSize, Long storedSize, Long totalRows, Instant verifiedAt) {
}
