package dev.lifeboat.repository;

import dev.lifeboat.manifest.Manifest;

/**
 * Where a repository keeps what, on every store (the same keys as a folder's paths):
 * {@code lifeboat-repository.json}, {@code backups/ID/OBJECT}, {@code backups/ID/manifest.json}
 * (written last), {@code backups/ID/verify-*.json}, {@code backups/ID/.owner} while a writer works
 * on the backup, and {@code locks/*.lock}. Keys are built from validated names only: an id or name
 * read from a manifest or a listing never becomes part of a key unchecked.
 */
final class Layout {
    static final String DESCRIPTOR = RepositoryDescriptor.FILE_NAME;
    static final String BACKUPS = "backups/";
    static final String LOCKS = "locks/";
    static final String MANIFEST = "manifest.json";
    static final String OWNER = ".owner";
    /** Far above any manifest, descriptor, record or lock Lifeboat writes; a bigger one is not ours. */
    static final int SMALL_LIMIT = 4 << 20;

    private Layout() {
    }

    static String dir(String backupId) {
        if (!StoredNames.isBackupId(backupId)) {
            throw new IllegalArgumentException("not a backup id: " + StoredNames.printable(backupId));
        }
        return BACKUPS + backupId + "/";
    }

    static String object(String backupId, String objectName) {
        if (!StoredNames.isObjectName(objectName)) {
            throw new IllegalArgumentException("not an object name: " + StoredNames.printable(objectName));
        }
        return dir(backupId) + objectName;
    }

    static String record(String backupId, String recordName) {
        if (!StoredNames.isRecordName(recordName)) {
            throw new IllegalArgumentException("not a record name: " + StoredNames.printable(recordName));
        }
        return dir(backupId) + recordName;
    }

    static String object(Manifest manifest) {
        return object(manifest.id(), manifest.object());
    }
}
