package dev.lifeboat.manifest;

import java.time.Instant;

/**
 * Everything known about one backup. Written last, after the data object is durable: a backup
 * without a manifest does not exist. Holds no secret material.
 */
public record Manifest(
        int format,
        String id,
        String name,
        String purpose,
        SourceInfo source,
        @com.fasterxml.jackson.annotation.JsonAlias("startedAt") Instant startedAt,
        @com.fasterxml.jackson.annotation.JsonAlias("finishedAt") Instant finishedAt,
        @com.fasterxml.jackson.annotation.JsonAlias("durationMillis") long durationMillis,
        String object,
        Seal seal,
        CompressionInfo compression,
        EncryptionInfo encryption,
        Facts facts,
        @com.fasterxml.jackson.annotation.JsonAlias("lifeboatVersion") String lifeboatVersion,
        String host,
        java.util.List<String> alarms) {

    public Manifest {
        alarms = alarms == null ? java.util.List.of() : java.util.List.copyOf(alarms);
    }

    /** 2: snake_case keys; 1 (camelCase) still reads. */
    public static final int FORMAT = 2;
    public static final String PURPOSE_BACKUP = "backup";
    public static final String PURPOSE_PRE_RESTORE = "pre-restore";

    /**
     * @param identity what {@code Source.identity()} said; null in manifests written before it was
     *                 recorded (and in pre-restore backups), which belong to no one in particular
     */
    public record SourceInfo(String kind, String location, String identity) {
        public SourceInfo(String kind, String location) {
            this(kind, location, null);
        }

        /** True unless the backup records another identity: older manifests match any source of their name. */
        public boolean mayBelongTo(String sourceIdentity) {
            return identity == null || identity.equals(sourceIdentity);
        }
    }

    public record CompressionInfo(String algorithm, int level) {
    }

    public record EncryptionInfo(String scheme, java.util.List<String> recipients) {
        public EncryptionInfo {
            recipients = java.util.List.copyOf(recipients);
        }
    }

    /** Oldest first by the backup's own start time; ids (one-second resolution) only break ties. */
    public static final java.util.Comparator<Manifest> OLDEST_FIRST =
            java.util.Comparator.comparing(Manifest::startedAt).thenComparing(Manifest::id);

    public boolean isPreRestore() {
        return PURPOSE_PRE_RESTORE.equals(purpose);
    }

    /** This manifest as this Lifeboat writes it (e.g. copied to another repository): in the current format. */
    public Manifest asWritten() {
        return format == FORMAT ? this : new Manifest(FORMAT, id, name, purpose, source, startedAt, finishedAt,
                durationMillis, object, seal, compression, encryption, facts, lifeboatVersion, host, alarms);
    }

    public Manifest withAlarms(java.util.List<String> newAlarms) {
        return new Manifest(format, id, name, purpose, source, startedAt, finishedAt, durationMillis, object, seal,
                compression, encryption, facts, lifeboatVersion, host, newAlarms);
    }

    /** The same backup stored as another object, e.g. re-encrypted for new recipients. */
    public Manifest withStoredObject(String newObject, Seal newSeal, EncryptionInfo newEncryption) {
        return new Manifest(FORMAT, id, name, purpose, source, startedAt, finishedAt, durationMillis, newObject,
                newSeal, compression, newEncryption, facts, lifeboatVersion, host, alarms);
    }

    /**
     * What protects the stored bytes, for people and scripts: {@code sqlcipher} for an SQLCipher
     * snapshot (the database's own encryption), the outer scheme ({@code age}, {@code openpgp}),
     * both joined by {@code +}, or {@code none}. Written into new manifests; derived, never read.
     */
    @com.fasterxml.jackson.annotation.JsonProperty(value = "encrypted_with",
            access = com.fasterxml.jackson.annotation.JsonProperty.Access.READ_ONLY)
    public String encryptedWith() {
        boolean own = "sqlcipher".equals(source.kind());
        boolean outer = !"none".equals(encryption.scheme());
        return own && outer ? "sqlcipher+" + encryption.scheme() : own ? "sqlcipher" : encryption.scheme();
    }

    /** A backup that shrank suspiciously against the one before it (see {@link #alarms}). */
    public boolean isSuspicious() {
        return !alarms.isEmpty();
    }
}
