package dev.lifeboat.repository;

/**
 * A backup whose manifest cannot be trusted: unreadable, incomplete, or naming something that is
 * not Lifeboat's. It is listed as DAMAGED and never restored, re-keyed, copied or taken as
 * {@code latest}; the other backups of the repository stay usable.
 */
public record DamagedBackup(String id, String reason) {
}
