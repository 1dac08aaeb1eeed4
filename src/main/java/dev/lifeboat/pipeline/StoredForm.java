package dev.lifeboat.pipeline;

/** How a snapshot is stored: compression with its level, and encryption. */
public record StoredForm(Compression compression, int level, Encryption encryption) {
    /** The object's file name, which tells a person which stock tools read it. */
    public String objectName(String snapshotExtension) {
        return "snapshot" + snapshotExtension + compression.extension() + encryption.extension();
    }

    /** The same form without compression, for content that cannot shrink. */
    public StoredForm uncompressed() {
        return new StoredForm(Compression.NONE, Compression.NONE.defaultLevel(), encryption);
    }
}
