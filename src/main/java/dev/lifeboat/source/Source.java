package dev.lifeboat.source;

import dev.lifeboat.scratch.ScratchSpace;
import java.io.IOException;

/** A database to back up. Knows nothing of where backups are stored. */
public interface Source {
    /** Engine name recorded in manifests, e.g. {@code sqlite}. */
    String kind();

    /** A printable location without secrets. */
    String location();

    /** A name for backups of this source when the user gives none. */
    String defaultName();

    /**
     * What this source is, stably across runs and spellings: the canonical path of a file, the
     * server and database (and scope) of PostgreSQL. A backup name belongs to one identity in a
     * repository, so two databases that share a base name are never confused.
     */
    default String identity() {
        return kind() + ":" + location();
    }

    /**
     * True when the snapshot itself is encrypted (SQLCipher): it then needs no outer encryption
     * to leave the machine safely, though age or OpenPGP may still be added.
     */
    boolean snapshotIsEncrypted();

    /**
     * How long a backup of this source waits for another backup of the same database, when the
     * source says so itself (SQLCipher's {@code lock-wait=}); otherwise the run's default applies.
     */
    default java.util.Optional<java.time.Duration> lockWait() {
        return java.util.Optional.empty();
    }

    /** Checks everything that can be checked before any work, so a bad source changes nothing. */
    void preflight() throws IOException;

    Snapshot snapshot(ScratchSpace scratch) throws IOException;

    /**
     * Whether the snapshot ends only once the server archived WAL through {@code wal-push} (a
     * PostgreSQL base backup), so that a running Lifeboat serving wal-push shortens it.
     */
    default boolean waitsForWalArchiving() {
        return false;
    }

    /** What the preflight found that does not stop a backup but must be shown (e.g. WAL archived elsewhere). */
    default java.util.List<String> warnings() {
        return java.util.List.of();
    }
}
