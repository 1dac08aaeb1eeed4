package dev.lifeboat.repository;

import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.repository.store.ForeignObject;
import dev.lifeboat.repository.store.Store;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What dead processes left in a repository, judged by the one {@link Liveness} rule: a backup
 * without manifest whose owner is gone (or, with no owner marker at all, where nothing was
 * written for a stale period), the temp files and multipart uploads of puts whose writer is gone,
 * the old object a re-encryption cut short left beside its new manifest, and stale in-use marks.
 * Nothing is removed from a damaged backup or one whose folder is not a real folder.
 */
final class Leftovers {
    /** A replaced object without an owner marker to judge by stays this long: a commit may be under way. */
    static final Duration REPLACED_GRACE = Duration.ofHours(1);
    private final Store store;
    private final Liveness liveness;

    Leftovers(Store store, Liveness liveness) {
        this.store = store;
        this.liveness = liveness;
    }

    /** Backups with data but no manifest, and no live writer. */
    List<String> incomplete() throws IOException {
        List<String> ids = new ArrayList<>();
        for (BackupScan.Backup backup : scan(store.unfinished(Layout.BACKUPS))) {
            if (isUnfinished(backup) && !ownerLives(backup)) {
                ids.add(backup.id());
            }
        }
        return ids;
    }

    int remove() throws IOException {
        List<Store.Unfinished> unfinished = store.unfinished("");
        int removed = 0;
        for (Store.Unfinished put : unfinished) {
            if (!put.key().startsWith(Layout.BACKUPS) && (writerGone(put) || put.pid().isEmpty()
                    && liveness.isSilent(put.lastWritten()))) {
                store.abort(put);
                removed++;
            }
        }
        for (BackupScan.Backup backup : scan(unfinished)) {
            removed += remove(backup);
        }
        return removed;
    }

    private int remove(BackupScan.Backup backup) throws IOException {
        boolean marked = backup.ownerMarked().isPresent();
        boolean ownerGone = marked && !ownerLives(backup);
        boolean unfinished = isUnfinished(backup);
        if (unfinished && (ownerGone || !marked && backup.silent(liveness))) {
            backup.unfinished().forEach(this::abortQuietly);
            for (Store.StoredObject entry : backup.entries().values()) {
                if (!entry.key().endsWith("/" + Layout.OWNER)) {
                    store.delete(entry.key());
                }
            }
            // The marker goes last: if removal stops half-way, the next run still knows whose this was.
            store.delete(backup.dir() + Layout.OWNER);
            return 1;
        }
        int removed = 0;
        for (Store.Unfinished put : backup.unfinished()) {
            if (writerGone(put) || ownerGone || !marked && put.pid().isEmpty() && liveness.isSilent(put.lastWritten())) {
                store.abort(put);
                removed++;
            }
        }
        if (!unfinished && (ownerGone || !marked)) {
            removed += removeReplacedObjects(backup, ownerGone);
            if (ownerGone) {
                store.delete(backup.dir() + Layout.OWNER);
            }
        }
        return removed;
    }

    /**
     * Objects the manifest no longer names, left by a re-encryption cut short after the manifest
     * switched: at once when its owner is gone, else after {@link #REPLACED_GRACE}.
     */
    private int removeReplacedObjects(BackupScan.Backup backup, boolean ownerGone) throws IOException {
        if (backup.entries().keySet().stream().filter(StoredNames::isObjectName).count() < 2) {
            return 0;   // the common case, decided without reading the manifest
        }
        Optional<Manifest> manifest = manifest(backup);
        if (manifest.isEmpty()) {
            return 0;
        }
        int removed = 0;
        for (var entry : backup.entries().entrySet()) {
            Store.StoredObject object = entry.getValue();
            if (StoredNames.isObjectName(entry.getKey()) && !entry.getKey().equals(manifest.get().object())
                    && !object.isForeign() && (ownerGone || object.modified().isBefore(liveness.clock().instant()
                    .minus(REPLACED_GRACE)))) {
                store.delete(object.key());
                removed++;
            }
        }
        return removed;
    }

    private Optional<Manifest> manifest(BackupScan.Backup backup) throws IOException {
        try {
            Optional<byte[]> bytes = store.readSmall(backup.dir() + Layout.MANIFEST, Layout.SMALL_LIMIT);
            return bytes.isEmpty() ? Optional.empty() : Optional.of(StoredManifests.parse(bytes.get(), backup.id()));
        } catch (ForeignObject | StoredManifests.Damaged e) {
            return Optional.empty();
        }
    }

    /** No manifest, and nothing foreign where it belongs (a damaged backup is not unfinished). */
    private boolean isUnfinished(BackupScan.Backup backup) throws IOException {
        if (backup.foreignFolder() || backup.hasManifest()) {
            return false;
        }
        try {
            return store.readSmall(backup.dir() + Layout.MANIFEST, Layout.SMALL_LIMIT).isEmpty();
        } catch (ForeignObject e) {
            return false;
        }
    }

    private boolean ownerLives(BackupScan.Backup backup) throws IOException {
        Optional<java.time.Instant> marked = backup.ownerMarked();
        if (marked.isEmpty()) {
            return false;
        }
        Optional<byte[]> token;
        try {
            token = store.readSmall(backup.dir() + Layout.OWNER, Layout.SMALL_LIMIT);
        } catch (ForeignObject e) {
            token = Optional.of(new byte[0]);
        }
        // Listed, and gone since: a dead process leaves its marker, so a live one just finished (wrote its
        // manifest, or removed the backup) and the listing is out of date; the next run judges afresh.
        return token.isEmpty() || !liveness.isGone(token.get(), marked.get());
    }

    private boolean writerGone(Store.Unfinished put) {
        return put.pid().isPresent() && ProcessOwner.isGone(put.pid().getAsLong());
    }

    private void abortQuietly(Store.Unfinished put) {
        try {
            store.abort(put);
        } catch (IOException | RuntimeException e) {
            // Its backup goes anyway; what is left of the put is found again by the next run.
        }
    }

    private List<BackupScan.Backup> scan(List<Store.Unfinished> unfinished) throws IOException {
        return BackupScan.of(store.list(Layout.BACKUPS), unfinished);
    }
}
