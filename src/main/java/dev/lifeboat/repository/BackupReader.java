package dev.lifeboat.repository;

import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.repository.store.ForeignObject;
import dev.lifeboat.repository.store.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads backups as untrusted input: a manifest must be a plain, small object that {@link
 * StoredManifests} accepts, and the object it names must not be a link or anything else foreign;
 * otherwise the backup is {@link DamagedBackup damaged}. A missing object is not damage here:
 * {@code verify} reports it.
 */
final class BackupReader {
    private final Store store;

    BackupReader(Store store) {
        this.store = store;
    }

    /** What reading one backup gave: nothing (unfinished, or being deleted), a backup, or a damaged one. */
    private record Read(Optional<Manifest> manifest, Optional<DamagedBackup> damaged) {
    }

    RepositoryContents contents() throws IOException {
        List<BackupScan.Backup> backups = BackupScan.of(store.list(Layout.BACKUPS), List.of());
        List<Read> reads;
        try {
            reads = ManifestReader.readAll(backups, this::readUnchecked, store.readers());
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        List<Manifest> found = new ArrayList<>();
        List<DamagedBackup> damaged = new ArrayList<>();
        for (Read read : reads) {
            read.manifest().ifPresent(found::add);
            read.damaged().ifPresent(damaged::add);
        }
        found.sort(Manifest.OLDEST_FIRST);
        return new RepositoryContents(found, damaged);
    }

    /** The backup with this id, or empty; a damaged one is refused with the reason. */
    Optional<Manifest> manifest(String backupId) throws IOException {
        Read read = read(backupId, Optional.empty());
        if (read.damaged().isPresent()) {
            throw StoredManifests.refusal(store.location(), read.damaged().get());
        }
        return read.manifest();
    }

    private Read readUnchecked(BackupScan.Backup backup) {
        try {
            return read(backup.id(), Optional.of(backup));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @param listed the backup as listed, which saves asking the store about its object */
    private Read read(String id, Optional<BackupScan.Backup> listed) throws IOException {
        try {
            Optional<byte[]> bytes = store.readSmall(Layout.dir(id) + Layout.MANIFEST, Layout.SMALL_LIMIT);
            if (bytes.isEmpty()) {
                return new Read(Optional.empty(), Optional.empty());
            }
            Manifest manifest = StoredManifests.parse(bytes.get(), id);
            String object = Layout.object(manifest);
            if (listed.map(b -> b.entries().containsKey(manifest.object()) && b.entries().get(manifest.object())
                    .isForeign()).orElse(true)) {
                store.stat(object);   // throws for a link or anything else that is not a plain object
            }
            return new Read(Optional.of(manifest), Optional.empty());
        } catch (ForeignObject | StoredManifests.Damaged e) {
            return new Read(Optional.empty(), Optional.of(new DamagedBackup(id, e.getMessage())));
        }
    }
}
