package dev.lifeboat.repository;

import dev.lifeboat.manifest.Manifest;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * Where backups live. A backup is visible only once its manifest is written, and the manifest is
 * written only after the data object is durable. Storage knows nothing of database engines.
 */
public interface Repository {
    /** A printable location with no credentials in it. */
    String location();

    /** Starts writing a new backup; the first backup creates the repository. */
    Upload startUpload(String backupId, String objectName) throws IOException;

    /** Every complete backup, oldest first. */
    List<Manifest> manifests() throws IOException;

    Optional<Manifest> manifest(String backupId) throws IOException;

    InputStream openObject(Manifest manifest) throws IOException;

    /** Stores a small record (such as a verification result) next to a backup, atomically. */
    void putRecord(String backupId, String recordName, byte[] content) throws IOException;

    /**
     * Forgets a backup. The manifest goes first, so a delete cut short leaves data without a
     * manifest (invisible, and removed later), never a manifest without data.
     */
    void delete(Manifest manifest) throws IOException;

    /** Backups that have data but no manifest, and no live writer: never listed, never restored. */
    List<String> incompleteBackups() throws IOException;

    /** Removes temporary files and unfinished backups left by dead processes of this host. */
    int removeLeftovers() throws IOException;

    /** A backup being written. Closing it without {@link #commit} removes everything it wrote. */
    interface Upload extends AutoCloseable {
        java.io.OutputStream data() throws IOException;

        /** Makes the data durable, then writes the manifest: from here on the backup exists. */
        void commit(byte[] manifestJson) throws IOException;

        @Override
        void close();
    }
}
