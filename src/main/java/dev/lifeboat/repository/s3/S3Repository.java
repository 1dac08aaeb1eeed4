package dev.lifeboat.repository.s3;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.manifest.Json;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.repository.DamagedBackup;
import dev.lifeboat.repository.Descriptors;
import dev.lifeboat.repository.ProcessOwner;
import dev.lifeboat.repository.Repository;
import dev.lifeboat.repository.RepositoryDescriptor;
import dev.lifeboat.repository.RepositoryContents;
import dev.lifeboat.repository.RepositoryLock;
import dev.lifeboat.repository.StoredManifests;
import dev.lifeboat.repository.StoredNames;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A repository under a prefix of an S3 bucket, laid out like a folder repository:
 * {@code PREFIX/lifeboat-repository.json}, {@code PREFIX/backups/ID/OBJECT}, and
 * {@code PREFIX/backups/ID/manifest.json} written last. While a backup is written its prefix
 * holds a {@code .owner} marker (host, pid, start); an unfinished backup is abandoned when that
 * process is dead on this host or the marker is older than {@link #STALE} (live writers
 * refresh it hourly), and only then removed.
 */
public final class S3Repository implements Repository {
    static final String MANIFEST = "manifest.json";
    static final String OWNER = ".owner";
    static final String BACKUPS = "backups/";
    static final Duration STALE = Duration.ofHours(24);
    private static final int MANIFEST_LIMIT = S3Objects.SMALL_LIMIT;
    private final S3Location location;
    private final S3Objects objects;
    private final Clock clock;
    private final S3Locks locks;

    S3Repository(S3Location location, software.amazon.awssdk.services.s3.S3Client client, Clock clock) {
        this.location = location;
        this.objects = new S3Objects(client, location);
        this.clock = clock;
        this.locks = new S3Locks(objects, clock);
    }

    /** Opens {@code s3://bucket/prefix?...} with credentials from {@code env}. */
    public static S3Repository open(String spec, Map<String, String> env) {
        S3Location location = S3Location.parse(spec);
        return new S3Repository(location, S3Clients.create(location, env), Clock.systemUTC());
    }

    @Override
    public String location() {
        return location.toString();
    }

    @Override
    public Upload startUpload(String backupId, String objectName) throws IOException {
        if (!StoredNames.isObjectName(objectName)) {
            throw new IllegalArgumentException("not an object name: " + StoredNames.printable(objectName));
        }
        ensureCreated();
        return S3Upload.start(objects, clock, dir(backupId), objectName, location.partSize());
    }

    /** Keys are built from validated names only: an id from a manifest or a listing is never a path. */
    private static String dir(String backupId) {
        if (!StoredNames.isBackupId(backupId)) {
            throw new IllegalArgumentException("not a backup id: " + StoredNames.printable(backupId));
        }
        return BACKUPS + backupId + "/";
    }

    @Override
    public boolean create() throws IOException {
        boolean existed = readDescriptor().isPresent();
        ensureCreated();
        return !existed;
    }

    @Override
    public void removeIfEmpty() {
        if (objects.list("").stream().allMatch(e -> e.key().equals(RepositoryDescriptor.FILE_NAME))) {
            objects.delete(RepositoryDescriptor.FILE_NAME);
        }
    }

    /** The descriptor is created with put-if-absent, so two first backups agree on one repository. */
    private void ensureCreated() throws IOException {
        if (readDescriptor().isPresent()) {
            return;
        }
        if (objects.anyUnderPrefix() && readDescriptor().isEmpty()) {
            throw new LifeboatException(ExitCode.REPOSITORY, location + " is not empty and is not a Lifeboat"
                    + " repository (no " + RepositoryDescriptor.FILE_NAME + "); choose a new or empty prefix");
        }
        objects.putIfAbsent(RepositoryDescriptor.FILE_NAME, Json.write(new RepositoryDescriptor(
                RepositoryDescriptor.KIND, RepositoryDescriptor.FORMAT, UUID.randomUUID().toString(), clock.instant(),
                null)));
        readDescriptor().orElseThrow(() -> new LifeboatException(ExitCode.REPOSITORY, location + " did not keep its"
                + " new " + RepositoryDescriptor.FILE_NAME + "; check that the bucket accepts writes and retry"));
    }

    private Optional<RepositoryDescriptor> readDescriptor() {
        return objects.get(RepositoryDescriptor.FILE_NAME)
                .map(bytes -> Descriptors.parse(bytes, location + "/" + RepositoryDescriptor.FILE_NAME));
    }

    private void requireExisting() throws IOException {
        if (readDescriptor().isEmpty()) {
            throw new LifeboatException(ExitCode.NOT_FOUND, "no Lifeboat repository at " + location
                    + "; check the --repo URL (a repository is created by the first backup)");
        }
    }

    @Override
    public RepositoryContents contents() throws IOException {
        requireExisting();
        List<String> ids = BackupListing.scan(objects, false).stream().filter(BackupListing.Backup::hasManifest)
                .map(BackupListing.Backup::id).toList();
        List<Manifest> found = new ArrayList<>();
        List<DamagedBackup> damaged = new ArrayList<>();
        for (StoredManifest read : ManifestReader.readAll(ids, this::readManifest)) {
            read.manifest().ifPresent(found::add);
            read.damaged().ifPresent(damaged::add);
        }
        found.sort(Manifest.OLDEST_FIRST);
        return new RepositoryContents(found, damaged);
    }

    /** What reading one manifest gave: nothing (being deleted), a backup, or a damaged one. */
    private record StoredManifest(Optional<Manifest> manifest, Optional<DamagedBackup> damaged) {
    }

    private StoredManifest readManifest(String backupId) {
        Optional<byte[]> bytes = objects.get(dir(backupId) + MANIFEST);
        if (bytes.isEmpty()) {
            return new StoredManifest(Optional.empty(), Optional.empty());
        }
        if (bytes.get().length > MANIFEST_LIMIT) {
            return new StoredManifest(Optional.empty(), Optional.of(new DamagedBackup(backupId,
                    "its manifest is larger than any Lifeboat writes")));
        }
        try {
            return new StoredManifest(Optional.of(StoredManifests.parse(bytes.get(), backupId)), Optional.empty());
        } catch (StoredManifests.Damaged e) {
            return new StoredManifest(Optional.empty(), Optional.of(new DamagedBackup(backupId, e.getMessage())));
        }
    }

    @Override
    public Optional<Manifest> manifest(String backupId) throws IOException {
        requireExisting();
        if (!StoredNames.isBackupId(backupId)) {
            return Optional.empty();
        }
        StoredManifest read = readManifest(backupId);
        if (read.damaged().isPresent()) {
            throw StoredManifests.refusal(location(), read.damaged().get());
        }
        return read.manifest();
    }

    @Override
    public InputStream openObject(Manifest manifest) {
        if (!StoredNames.isObjectName(manifest.object())) {
            throw StoredManifests.refusal(location(), new DamagedBackup(manifest.id(), "its manifest names object '"
                    + StoredNames.printable(manifest.object()) + "', which is not a Lifeboat object name"));
        }
        String key = dir(manifest.id()) + manifest.object();
        var first = objects.open(key, 0, null).orElseThrow(() -> LifeboatException.integrity("the data object of"
                + " backup " + manifest.id() + " is missing from " + location + "; restore an older backup and run"
                + " 'lifeboat verify all'"));
        return new ResumingObjectStream(objects, key, first, first.response().eTag());
    }

    @Override
    public void putRecord(String backupId, String recordName, byte[] content) {
        if (!StoredNames.isRecordName(recordName)) {
            throw new IllegalArgumentException("not a record name: " + StoredNames.printable(recordName));
        }
        objects.put(dir(backupId) + recordName, content);
    }

    @Override
    public List<byte[]> records(String backupId, String prefix) throws IOException {
        requireExisting();
        List<byte[]> records = new ArrayList<>();
        String dir = dir(backupId);
        for (S3Objects.Entry entry : objects.list(dir + prefix).stream()
                .filter(e -> StoredNames.isRecordName(e.key().substring(dir.length())) && e.size() <= MANIFEST_LIMIT)
                .sorted(Comparator.comparing(S3Objects.Entry::key)).toList()) {
            objects.get(entry.key()).ifPresent(records::add);
        }
        return records;
    }

    @Override
    public void delete(Manifest manifest) throws IOException {
        String dir = dir(manifest.id());
        // As with a write, the owner marker makes a delete cut short an abandoned backup that a later run removes.
        objects.put(dir + OWNER, ProcessOwner.current().token().getBytes(StandardCharsets.UTF_8));
        objects.delete(dir + MANIFEST);
        for (S3Objects.Entry entry : objects.list(dir)) {
            if (!entry.key().endsWith("/" + OWNER)) {
                objects.delete(entry.key());
            }
        }
        objects.delete(dir + OWNER);
    }

    @Override
    public Upload startReplacement(Manifest existing, String newObjectName) throws IOException {
        requireExisting();
        if (!StoredNames.isObjectName(newObjectName) || !StoredNames.isObjectName(existing.object())
                || readManifest(existing.id()).manifest().isEmpty() || newObjectName.equals(existing.object())) {
            throw new IllegalArgumentException("replacement needs an existing backup and a new object name");
        }
        return S3Upload.replacing(objects, clock, dir(existing.id()), newObjectName, location.partSize(),
                existing.object());
    }

    @Override
    public Optional<Manifest.EncryptionInfo> pinnedEncryption() throws IOException {
        return readDescriptor().map(RepositoryDescriptor::pinnedEncryption);
    }

    @Override
    public void pinEncryption(Manifest.EncryptionInfo encryption) throws IOException {
        ensureCreated();
        RepositoryDescriptor d = readDescriptor().orElseThrow();
        objects.put(RepositoryDescriptor.FILE_NAME, Json.write(new RepositoryDescriptor(d.kind(), d.format(), d.id(),
                d.createdAt(), encryption)));
    }

    @Override
    public RepositoryLock lock(String scope, String purpose) throws IOException {
        if (readDescriptor().isEmpty()) {
            return RepositoryLock.notNeeded();
        }
        return locks.lock(scope, purpose);
    }

    @Override
    public RepositoryLock markInUse(String backupId, String purpose) throws IOException {
        dir(backupId);
        return locks.markInUse(backupId, purpose);
    }

    @Override
    public java.util.Set<String> backupsInUse() throws IOException {
        return locks.inUse();
    }

    @Override
    public List<String> unlock(Optional<String> scope) throws IOException {
        requireExisting();
        return locks.unlock(scope);
    }

    @Override
    public List<String> incompleteBackups() throws IOException {
        requireExisting();
        List<String> incomplete = new ArrayList<>();
        for (BackupListing.Backup backup : BackupListing.scan(objects, true)) {
            if (!backup.hasManifest() && (!backup.hasOwner() || abandoned(backup))) {
                incomplete.add(backup.id());
            }
        }
        return incomplete;
    }

    @Override
    public int removeLeftovers() throws IOException {
        if (readDescriptor().isEmpty()) {
            return 0;
        }
        int removed = locks.removeStaleInUse();
        for (BackupListing.Backup backup : BackupListing.scan(objects, true)) {
            if (backup.hasManifest()) {
                if (backup.hasOwner() && abandoned(backup)) {
                    // A re-encryption that was killed: its parts would stay (and be billed) forever.
                    backup.uploads().forEach(u -> objects.abort(u.key(), u.uploadId()));
                    objects.delete(dir(backup.id()) + OWNER);
                }
                removed += removeReplacedObjects(backup);
            } else if (backup.hasOwner() ? abandoned(backup) : backup.olderThan(clock.instant().minus(STALE))) {
                backup.uploads().forEach(u -> objects.abort(u.key(), u.uploadId()));
                // The marker goes last: if removal stops half-way, the next run still knows it is abandoned.
                backup.keys().stream().filter(k -> !k.key().endsWith("/" + OWNER)).forEach(k -> objects.delete(k.key()));
                if (backup.hasOwner()) {
                    objects.delete(dir(backup.id()) + OWNER);
                }
                removed++;
            }
        }
        return removed;
    }

    /**
     * An object its manifest no longer names, left by a re-encryption cut short after the
     * manifest switched; the age guard keeps a replacement being committed right now out of reach.
     */
    private int removeReplacedObjects(BackupListing.Backup backup) {
        String dir = dir(backup.id());
        List<S3Objects.Entry> snapshots = backup.keys().stream()
                .filter(k -> k.key().startsWith(dir + "snapshot")).toList();
        if (snapshots.size() < 2) {
            return 0;
        }
        StoredManifest read = readManifest(backup.id());
        if (read.damaged().isPresent()) {
            return 0;
        }
        String current = read.manifest().map(m -> dir + m.object()).orElse("");
        Instant hourAgo = clock.instant().minus(Duration.ofHours(1));
        int removed = 0;
        for (S3Objects.Entry entry : snapshots) {
            if (!entry.key().equals(current) && entry.lastModified().isBefore(hourAgo)) {
                objects.delete(entry.key());
                removed++;
            }
        }
        return removed;
    }

    /** The writer is gone: dead on this host, or silent for longer than {@link #STALE}. */
    private boolean abandoned(BackupListing.Backup backup) {
        Instant marked = backup.ownerMarked().orElseThrow();
        if (marked.isBefore(clock.instant().minus(STALE))) {
            return true;
        }
        Optional<ProcessOwner> owner = objects.get(dir(backup.id()) + OWNER)
                .flatMap(bytes -> ProcessOwner.parse(new String(bytes, StandardCharsets.UTF_8)));
        return owner.isPresent() && owner.get().isDeadOnThisHost();
    }

    @Override
    public void close() {
        objects.client().close();
    }
}
