package dev.lifeboat.repository.s3;

import dev.lifeboat.manifest.BackupIds;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/** What is stored under {@code backups/}, grouped by backup id: one listing, paginated. */
final class BackupListing {
    private BackupListing() {
    }

    record Backup(String id, List<S3Objects.Entry> keys, List<S3Objects.PendingUpload> uploads) {
        boolean hasManifest() {
            return keys.stream().anyMatch(k -> k.key().endsWith("/" + S3Repository.MANIFEST));
        }

        boolean hasOwner() {
            return ownerMarked().isPresent();
        }

        Optional<Instant> ownerMarked() {
            return keys.stream().filter(k -> k.key().endsWith("/" + S3Repository.OWNER))
                    .map(S3Objects.Entry::lastModified).findFirst();
        }

        /** Nothing of it was written at or after {@code time}. */
        boolean olderThan(Instant time) {
            return Stream.concat(keys.stream().map(S3Objects.Entry::lastModified),
                    uploads.stream().map(S3Objects.PendingUpload::initiated)).allMatch(t -> t.isBefore(time));
        }
    }

    /** Every backup with stored objects and, with {@code withUploads}, unfinished multipart uploads. */
    static List<Backup> scan(S3Objects objects, boolean withUploads) {
        Map<String, List<S3Objects.Entry>> keys = new TreeMap<>();
        Map<String, List<S3Objects.PendingUpload>> uploads = new TreeMap<>();
        for (S3Objects.Entry entry : objects.list(S3Repository.BACKUPS)) {
            idOf(entry.key()).ifPresent(id -> keys.computeIfAbsent(id, k -> new ArrayList<>()).add(entry));
        }
        if (withUploads) {
            for (S3Objects.PendingUpload upload : objects.uploads(S3Repository.BACKUPS)) {
                idOf(upload.key()).ifPresent(id -> uploads.computeIfAbsent(id, k -> new ArrayList<>()).add(upload));
            }
        }
        TreeMap<String, Backup> backups = new TreeMap<>();
        keys.keySet().forEach(id -> backups.put(id, null));
        uploads.keySet().forEach(id -> backups.put(id, null));
        return backups.keySet().stream().map(id -> new Backup(id, keys.getOrDefault(id, List.of()),
                uploads.getOrDefault(id, List.of()))).toList();
    }

    private static Optional<String> idOf(String key) {
        String rest = key.substring(S3Repository.BACKUPS.length());
        int slash = rest.indexOf('/');
        String id = slash < 0 ? rest : rest.substring(0, slash);
        return slash > 0 && BackupIds.isValid(id) ? Optional.of(id) : Optional.empty();
    }
}
