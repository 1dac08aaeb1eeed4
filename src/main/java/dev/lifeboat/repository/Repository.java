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
public interface Repository extends AutoCloseable {
    /** A printable location with no credentials in it. */
    String location();

    /** Starts writing a new backup; the first backup creates the repository. */
    Upload startUpload(String backupId, String objectName) throws IOException;

    /**
     * Starts writing a new object for an existing backup (re-encryption). Its commit writes the
     * new manifest and only then removes the old object, so the backup stays readable throughout.
     */
    Upload startReplacement(Manifest existing, String newObjectName) throws IOException;

    /** The encryption the repository pins for its backups, if any; empty for a new repository. */
    java.util.Optional<Manifest.EncryptionInfo> pinnedEncryption() throws IOException;

    /**
     * Whether a Lifeboat repository is there yet (the first backup creates it): a value, so that
     * "nothing here yet" is an answer and not a failure to catch.
     */
    boolean exists() throws IOException;

    /** The failure of a command that needs a repository where there is none yet: exit 5, with the fix. */
    static dev.lifeboat.LifeboatException missing(String location) {
        return new dev.lifeboat.LifeboatException(dev.lifeboat.ExitCode.NOT_FOUND, "no Lifeboat repository at "
                + location + "; check --repo (a repository is created by the first backup)");
    }

    /** Pins the encryption (public recipients only) for all later backups. */
    void pinEncryption(Manifest.EncryptionInfo encryption) throws IOException;

    /**
     * Creates the repository if it does not exist yet. Safe to race: concurrent creators end up
     * with the one repository, and a folder or prefix holding something else is refused. True when
     * this call created it.
     */
    boolean create() throws IOException;

    /**
     * Removes a repository that {@link #create} made and that holds no backup, because the backup
     * that created it failed: a failed first backup leaves nothing behind.
     */
    void removeIfEmpty() throws IOException;

    /** Every complete backup, oldest first, and the backups whose manifests cannot be trusted. */
    RepositoryContents contents() throws IOException;

    /** Every complete, readable backup, oldest first; damaged ones are left out (see {@link #contents}). */
    default List<Manifest> manifests() throws IOException {
        return contents().backups();
    }

    /**
     * The backup with this id, or empty; a damaged one is refused with an integrity failure that
     * says why, so it is never restored or re-keyed.
     */
    Optional<Manifest> manifest(String backupId) throws IOException;

    InputStream openObject(Manifest manifest) throws IOException;

    /** Stores a small record (such as a verification result) next to a backup, atomically. */
    void putRecord(String backupId, String recordName, byte[] content) throws IOException;

    /** The records stored next to a backup whose names start with {@code prefix}, oldest first. */
    List<byte[]> records(String backupId, String prefix) throws IOException;

    /**
     * Forgets a backup. The manifest goes first, so a delete cut short leaves data without a
     * manifest (invisible, and removed later), never a manifest without data.
     */
    void delete(Manifest manifest) throws IOException;

    /**
     * Takes the lock for {@code scope} (e.g. one database name) or fails at once naming who holds
     * it. A lock whose owner is dead on this host, or whose heartbeat stopped, is taken over.
     */
    RepositoryLock lock(String scope, String purpose) throws IOException;

    /** Marks a backup as being read (verify, restore) so that prune keeps it meanwhile. */
    RepositoryLock markInUse(String backupId, String purpose) throws IOException;

    /** The backups some live process is reading right now. */
    java.util.Set<String> backupsInUse() throws IOException;

    /** Removes locks and in-use marks, all or those whose scope is given; returns what was removed. */
    List<String> unlock(java.util.Optional<String> scope) throws IOException;

    /** Backups that have data but no manifest, and no live writer: never listed, never restored. */
    List<String> incompleteBackups() throws IOException;

    /**
     * Removes temporary files, unfinished backups and in-use marks left by dead processes of this
     * host (and marks whose heartbeat stopped).
     */
    int removeLeftovers() throws IOException;

    /**
     * {@link #removeLeftovers} for a run that must not fail because of it, such as a restore:
     * what cannot be removed now (a read-only store, a damaged backup) stays for a later run.
     */
    default void tryRemoveLeftovers() {
        try {
            removeLeftovers();
        } catch (IOException | RuntimeException e) {
            // The run itself reports whatever is wrong with the repository; a later run cleans up.
        }
    }

    /** Frees connections and threads; nothing to do for a local folder. */
    @Override
    default void close() {
    }

    /** A backup being written. Closing it without {@link #commit} removes everything it wrote. */
    interface Upload extends AutoCloseable {
        java.io.OutputStream data() throws IOException;

        /** Makes the data durable, then writes the manifest: from here on the backup exists. */
        void commit(byte[] manifestJson) throws IOException;

        @Override
        void close();
    }

    /** The archived write-ahead log of PostgreSQL clusters kept in this repository. */
    WalArchive wal();
}
