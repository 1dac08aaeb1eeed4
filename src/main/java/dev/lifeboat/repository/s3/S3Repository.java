package dev.lifeboat.repository.s3;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.manifest.BackupIds;
import dev.lifeboat.manifest.Json;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.repository.ProcessOwner;
import dev.lifeboat.repository.Repository;
import dev.lifeboat.repository.RepositoryDescriptor;
import dev.lifeboat.repository.RepositoryLock;
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
        ensureCreated();
        return S3Upload.start(objects, clock, dir(backupId), objectName, location.partSize());
    }

    private static String dir(String backupId) {
        if (!BackupIds.isValid(backupId)) {
            throw new IllegalArgumentException("not a backup id: " + backupId);
        }
        return BACKUPS + backupId + "/";
    }

    private void ensureCreated() throws IOException {
        if (readDescriptor().isPresent()) {
            return;
        }
        if (objects.anyUnderPrefix()) {
            throw new LifeboatException(ExitCode.REPOSITORY, location + " is not empty and is not a Lifeboat"
                    + " repository (no " + RepositoryDescriptor.FILE_NAME + "); choose a new or empty prefix");
        }
        objects.put(RepositoryDescriptor.FILE_NAME, Json.write(new RepositoryDescriptor(RepositoryDescriptor.KIND,
                RepositoryDescriptor.FORMAT, UUID.randomUUID().toString(), clock.instant(), null)));
    }

    private Optional<RepositoryDescriptor> readDescriptor() throws IOException {
        Optional<byte[]> bytes = objects.get(RepositoryDescriptor.FILE_NAME);
        if (bytes.isEmpty()) {
            return Optional.empty();
        }
        RepositoryDescriptor found = Json.read(bytes.get(), RepositoryDescriptor.class);
        if (!RepositoryDescriptor.KIND.equals(found.kind()) || found.format() > RepositoryDescriptor.FORMAT) {
            throw new LifeboatException(ExitCode.REPOSITORY, location + " has repository format " + found.format()
                    + ", newer than this Lifeboat understands; upgrade Lifeboat");
        }
        return Optional.of(found);
    }

    private void requireExisting() throws IOException {
        if (readDescriptor().isEmpty()) {
            throw new LifeboatException(ExitCode.NOT_FOUND, "no Lifeboat repository at " + location
                    + "; check the --repo URL (a repository is created by the first backup)");
        }
    }

    @Override
    public List<Manifest> manifests() throws IOException {
        requireExisting();
        List<String> ids = BackupListing.scan(objects, false).stream().filter(BackupListing.Backup::hasManifest)
                .map(BackupListing.Backup::id).toList();
        List<Manifest> found = new ArrayList<>(ManifestReader.readAll(ids, this::readManifest));
        found.sort(Manifest.OLDEST_FIRST);
        return found;
    }

    private Optional<Manifest> readManifest(String backupId) {
        Optional<byte[]> bytes = objects.get(dir(backupId) + MANIFEST);
        if (bytes.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.read(bytes.get(), Manifest.class));
        } catch (IOException e) {
            throw LifeboatException.integrity("manifest " + dir(backupId) + MANIFEST + " in " + location
                    + " is damaged; move that backup aside and run 'lifeboat verify all'");
        }
    }

    @Override
    public Optional<Manifest> manifest(String backupId) throws IOException {
        requireExisting();
        return BackupIds.isValid(backupId) ? readManifest(backupId) : Optional.empty();
    }

    @Override
    public InputStream openObject(Manifest manifest) {
        String key = dir(manifest.id()) + manifest.object();
        var first = objects.open(key, 0, null).orElseThrow(() -> LifeboatException.integrity("the data object of"
                + " backup " + manifest.id() + " is missing from " + location + "; restore an older backup and run"
                + " 'lifeboat verify all'"));
        return new ResumingObjectStream(objects, key, first, first.response().eTag());
    }

    @Override
    public void putRecord(String backupId, String recordName, byte[] content) {
        objects.put(dir(backupId) + recordName, content);
    }

    @Override
    public List<byte[]> records(String backupId, String prefix) throws IOException {
        requireExisting();
        List<byte[]> records = new ArrayList<>();
        for (S3Objects.Entry entry : objects.list(dir(backupId) + prefix).stream()
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
        if (readManifest(existing.id()).isEmpty() || newObjectName.equals(existing.object())) {
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
        String current = readManifest(backup.id()).map(m -> dir + m.object()).orElse("");
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
