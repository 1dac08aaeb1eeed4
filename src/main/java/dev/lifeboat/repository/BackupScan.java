package dev.lifeboat.repository;

import dev.lifeboat.repository.store.Store;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/** What is stored under {@code backups/}, grouped by backup id: one listing, paged by the store. */
final class BackupScan {
    private BackupScan() {
    }

    /**
     * One backup's entries by name inside its folder, its unfinished puts, and whether its folder
     * itself is something foreign (a link), in which case nothing in it is ever touched.
     */
    record Backup(String id, Map<String, Store.StoredObject> entries, List<Store.Unfinished> unfinished,
                  boolean foreignFolder) {
        String dir() {
            return Layout.dir(id);
        }

        boolean hasManifest() {
            return entries.containsKey(Layout.MANIFEST);
        }

        /** When the owner marker was last written, if there is a plain one. */
        Optional<Instant> ownerMarked() {
            return Optional.ofNullable(entries.get(Layout.OWNER)).filter(o -> !o.isForeign())
                    .map(Store.StoredObject::modified);
        }

        /** Nothing of it was written within the last {@code liveness.stale()}. */
        boolean silent(Liveness liveness) {
            return Stream.concat(entries.values().stream().map(Store.StoredObject::modified),
                    unfinished.stream().map(Store.Unfinished::lastWritten)).allMatch(liveness::isSilent);
        }
    }

    /** Every backup id with something stored or (from {@code unfinished}) being stored under it. */
    static List<Backup> of(List<Store.StoredObject> listed, List<Store.Unfinished> unfinished) {
        Map<String, Map<String, Store.StoredObject>> entries = new TreeMap<>();
        Map<String, List<Store.Unfinished>> puts = new TreeMap<>();
        Map<String, Boolean> foreign = new TreeMap<>();
        for (Store.StoredObject object : listed) {
            String[] parts = split(object.key());
            if (parts.length == 2) {
                entries.computeIfAbsent(parts[0], k -> new LinkedHashMap<>()).put(parts[1], object);
            } else if (parts.length == 1 && object.isForeign()) {
                foreign.put(parts[0], true);
            }
        }
        for (Store.Unfinished put : unfinished) {
            String[] parts = split(put.key());
            if (parts.length == 2) {
                puts.computeIfAbsent(parts[0], k -> new ArrayList<>()).add(put);
            }
        }
        TreeMap<String, Boolean> ids = new TreeMap<>(foreign);
        entries.keySet().forEach(id -> ids.putIfAbsent(id, false));
        puts.keySet().forEach(id -> ids.putIfAbsent(id, false));
        return ids.entrySet().stream().map(e -> new Backup(e.getKey(), entries.getOrDefault(e.getKey(), Map.of()),
                puts.getOrDefault(e.getKey(), List.of()), e.getValue())).toList();
    }

    /** {@code [id, rest]} for a key under a backup's folder, {@code [id]} for the folder itself, else none. */
    private static String[] split(String key) {
        if (!key.startsWith(Layout.BACKUPS)) {
            return new String[0];
        }
        String[] parts = key.substring(Layout.BACKUPS.length()).split("/", 2);
        return StoredNames.isBackupId(parts[0]) ? parts : new String[0];
    }
}
